"""Two series booked at once, each request on its own thread and database connection: exactly
one is booked, the other answers 409 naming its dates, and nothing of it is written.

The checks see the other series once it has committed (the patient's row lock; SQLite's BEGIN
IMMEDIATE); what slips past them meets the database's guards (PostgreSQL's chair exclusion
constraint, the patient-day unique index). The `database-only` cases switch the checks off to
show those guards alone still fail the whole series with a 409, never a 500.
"""
from datetime import datetime, time, timedelta

import pytest
from sqlmodel import select

from spravato_ops.clock import utcnow
from spravato_ops.domain.calendar import local_date, zone
from spravato_ops.models import Patient, Reminder, TreatmentSession
from spravato_ops.services import series

from .booking_setup import fire_at_once, rows

TZ = "America/New_York"


def _days():
    first = local_date(utcnow(), TZ) + timedelta(days=1)
    return [first + timedelta(days=d) for d in (0, 3, 7, 10)]


def _series(course, site, chair, days):
    sessions = [{"scheduled_start": datetime.combine(day, time(10), tzinfo=zone(TZ)).isoformat(),
                 "chair_id": chair.id, "planned_dose_mg": 56} for day in days]
    return f"/api/v1/courses/{course.id}/series", {"site_id": site.id, "sessions": sessions}


def _one_booked(results, days, code):
    """One 201; the other a 409 that names every date and violates `code` on each."""
    assert sorted(status for status, _ in results) == [201, 409], results
    [refused] = [answer for status, answer in results if status == 409]
    assert refused["message"] == (
        f"Nothing was booked: {', '.join(day.isoformat() for day in days)} cannot be booked.")
    assert {v["code"] for v in refused["violations"]} >= {code}
    for day in days:
        assert any(v["message"].startswith(f"{day.isoformat()}: ") and v["code"] == code
                   for v in refused["violations"]), (day, refused)


def _checks_off(monkeypatch, guards):
    if guards == "database-only":
        monkeypatch.setattr(series, "slot_violations", lambda *args, **kwargs: [])


@pytest.mark.parametrize("guards", [
    "checked",
    # the chair-overlap exclusion constraint exists on PostgreSQL only
    pytest.param("database-only", marks=pytest.mark.postgres_only),
])
def test_two_series_for_one_chair_at_once_book_one(app, make, auth, db, monkeypatch, guards):
    _checks_off(monkeypatch, guards)
    days = _days()
    site = make.site(timezone=TZ)
    chair = make.chair(site)
    courses = [make.course(start_date=days[0]) for _ in range(2)]

    results = fire_at_once(app, auth("scheduler"),
                           [_series(course, site, chair, days) for course in courses], None)

    _one_booked(results, days, "chair_conflict")
    booked = rows(db, select(TreatmentSession).where(TreatmentSession.chair_id == chair.id))
    assert len(booked) == 4 and len({s.course_id for s in booked}) == 1
    reminded = rows(db, select(Reminder.course_id).distinct())
    assert reminded == [booked[0].course_id]


@pytest.mark.parametrize("guards", ["checked", "database-only"])
def test_two_series_for_one_patient_at_once_book_one_R1_8(app, make, auth, db, monkeypatch,
                                                          guards):
    _checks_off(monkeypatch, guards)
    days = _days()
    site = make.site(timezone=TZ)
    first = make.course(start_date=days[0])
    second = make.course(start_date=days[0], patient=db.get(Patient, first.patient_id))
    db.commit()

    results = fire_at_once(app, auth("scheduler"), [
        _series(first, site, make.chair(site), days),
        _series(second, site, make.chair(site), days)], None)

    _one_booked(results, days, "same_day_session")
    booked = rows(db, select(TreatmentSession).where(
        TreatmentSession.patient_id == first.patient_id))
    assert len(booked) == 4 and len({s.course_id for s in booked}) == 1
