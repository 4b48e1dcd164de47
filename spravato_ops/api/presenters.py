"""Shape stored records into the dicts the output schemas dump (derived fields added)."""
from ..clock import utcnow
from ..domain.calendar import local_date
from ..domain.eligibility import site_certified
from ..services.sites import site_facts


def site_view(site):
    """A site with `rems_certified`: certification active on today's site-local date (R4.1)."""
    data = site.model_dump()
    data["rems_certified"] = site_certified(site_facts(site), local_date(utcnow(), site.timezone))
    return data
