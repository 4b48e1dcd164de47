"""The booking service outside a request (seeding, CLI) and its database-conflict translation."""
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from freezegun import freeze_time
from sqlalchemy.exc import IntegrityError

from spravato_ops.services import booking
from spravato_ops.services.failures import NotFound, RuleRefusal, StaleVersion

from ..api.booking_setup import NOW, START, audit_actions, clinic, local, sessions_of, set_state

NO_SKEW = timedelta(0)


@pytest.fixture(autouse=True)
def frozen():
    with freeze_time(NOW):
        yield


def _data(place, course, when=None, dose=56):
    start = datetime.fromisoformat(when or local()).astimezone(timezone.utc)
    return dict(course_id=course.id, site_id=place.site.id, chair_id=place.chairs[0].id,
                scheduled_start=start, planned_dose_mg=dose)


def test_book_outside_a_request_audits_with_the_actor(make, db):
    place, course, actor = clinic(make), make.course(start_date=START), make.user("scheduler")
    booked = booking.book(db, data=_data(place, course), actor=actor, clock_skew=NO_SKEW)
    assert booked.record.id and booked.record.local_day == date(2026, 3, 3)
    assert booked.warnings == []
    assert audit_actions(db, booked.record.id) == ["book"]


def test_reschedule_without_changes_writes_nothing(make, db):
    place, course, actor = clinic(make), make.course(start_date=START), make.user("scheduler")
    record = booking.book(db, data=_data(place, course), actor=actor, clock_skew=NO_SKEW).record
    same, warnings = booking.reschedule_session(
        db, session_id=record.id, changes={"chair_id": record.chair_id},
        expected_version=1, actor=actor, clock_skew=NO_SKEW)
    assert same.version == 1 and warnings == []
    assert audit_actions(db, record.id) == ["book"]


def test_hard_stops_are_refused_all_at_once_R1_2_R1_8(make, db):
    place, course, actor = clinic(make), make.course(start_date=START), make.user("prescriber")
    booking.book(db, data=_data(place, course), actor=actor, clock_skew=NO_SKEW)
    with pytest.raises(RuleRefusal) as refusal:
        booking.book(db, data=_data(place, course, dose=84), actor=actor, clock_skew=NO_SKEW)
    db.rollback()
    assert {v.code for v in refusal.value.violations} == {
        "same_day_session", "first_dose_must_be_56", "chair_conflict"}


def test_reschedule_and_cancel_bump_the_version_once_each_and_audit_it(make, db):
    place, course, actor = clinic(make), make.course(start_date=START), make.user("scheduler")
    record = booking.book(db, data=_data(place, course), actor=actor, clock_skew=NO_SKEW).record
    booking.reschedule_session(db, session_id=record.id, expected_version=1, actor=actor,
                               changes={"chair_id": place.chairs[1].id}, clock_skew=NO_SKEW)
    with pytest.raises(StaleVersion):
        booking.cancel_session(db, session_id=record.id, reason="ill", actor=actor,
                               expected_version=1)
    db.rollback()
    booking.cancel_session(db, session_id=record.id, reason=" ill ", actor=actor,
                           expected_version=2)
    [stored] = sessions_of(db, id=record.id)
    assert (stored.state, stored.state_reason, stored.version) == ("cancelled", "ill", 3)
    assert audit_actions(db, record.id) == ["book", "reschedule", "cancel"]


@pytest.mark.parametrize("change", [booking.cancel_session, booking.mark_no_show])
def test_state_changes_refuse_a_session_that_has_started(make, db, change):
    place, course, actor = clinic(make), make.course(start_date=START), make.user("scheduler")
    record = booking.book(db, data=_data(place, course), actor=actor, clock_skew=NO_SKEW).record
    set_state(db, record.id, "observing")
    with pytest.raises(RuleRefusal) as refusal:
        change(db, session_id=record.id, reason="mistake", actor=actor)
    db.rollback()
    [violation] = refusal.value.violations
    assert (violation.code, violation.message.split(": ")[1]) == (
        "invalid_state", "the session is observing.")
    assert audit_actions(db, record.id) == ["book"]


def test_an_unknown_course_is_not_found(make, db):
    place, actor = clinic(make), make.user("scheduler")
    data = dict(_data(place, make.course(start_date=START)), course_id=999)
    with pytest.raises(NotFound, match="Course 999 not found"):
        booking.book(db, data=data, actor=actor, clock_skew=NO_SKEW)


@pytest.mark.parametrize("orig, name", [
    (SimpleNamespace(diag=SimpleNamespace(constraint_name=booking.CHAIR_OVERLAP)),
     booking.CHAIR_OVERLAP),
    (SimpleNamespace(diag=SimpleNamespace(constraint_name=booking.PATIENT_DAY)),
     booking.PATIENT_DAY),
    ("UNIQUE constraint failed: sessions.patient_id, sessions.local_day", booking.PATIENT_DAY),
    ("UNIQUE constraint failed: patients.mrn", None),
])
def test_constraint_names_on_postgresql_and_sqlite(orig, name):
    assert booking._constraint_name(IntegrityError("INSERT", {}, orig)) == name
