"""The schedule page's capacity panel: the next 4 weeks' chair-hours as a server-drawn SVG chart
(open, booked, expected; days over capacity named in words) and the courses that need booking.
schedule_capacity.js hands a course to the booking form and fetches the panel again after a
change (GET /schedule/capacity: the same template on its own)."""
import math

from flask import render_template, request
from flask_login import current_user

from .. import clock
from ..db import get_session
from ..services.capacity import site_outlook
from ..services.sites import sites_of
from .access import page
from .board import chosen_site
from .views import bp

# The chart in SVG user units (it scales to the panel's width): a column per day.
LEFT, COLUMN, TOP, PLOT, BOTTOM, RIGHT = 40, 30, 26, 170, 40, 6
OPEN_WIDTH, STACK_WIDTH = 24, 14
STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000)
MAX_TICKS = 5


def hours(minutes):
    """Chair-hours as people read them: 28.5, 12, 0."""
    return f"{minutes / 60:.2f}".rstrip("0").rstrip(".")


def _scale(most_hours):
    """The axis top and tick step (hours): the smallest step that needs at most 5 ticks."""
    step = next((s for s in STEPS if math.ceil(most_hours / s) <= MAX_TICKS), STEPS[-1])
    return step * max(1, math.ceil(most_hours / step)), step


def chart(days):
    """Where each day's bars go: open behind, booked with expected stacked on it."""
    most = max((max(d.open_minutes, d.booked_minutes + d.expected_minutes) for d in days),
               default=0)
    top, step = _scale(most / 60)
    base = TOP + PLOT

    def y(minutes):
        return round(base - PLOT * minutes / 60 / top, 1)

    columns = []
    for index, day in enumerate(days):
        left = LEFT + index * COLUMN
        middle = left + COLUMN / 2
        demand = day.booked_minutes + day.expected_minutes
        columns.append(dict(
            day=day, left=left, middle=middle, open_x=middle - OPEN_WIDTH / 2,
            stack_x=middle - STACK_WIDTH / 2, open_y=y(day.open_minutes),
            booked_y=y(day.booked_minutes), demand_y=y(demand),
            label_y=min(y(day.open_minutes), y(demand)) - 5, week_start=day.day.weekday() == 0))
    return dict(width=LEFT + len(days) * COLUMN + RIGHT, height=base + BOTTOM, base=base, top=TOP,
                left=LEFT, right=LEFT + len(days) * COLUMN, columns=columns,
                ticks=[(value, y(value * 60)) for value in range(0, top + 1, step)],
                column=COLUMN, open_width=OPEN_WIDTH, stack_width=STACK_WIDTH)


def capacity_panel(session, site):
    """What schedule_capacity.html shows for a site, from one read."""
    outlook = site_outlook(session, site_id=site.id, now=clock.utcnow())
    forecast = outlook["capacity"]
    return dict(forecast=forecast, chart=chart(forecast["days"]),
                over=[day for day in forecast["days"] if day.over_capacity],
                needs_booking=outlook["needs_booking"], hours=hours)


@bp.get("/schedule/capacity")
@page("schedule")
def schedule_capacity():
    """The capacity panel alone, for the page to fetch again after a booking changed."""
    session = get_session()
    site = chosen_site(sites_of(session, user=current_user), request.args.get("site_id", type=int))
    return render_template("schedule_capacity.html", site=site,
                           capacity=capacity_panel(session, site))
