"""The capacity read outside a request: courses not seen for weeks keep their exact due window
(R1.1, R1.7), and what it reads does not grow with the courses' history."""
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time

from spravato_ops.services.capacity import needs_booking, site_capacity
from spravato_ops.statement_count import StatementCount

NEW_YORK = ZoneInfo("America/New_York")
NOW = datetime(2026, 3, 2, 15, tzinfo=timezone.utc)  # Monday 2 March 2026, 10:00 in New York
COURSES = 6


@pytest.fixture(autouse=True)
def frozen():
    with freeze_time(NOW):
        yield


def held(make, course, site, chair, day):
    return make.session(course=course, site=site, chair=chair, state="discharged",
                        scheduled_start=datetime.combine(day, time(10), NEW_YORK))


def test_r1_7_courses_not_seen_for_weeks_keep_their_due_window(db, make):
    site = make.site()
    chair = make.chair(site)
    # Induction week 2 (12-18 Jan) held twice: the next is due in week 3, on 19 January.
    induction = make.course(start_date=date(2026, 1, 5))
    for day in (date(2026, 1, 12), date(2026, 1, 15)):
        held(make, induction, site, chair, day)
    # Every 2 weeks from week 9 (27 Oct): the block of 8-21 December held on 8 December.
    fortnightly = make.course(start_date=date(2025, 9, 1), continuation_interval_weeks=2)
    held(make, fortnightly, site, chair, date(2025, 12, 8))
    found = {row["course_id"]: (row["due"].earliest, row["due"].latest, row["late"])
             for row in needs_booking(db, site_id=site.id, now=NOW)["courses"]}
    assert found == {induction.id: (date(2026, 1, 19), date(2026, 1, 19), True),
                     fortnightly.id: (date(2025, 12, 22), date(2025, 12, 25), True)}


def measured(engine, db, site):
    with StatementCount(engine) as count:
        answer = site_capacity(db, site_id=site.id, now=NOW)
        db.commit()
    return len(count.queries), count.rows_read, answer


def test_the_forecast_reads_the_same_rows_however_long_the_history(engine, db, make):
    site = make.site()
    courses = [(make.course(start_date=date(2025, 6, 2)), make.chair(site))
               for _ in range(COURSES)]
    for n, (course, chair) in enumerate(courses):  # weekly, seen last week
        held(make, course, site, chair, date(2026, 2, 23) + timedelta(days=n % 5))
    few = measured(engine, db, site)
    for course, chair in courses:  # twenty weeks of earlier sessions
        for week in range(20):
            held(make, course, site, chair, date(2025, 9, 1) + timedelta(weeks=week))
    many = measured(engine, db, site)
    assert many[:2] == few[:2] and many[2] == few[2]
    statements, rows_read, answer = many
    assert statements <= 5 and rows_read < COURSES * 3
    assert sum(day.expected_sessions for day in answer["days"]) == COURSES * 4
