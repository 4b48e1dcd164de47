"""The admin's home: the sites with their certification, the staff, and where to change them."""
from flask import render_template
from sqlmodel import select

from ..db import get_session
from ..domain.opening_hours import WEEKDAY_NAMES, WEEKDAYS
from ..models import User
from ..services.sites import list_sites, site_with_policy
from .access import page
from .views import bp


@bp.get("/admin")
@page("admin")
def admin():
    session = get_session()
    users = session.exec(select(User).order_by(User.role, User.name)).all()
    return render_template("admin.html", sites=list_sites(session), users=users)


@bp.get("/admin/sites/<int:site_id>")
@page("admin")
def site_settings(site_id):
    """A site's opening hours and closures (P-HOURS); site_hours.js saves them to the policy."""
    site, policy = site_with_policy(get_session(), site_id)
    hours = policy.opening_hours
    weekly = dict(hours.weekly or ())
    days = [(key, name, ", ".join(f"{a}-{b}" for a, b in weekly.get(key, ())))
            for key, name in zip(WEEKDAYS, WEEKDAY_NAMES)]
    closures = "\n".join(f"{c.day.isoformat()} {c.reason}" for c in hours.closures)
    return render_template("site_settings.html", site=site, days=days, closures=closures,
                           hours_set=hours.weekly is not None)
