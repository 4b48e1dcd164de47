"""The report facts a session keeps when it ends, written again when an entry of it is
corrected afterwards (R3.1, R3.4, R2.3 as the report counts them)."""
import pytest
from freezegun import freeze_time
from sqlmodel import select

from spravato_ops.clock import utcnow
from spravato_ops.domain.state_machine import TERMINAL
from spravato_ops.models import SessionFacts, TreatmentSession
from spravato_ops.services import booking, monitoring, treatment_day
from spravato_ops.services.report_facts import keep_facts

from ..readback import rows
from .test_treatment_day import SKEW, Day, at


@pytest.fixture
def day(db, make):
    with freeze_time(at(-60)) as clock:
        yield Day(db, make, clock)


def facts(db):
    """{column: value} of the facts rows, by session id."""
    return {row.session_id: row.model_dump(exclude={"session_id"})
            for row in rows(db, select(SessionFacts))}


def treat(day):
    """First device at 0 (pre-dose 132/84): MOAA/S 3 with mild dissociation at 15, MOAA/S 4 at
    30, 5 from 45 on, every 15 minutes (sedation resolved at 45, dissociation at 30); 175/90
    at 40 is a rise. Returns the observations by minute."""
    day.to_observing()
    found = {}
    for minute in range(15, 121, 15):
        moaas, dissociation = {15: (3, "mild"), 30: (4, "none")}.get(minute, (5, "none"))
        day.at(minute)
        found[minute] = day.observe(minute, moaas=moaas, dissociation=dissociation).entry
        if minute == 45:
            day.vitals(40, 175, 90)
    day.at(118)
    day.vitals(118, timepoint="pre_discharge")
    return found


def discharge(day, minute=121):
    day.at(minute)
    return day.write(monitoring.discharge, clock_skew=SKEW, now=utcnow(),
                     data=dict(clinically_stable=True, ready_to_leave_at=at(95)))


DISCHARGED = dict(discharge_minutes=121, sedated=True, sedation_minutes=45, dissociated=True,
                  dissociation_minutes=30, post_dose_readings=2, bp_rise_readings=1)


def test_the_discharge_keeps_the_sessions_facts_and_no_entry_before_it_does(day, db):
    treat(day)
    assert facts(db) == {}
    discharge(day)
    assert facts(db) == {day.sid: DISCHARGED}


def test_a_correction_after_the_discharge_writes_the_facts_again(day, db):
    observed = treat(day)
    discharge(day)
    day.at(180)
    day.write(monitoring.record_observation, clock_skew=SKEW, data=dict(
        observed_at=at(15), moaas=5, dissociation="mild", respiratory_depression=False,
        spo2=98, symptoms=[], amends=observed[15].id, reason="MOAA/S entered wrongly"))
    assert facts(db) == {day.sid: {**DISCHARGED, "sedated": False, "sedation_minutes": None}}


def test_a_late_adverse_event_leaves_the_facts_as_they_are(day, db):
    treat(day)
    discharge(day)
    day.at(180)
    day.write(monitoring.record_adverse_event, clock_skew=SKEW, data=dict(
        description="Headache", serious=False, resolved_at=None))
    assert facts(db) == {day.sid: DISCHARGED}


def test_a_withheld_dose_keeps_facts_without_a_dose(day, db):
    day.at(-20)
    day.write(treatment_day.record_arrival, clock_skew=SKEW)
    day.at(-5)
    day.vitals(-5, 182, 112, timepoint="pre_dose")
    day.write(treatment_day.withhold_dose, reason="BP at the hold threshold (R2.1)")
    assert facts(db) == {day.sid: dict(
        discharge_minutes=None, sedated=False, sedation_minutes=None, dissociated=False,
        dissociation_minutes=None, post_dose_readings=0, bp_rise_readings=0)}


def test_a_cancelled_session_keeps_a_row_of_nothing(day, db):
    booking.cancel_session(db, session_id=day.sid, reason="Patient unwell", actor=day.nurse)
    assert list(facts(db)) == [day.sid]


def test_keeping_them_again_changes_nothing(day, db):
    treat(day)
    discharge(day)
    keep_facts(db, select(TreatmentSession.id).where(TreatmentSession.state.in_(TERMINAL)))
    db.commit()
    assert facts(db) == {day.sid: DISCHARGED}
