"""The admin's home: the sites with their certification, a site added, each site's details,
chairs, opening hours and clinical policy; the staff added, deactivated or reactivated, given
a new password, moved between sites, their sessions ended (admin.js, site_details.js and
site_hours.js, through the API)."""
from functools import cache, partial

from flask import render_template
from flask_login import current_user

from schemas.site import TIMEZONES

from ..clock import utcnow
from ..db import get_session
from ..domain.enums import Role, SettingType
from ..domain.opening_hours import WEEKDAY_NAMES, WEEKDAYS
from ..services.sites import (
    certification_outlook, certification_today, list_chairs, list_sites, policy_record,
    site_with_policy,
)
from ..services.views import all_user_views
from .access import page
from .views import bp


@cache
def suggested_timezones():
    """The new-site form's suggestions (the API refuses a name that is not an IANA zone)."""
    return sorted(zone for zone in TIMEZONES if "/" in zone)


@bp.get("/admin")
@page("admin")
def admin():
    session = get_session()
    sites = list_sites(session)
    names = {site.id: site.name for site in sites}
    users = [dict(user, sites=", ".join(names[i] for i in user["site_ids"]) or "every site")
             for user in sorted(all_user_views(session),
                                key=lambda u: (not u["active"], u["role"], u["name"]))]
    now = utcnow()
    certification = {site.id: certification_today(site, now) for site in sites}
    return render_template("admin.html", sites=sites, users=users, roles=list(Role),
                           certification=certification,
                           setting_types=list(SettingType), timezones=suggested_timezones(),
                           me=current_user.id)


@bp.get("/admin/sites/<int:site_id>")
@page("admin")
def site_settings(site_id):
    """A site's details and REMS certification (R4.1), its chairs, its opening hours and
    closures (P-HOURS) and the rest of its clinical policy; site_details.js saves the details,
    site_hours.js adds chairs and saves the hours and the policy."""
    session = get_session()
    site, policy = site_with_policy(session, site_id)
    hours = policy.opening_hours
    weekly = dict(hours.weekly or ())
    days = [(key, name, ", ".join(f"{a}-{b}" for a, b in weekly.get(key, ())))
            for key, name in zip(WEEKDAYS, WEEKDAY_NAMES)]
    closures = "\n".join(f"{c.day.isoformat()} {c.reason}" for c in hours.closures)
    return render_template("site_settings.html", site=site, days=days, closures=closures,
                           hours_set=hours.weekly is not None, setting_types=list(SettingType),
                           certification=certification_outlook(session, site, now=utcnow()),
                           chairs=list_chairs(session, site_id=site_id),
                           at=partial(_at, policy.to_mapping()),
                           policy_version=getattr(policy_record(session, site_id), "version", 0))


def _at(mapping, key):
    """The value at a dotted key of the policy's JSON shape ("bp_alert.systolic")."""
    for part in key.split("."):
        mapping = mapping[part]
    return mapping
