"""The treatment-day services outside a request: writes, readiness and timers at a `now` the
caller reads (R1.5, R2.1, R3.1, R3.2, R3.4), with tablet clocks ahead of the server's."""
from datetime import datetime, timedelta, timezone

import pytest
from freezegun import freeze_time
from sqlmodel import select

from spravato_ops.clock import utcnow
from spravato_ops.models import AuditEvent, DeviceAdministration, TreatmentSession
from spravato_ops.services import monitoring, treatment_day
from spravato_ops.services.failures import InvalidInput, RuleRefusal

from ..readback import rows

T0 = datetime(2026, 3, 2, 14, 0, tzinfo=timezone.utc)  # the first device, 09:00 in New York
SKEW = timedelta(seconds=120)
CHECKLIST = dict(no_food_2h=True, no_liquids_30m=True, nasal_medication_ok=True,
                 transport_name="Sam Rivera", transport_phone="555-0199")


def at(minutes):
    return T0 + timedelta(minutes=minutes)


class Day:
    """One session driven through the services, with the clock frozen and moved by minutes."""

    def __init__(self, db, make, clock):
        self.db, self.clock = db, clock
        site = make.site()
        self.sid = make.session(chair=make.chair(site), site=site, scheduled_start=T0).id
        self.nurse = make.user("nurse", site=site)

    def at(self, minutes):
        self.clock.move_to(at(minutes))

    def write(self, service, **kwargs):
        return service(self.db, session_id=self.sid, actor=self.nurse, **kwargs)

    def vitals(self, minutes, systolic=128, diastolic=80, timepoint="post_dose", ahead=0):
        data = dict(timepoint=timepoint, systolic=systolic, diastolic=diastolic, heart_rate=72,
                    spo2=98, taken_at=at(minutes) + timedelta(seconds=ahead))
        return self.write(treatment_day.record_vitals, clock_skew=SKEW, data=data)

    def device(self, minutes, ahead=0):
        data = dict(administered_at=at(minutes) + timedelta(seconds=ahead), lot_number="LOT-1")
        return self.write(treatment_day.record_device, clock_skew=SKEW, data=data)

    def observe(self, minutes, moaas=5, dissociation="none", ahead=0):
        data = dict(observed_at=at(minutes) + timedelta(seconds=ahead), moaas=moaas,
                    dissociation=dissociation, respiratory_depression=False, spo2=98,
                    symptoms=[])
        return self.write(monitoring.record_observation, clock_skew=SKEW, data=data)

    def to_observing(self):
        self.at(-20)
        self.write(treatment_day.record_arrival, clock_skew=SKEW)
        self.write(treatment_day.record_checklist, data=CHECKLIST)
        self.at(-5)
        self.vitals(-5, 132, 84, timepoint="pre_dose")
        self.at(0)
        self.device(0)
        self.at(5)
        return self.device(5)

    def readiness(self, at=None):
        return monitoring.readiness(self.db, session_id=self.sid, now=utcnow(), at=at)

    def timers(self):
        found = monitoring.timers(self.db, session_id=self.sid, now=utcnow())
        return {t["code"]: t for t in found}


@pytest.fixture
def day(db, make):
    with freeze_time(at(-60)) as clock:
        yield Day(db, make, clock)


def unmet(readiness):
    return [c.code for c in readiness.unmet]


def test_a_treatment_day_through_the_services_R3_1_R3_4(day, db):
    assert day.to_observing().session.state == "observing"
    for minute in range(15, 121, 15):
        day.at(minute)
        day.observe(minute)
        if minute == 45:
            day.vitals(40)
    day.at(118)
    day.vitals(118, timepoint="pre_discharge")
    assert unmet(day.readiness()) == ["min_observation"]
    assert day.timers()["discharge_eligible"]["due_at"] == at(120)
    day.at(121)
    assert day.readiness().ready
    out = day.write(monitoring.discharge, clock_skew=SKEW, now=utcnow(),
                    data=dict(clinically_stable=True, ready_to_leave_at=at(95)))
    assert (out.session.state, out.entry.discharged_at, out.entry.unmet_criteria) == (
        "discharged", at(121), [])
    moves = rows(db, select(AuditEvent).where(AuditEvent.entity == "session")
                 .order_by(AuditEvent.id))
    assert [(e.before["state"], e.after["state"]) for e in moves] == [
        ("scheduled", "arrived"), ("arrived", "checked_in"), ("checked_in", "dosing"),
        ("dosing", "observing"), ("observing", "discharged")]
    [stored] = rows(db, select(TreatmentSession))
    assert stored.version == 6


def test_state_refusals_name_the_rule_first_and_write_nothing_R1_5(day, db):
    with pytest.raises(RuleRefusal) as refused:
        day.device(0)
    assert [v.code for v in refused.value.violations] == ["invalid_state"]
    day.to_observing()
    day.at(10)
    with pytest.raises(RuleRefusal) as refused:
        day.device(10)
    assert [(v.rule, v.code) for v in refused.value.violations] == [
        ("R1.5", "too_many_devices"), ("state", "invalid_state")]
    assert len(rows(db, select(DeviceAdministration))) == 2


def test_an_observation_before_the_first_device_is_invalid_R3_2(day):
    day.to_observing()
    with pytest.raises(InvalidInput) as refused:
        day.observe(-1)
    assert refused.value.errors == {
        "observed_at": ["Observations start at the first device (R3.2)."]}


@pytest.mark.parametrize("ahead", [1, 90])
def test_an_observation_stamped_ahead_counts_at_once_R3_2_R3_4(day, ahead):
    """A tablet `ahead` seconds fast records a 5/5 observation: readiness and the observation
    timer count it now, not once the server's clock has caught up with its stamp."""
    day.to_observing()
    for minute in (15, 30, 45, 60, 75, 90, 100):
        day.at(minute)
        day.observe(minute)
    day.at(40)
    day.vitals(40)
    day.at(121)
    day.vitals(121)
    assert unmet(day.readiness()) == ["sedation_resolved", "dissociation_resolved",
                                      "respiratory_ok"]
    assert day.timers()["observation"]["state"] == "overdue"
    day.observe(121, ahead=ahead)
    readiness = day.readiness()
    assert readiness.ready and readiness.ready_without_min_observation_at <= at(121)
    observation = day.timers()["observation"]
    assert (observation["due_at"], observation["state"]) == (at(136), "upcoming")
    earlier = day.readiness(at=at(118)).criterion("sedation_resolved")  # as it was then
    assert earlier.detail.startswith("latest observation is 18 min old")


def test_a_first_device_stamped_ahead_ends_nothing_early_R1_5_R2_2_R3_1(day):
    """A tablet 90 s fast gives the first device: the device rest, the post-dose BP window and
    the 120 minutes all run from its stamp."""
    day.at(-20)
    day.write(treatment_day.record_arrival, clock_skew=SKEW)
    day.write(treatment_day.record_checklist, data=CHECKLIST)
    day.vitals(-20, 132, 84, timepoint="pre_dose")
    day.at(0)
    day.device(0, ahead=90)
    assert day.readiness().criterion("min_observation").met_at == at(121.5)
    day.at(6)
    assert day.timers()["next_device"]["state"] == "upcoming"
    with pytest.raises(RuleRefusal) as refused:
        day.device(6)
    assert [v.code for v in refused.value.violations] == ["device_spacing"]
    day.at(7)
    day.device(7)
    day.at(31)
    day.vitals(31)  # 29.5 min after the first device's stamp: not the post-dose BP
    day.at(45)
    assert not day.readiness().criterion("post_dose_bp").met
    assert day.timers()["post_dose_bp"]["state"] == "due"
    day.at(121)
    assert day.timers()["discharge_eligible"]["state"] == "upcoming"
    day.at(121.5)
    assert day.readiness().criterion("min_observation").met
