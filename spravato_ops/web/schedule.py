"""The scheduler's day grid with its booking form: chairs as columns, site-local time as rows."""
from datetime import date, time, timedelta

from flask import render_template, request
from flask_login import current_user

from .. import clock
from ..db import get_session
from ..domain.calendar import local_date
from ..domain.opening_hours import WEEKDAY_NAMES, WEEKDAYS, open_at
from ..domain.sweep_alerts import SCHEDULING_FOLLOW_UPS
from ..permissions import OVERRIDE_ROLES
from ..services.sites import certification_today, list_chairs, site_policy, sites_of
from .access import page
from .alert_lists import alert_lists
from .board import chosen_site
from .schedule_capacity import capacity_panel
from .views import bp

# The grid's rows: 07:00 to 20:00 site-local, 15-minute lines, widened to the site's opening
# hours (P-HOURS) where they start earlier or end later; the hours closed are shaded.
FIRST_HOUR, LAST_HOUR, LINE_MINUTES = 7, 20, 15
# The series dialog's weekday boxes: (value the API takes, label).
SERIES_WEEKDAYS = tuple(zip(WEEKDAYS, WEEKDAY_NAMES))


@bp.get("/schedule")
@page("schedule")
def schedule():
    """Render one site's day; schedule.js places the sessions and runs the booking form."""
    session = get_session()
    sites = sites_of(session, user=current_user)
    site = chosen_site(sites, request.args.get("site_id", type=int))
    now = clock.utcnow()
    today = local_date(now, site.timezone)
    day = request.args.get("date", type=_iso_date) or today
    policy = site_policy(session, site.id)
    first, last = _grid_hours(policy.opening_hours)
    lines = [(f"{minute // 60:02d}:{minute % 60:02d}",
              open_at(policy.opening_hours, day, time(minute // 60, minute % 60)))
             for minute in range(first * 60, last * 60, LINE_MINUTES)]
    return render_template(
        "schedule.html", site=site, sites=sites, day=day, today=today, lines=lines,
        chairs=list_chairs(session, site_id=site.id), closure=policy.opening_hours.closure(day),
        any_closed=not all(open_ for _, open_ in lines),
        certification=certification_today(site, now),
        slot_minutes=policy.slot_minutes,
        may_override=current_user.role in OVERRIDE_ROLES, first_hour=first,
        series_weekdays=SERIES_WEEKDAYS, capacity=capacity_panel(session, site),
        **alert_lists(session, site=site, follow_ups_of=SCHEDULING_FOLLOW_UPS, now=now),
        days={"previous week": day - timedelta(days=7), "previous day": day - timedelta(days=1),
              "next day": day + timedelta(days=1), "next week": day + timedelta(days=7)})


def _grid_hours(hours):
    """The first and last hour of the grid: the defaults, widened to the opening hours."""
    times = [t for _, spans in hours.weekly or () for span in spans for t in span]
    first = min([FIRST_HOUR] + [int(t[:2]) for t in times])
    last = max([LAST_HOUR] + [int(t[:2]) + (t[3:] != "00") for t in times])
    return first, min(last, 24)


def _iso_date(text):
    return date.fromisoformat(text)
