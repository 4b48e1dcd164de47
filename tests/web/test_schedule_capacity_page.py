"""The schedule's capacity panel, server-drawn: the 4-week chart with the days over capacity in
words, and the "needs booking" list (P-HOURS, P-SLOT, R1.7); also alone, for the page's refresh."""
import re
from types import SimpleNamespace
from datetime import date, datetime, time

import pytest
from freezegun import freeze_time

from spravato_ops.models import SitePolicyRecord

from ..api.booking_setup import NEW_YORK, NOW
from .pages import client_log_in

SATURDAY_ONLY_MORNING = {"opening_hours": {"weekly": {
    **{day: [["08:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")},
    "sat": [["09:00", "11:30"]]}, "closures": []}}


@pytest.fixture(autouse=True)
def frozen():
    with freeze_time(NOW):  # Monday 2 March 2026, 07:00 in New York
        yield


def at(day, hour=9):
    return datetime.combine(date.fromisoformat(day), time(hour), NEW_YORK)


@pytest.fixture
def place(make, db):
    """One chair; Saturday 7 March holds one session, as much as it opens for, and a course
    needs its next session from today (due 2-5 March)."""
    site = make.site(name="Riverside")
    chair = make.chair(site, label="Chair A")
    db.add(SitePolicyRecord(site_id=site.id, settings=SATURDAY_ONLY_MORNING, updated_at=NOW))
    db.commit()
    full = make.course(status="completed")
    make.session(course=full, site=site, chair=chair, scheduled_start=at("2026-03-07"))
    patient = make.patient(first_name="Jordan", last_name="Lee")
    due = make.course(patient=patient, start_date=date(2026, 1, 26))
    make.session(course=due, site=site, chair=chair, scheduled_start=at("2026-02-24"),
                 state="discharged")
    return SimpleNamespace(id=site.id, site=site, due_course=due)


def panel(page):
    return page[page.index('id="capacity-panel"'):]


def test_the_schedule_shows_the_chart_and_the_courses_to_book(client, make, place):
    client_log_in(client, make.user("scheduler", site=place.site))
    page = panel(client.get(f"/schedule?site_id={place.id}").get_data(as_text=True))
    assert "Lee, Jordan" in page and f'data-course-id="{place.due_course.id}"' in page
    assert "Due Mon 2 Mar to Thu 5 Mar" in page and "Due now" in page
    assert page.count('<g class="day') == 28
    # The due course's session is expected today; Saturday's one chair is open 2.5 h for
    # one booked session of 2.5 h: full, not over.
    assert "No day is over capacity in these 4 weeks." in page
    assert "Sat 7 Mar: open 2.5 h, booked 2.5 h, expected 0 h</title>" in page
    assert "Mon 2 Mar: open 10 h, booked 0 h, expected 2.5 h</title>" in page


def test_a_day_over_capacity_is_named_in_words(client, make, place):
    make.session(course=make.course(status="completed"), site=place.site,
                 chair=make.chair(place.site, label="Chair B", active=False),
                 scheduled_start=at("2026-03-07"))
    client_log_in(client, make.user("prescriber"))
    page = panel(client.get(f"/schedule/capacity?site_id={place.id}").get_data(as_text=True))
    assert "Over capacity on 1 day:" in page and "Sat 7 Mar (needs 5 h, 2.5 h open)." in page
    assert len(re.findall(r'class="over-label"[^>]*>Over</text>', page)) == 1
    assert '<span class="tag overdue">Over capacity</span>' in page


def test_the_panel_is_for_schedulers_at_their_sites(client, make, place):
    client_log_in(client, make.user("front_desk"))
    assert client.get(f"/schedule/capacity?site_id={place.id}").status_code == 403
    client_log_in(client, make.user("scheduler", site=make.site()))
    assert client.get(f"/schedule/capacity?site_id={place.id}").status_code == 404
