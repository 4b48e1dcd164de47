"""Shape stored records into the dicts the output schemas dump (derived fields added)."""
from ..clock import utcnow
from ..domain.calendar import local_date


def site_view(site):
    """A site with `rems_certified`: certification active on today's site-local date (R4.1)."""
    today = local_date(utcnow(), site.timezone)
    data = site.model_dump()
    data["rems_certified"] = bool(
        site.rems_certification_id and site.rems_certified_until
        and site.rems_certified_until >= today
    )
    return data
