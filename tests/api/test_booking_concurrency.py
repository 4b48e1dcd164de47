"""No double booking under concurrency: 20 simultaneous POST /sessions, exactly one 201.

Two layers keep it so: the booking service locks the patient's row before checking
(PostgreSQL row lock; SQLite's BEGIN IMMEDIATE), and the database refuses
what slips through (PostgreSQL's exclusion constraint on chair overlap, the unique
index on patient and day). The `database-only` cases switch the service's checks off to
show the database alone still answers 409, never 500.
"""
from datetime import datetime, time, timedelta

import pytest
from sqlmodel import select

from spravato_ops.clock import utcnow
from spravato_ops.domain.calendar import local_date, zone
from spravato_ops.models import TreatmentSession
from spravato_ops.services import booking

from .booking_setup import fire_at_once, rows

THREADS = 20
URL = "/api/v1/sessions"
TZ = "America/New_York"


def _tomorrow_at_ten():
    day = local_date(utcnow(), TZ) + timedelta(days=1)
    return datetime.combine(day, time(10), tzinfo=zone(TZ))


def _only_database_guards(monkeypatch, *checks):
    for name in checks:
        monkeypatch.setattr(booking, name, lambda *args, **kwargs: [])


def _assert_one_booked(results, code):
    statuses = sorted(status for status, _ in results if status != 201)
    assert [status for status, _ in results].count(201) == 1, results
    assert statuses == [409] * (THREADS - 1), results
    for status, payload in results:
        if status == 409:
            assert code in [v["code"] for v in payload["violations"]], payload


@pytest.mark.parametrize("guards", [
    "locked",
    # the chair-overlap exclusion constraint exists on PostgreSQL only
    pytest.param("database-only", marks=pytest.mark.postgres_only),
])
def test_twenty_bookings_of_one_chair_at_one_time_book_one(app, make, auth, db, monkeypatch,
                                                           guards):
    if guards == "database-only":
        _only_database_guards(monkeypatch, "_chair_conflicts")
    start = _tomorrow_at_ten()
    site = make.site(timezone=TZ)
    chair = make.chair(site)
    courses = [make.course(start_date=start.date()) for _ in range(THREADS)]
    payloads = [dict(course_id=c.id, site_id=site.id, chair_id=chair.id,
                     scheduled_start=start.isoformat(), planned_dose_mg=56) for c in courses]

    results = fire_at_once(app, auth("scheduler"), payloads, URL)

    _assert_one_booked(results, "chair_conflict")
    booked = rows(db, select(TreatmentSession).where(TreatmentSession.chair_id == chair.id))
    assert len(booked) == 1


@pytest.mark.parametrize("guards", ["locked", "database-only"])
def test_twenty_bookings_of_one_patient_on_one_day_book_one_R1_8(app, make, auth, db,
                                                                 monkeypatch, guards):
    if guards == "database-only":
        _only_database_guards(monkeypatch, "check_booking")
    start = _tomorrow_at_ten()
    site = make.site(timezone=TZ)
    chairs = [make.chair(site) for _ in range(THREADS)]
    course = make.course(start_date=start.date())
    payloads = [dict(course_id=course.id, site_id=site.id, chair_id=chair.id,
                     scheduled_start=(start + timedelta(minutes=5 * i)).isoformat(),
                     planned_dose_mg=56) for i, chair in enumerate(chairs)]

    results = fire_at_once(app, auth("scheduler"), payloads, URL)

    _assert_one_booked(results, "same_day_session")
    booked = rows(db, select(TreatmentSession).where(TreatmentSession.course_id == course.id))
    assert len(booked) == 1


def test_concurrent_cancels_with_one_if_match_change_it_once(app, make, auth, db):
    start = _tomorrow_at_ten()
    site = make.site(timezone=TZ)
    course = make.course(start_date=start.date())
    scheduler = auth("scheduler")
    booked = app.test_client().post(URL, headers=scheduler, json=dict(
        course_id=course.id, site_id=site.id, chair_id=make.chair(site).id,
        scheduled_start=start.isoformat(), planned_dose_mg=56))
    assert booked.status_code == 201, booked.json
    session_id = booked.json["id"]

    results = fire_at_once(app, {**scheduler, "If-Match": '"1"'},
                           [{"reason": f"call {i}"} for i in range(10)],
                           f"{URL}/{session_id}/cancel")

    assert sorted(status for status, _ in results) == [200] + [412] * 9, results
    [stored] = rows(db, select(TreatmentSession).where(TreatmentSession.id == session_id))
    assert (stored.state, stored.version) == ("cancelled", 2)
