"""The scheduler's day grid with its booking form: chairs as columns, site-local time as rows."""
from datetime import date, timedelta

from flask import render_template, request
from flask_login import current_user

from .. import clock
from ..db import get_session
from ..domain.calendar import local_date
from ..permissions import OVERRIDE_ROLES
from ..services.sites import list_chairs, site_policy, sites_of
from .access import page
from .board import chosen_site
from .views import bp

# The grid's rows until sites have opening hours: 07:00 to 20:00 site-local, 15-minute lines.
FIRST_HOUR, LAST_HOUR, LINE_MINUTES = 7, 20, 15


@bp.get("/schedule")
@page("schedule")
def schedule():
    """Render one site's day; schedule.js places the sessions and runs the booking form."""
    session = get_session()
    sites = sites_of(session, user=current_user)
    site = chosen_site(sites, request.args.get("site_id", type=int))
    today = local_date(clock.utcnow(), site.timezone)
    day = request.args.get("date", type=_iso_date) or today
    lines = [f"{minute // 60:02d}:{minute % 60:02d}"
             for minute in range(FIRST_HOUR * 60, LAST_HOUR * 60, LINE_MINUTES)]
    return render_template(
        "schedule.html", site=site, sites=sites, day=day, today=today, lines=lines,
        chairs=list_chairs(session, site_id=site.id),
        slot_minutes=site_policy(session, site.id).slot_minutes,
        may_override=current_user.role in OVERRIDE_ROLES, first_hour=FIRST_HOUR,
        days={"previous week": day - timedelta(days=7), "previous day": day - timedelta(days=1),
              "next day": day + timedelta(days=1), "next week": day + timedelta(days=7)})


def _iso_date(text):
    return date.fromisoformat(text)
