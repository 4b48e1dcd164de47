"""Session timers (R1.5, R2.2, R2.3, R3.1, R3.2)."""
import dataclasses

import pytest
from hypothesis import given, settings, strategies as st

from spravato_ops.domain import (
    AlertKind, SessionRecord, SitePolicy, TimerCode as C, TimerState as TS, VitalsTimepoint,
    alerts_for_timers, session_timers,
)
from spravato_ops.domain.blood_pressure import needs_recheck

from .builders import at, devices, good_record, minutes, obs, vitals

POLICY = SitePolicy()
PRE = vitals(-10, 130, 80, VitalsTimepoint.PRE_DOSE)


def timers_of(record, now_offset):
    return {t.code: t for t in session_timers(record, POLICY, at(now_offset))}


def test_no_timers_before_the_first_device():
    assert session_timers(SessionRecord(56, vitals=(PRE,)), POLICY, at(0)) == ()


@pytest.mark.parametrize("given_at, now, state, due", [
    ((0,), 3, TS.UPCOMING, 5), ((0,), 5, TS.DUE, 5), ((0,), 60, TS.DUE, 5),
    ((0, 6), 8, TS.DONE, None),
])
def test_r1_5_next_device(given_at, now, state, due):
    record = SessionRecord(56, vitals=(PRE,), devices=devices(*given_at))
    timer = timers_of(record, now)[C.NEXT_DEVICE]
    assert timer.state == state and timer.overdue_at is None
    assert timer.due_at == (at(due) if due is not None else None)


@pytest.mark.parametrize("readings, now, state", [
    ((), 39, TS.UPCOMING), ((), 40, TS.DUE), ((), 49, TS.DUE), ((), 50, TS.OVERDUE),
    ((vitals(29),), 55, TS.OVERDUE),  # before the 30-minute mark: not the post-dose BP
    ((vitals(30),), 35, TS.DONE), ((vitals(70),), 80, TS.DONE),
    ((vitals(45, timepoint=VitalsTimepoint.PRE_DOSE),), 55, TS.OVERDUE),
])
def test_r2_2_post_dose_bp(readings, now, state):
    record = SessionRecord(56, vitals=(PRE, *readings), devices=devices(0, 5))
    timer = timers_of(record, now)[C.POST_DOSE_BP]
    assert (timer.due_at, timer.overdue_at, timer.state) == (at(40), at(50), state)


@pytest.mark.parametrize("readings, now, expected", [
    ((vitals(40, 150, 95),), 45, None),  # no alert: no recheck timer
    ((vitals(40, 165, 90),), 50, (55, 60, TS.UPCOMING)),
    ((vitals(40, 165, 90),), 55, (55, 60, TS.DUE)),
    ((vitals(40, 165, 90),), 60, (55, 60, TS.OVERDUE)),
    ((vitals(40, 165, 90), vitals(55, 170, 95)), 71, (70, 75, TS.DUE)),
    ((vitals(40, 175, 90), vitals(55, 150, 90)), 90, (55, 60, TS.DONE)),
    ((vitals(40, 150, 106),), 50, (55, 60, TS.UPCOMING)),  # +26 diastolic rise
])
def test_r2_3_bp_recheck(readings, now, expected):
    record = SessionRecord(56, vitals=(PRE, *readings), devices=devices(0, 5))
    timer = timers_of(record, now).get(C.BP_RECHECK)
    got = timer and (timer.due_at, timer.overdue_at, timer.state)
    assert got == (expected and (at(expected[0]), at(expected[1]), expected[2]))


@pytest.mark.parametrize("observed, now, due, state", [
    ((), 10, 15, TS.UPCOMING), ((), 15, 15, TS.DUE), ((), 20, 15, TS.OVERDUE),
    ((14,), 25, 29, TS.UPCOMING), ((14, 30), 50, 45, TS.OVERDUE),
])
def test_r3_2_observation_every_p_obs(observed, now, due, state):
    record = SessionRecord(56, vitals=(PRE,), devices=devices(0, 5),
                           observations=tuple(obs(m) for m in observed))
    timer = timers_of(record, now)[C.OBSERVATION]
    assert (timer.due_at, timer.overdue_at, timer.state) == (at(due), at(due + 5), state)


def test_r3_2_observation_interval_from_policy():
    policy = dataclasses.replace(POLICY, observation_interval_minutes=10,
                                 observation_grace_minutes=2)
    record = SessionRecord(56, vitals=(PRE,), devices=devices(0))
    timer = {t.code: t for t in session_timers(record, policy, at(0))}[C.OBSERVATION]
    assert (timer.due_at, timer.overdue_at) == (at(10), at(12))


@pytest.mark.parametrize("now, state", [(119, TS.UPCOMING), (120, TS.DUE), (300, TS.DUE)])
def test_r3_1_discharge_eligible(now, state):
    timer = timers_of(good_record(), now)[C.DISCHARGE_ELIGIBLE]
    assert (timer.due_at, timer.overdue_at, timer.state) == (at(120), None, state)


def test_after_discharge_only_recorded_events_remain():
    record = SessionRecord(84, vitals=(PRE,), devices=devices(0, 5), discharged_at=at(130))
    found = timers_of(record, 140)
    assert set(found) == {C.OBSERVATION, C.DISCHARGE_ELIGIBLE}
    assert all(t.state == TS.DONE for t in found.values())


def test_alerts_for_timers():
    record = SessionRecord(56, vitals=(PRE, vitals(55, 170, 90)), devices=devices(0, 5))
    assert alerts_for_timers(session_timers(record, POLICY, at(125))) == (
        AlertKind.BP_RECHECK_DUE, AlertKind.OBSERVATION_OVERDUE, AlertKind.DISCHARGE_ELIGIBLE)
    record = SessionRecord(56, vitals=(PRE,), devices=devices(0, 5),
                           observations=(obs(45),))
    assert alerts_for_timers(session_timers(record, POLICY, at(52))) == (
        AlertKind.POST_DOSE_BP_OVERDUE,)


readings = st.builds(
    lambda offset, sys_, dia, tp: vitals(offset, sys_, dia, tp),
    st.integers(-20, 200), st.integers(90, 200), st.integers(50, 120),
    st.sampled_from(list(VitalsTimepoint)))
records = st.builds(
    lambda dose, device_offsets, vit, obs_offsets, discharged: SessionRecord(
        dose, vitals=tuple(vit), devices=devices(*sorted(device_offsets)),
        observations=tuple(obs(m) for m in obs_offsets),
        discharged_at=at(discharged) if discharged is not None else None),
    st.sampled_from([56, 84]), st.lists(st.integers(0, 30), max_size=4),
    st.lists(readings, max_size=8), st.lists(st.integers(-10, 200), max_size=8),
    st.one_of(st.none(), st.integers(100, 240)))


@settings(max_examples=200, deadline=None)
@given(records, st.integers(-30, 300))
def test_property_timers_never_done_for_an_event_not_recorded(record, now):
    """R1.5, R2.2, R2.3, R3.1, R3.2: `done` always has a recorded event behind it."""
    first = record.first_device_at
    timers = session_timers(record, POLICY, at(now))
    if first is None:
        assert timers == ()
    for timer in timers:
        if timer.state != TS.DONE:
            assert record.discharged_at is None
            continue
        if timer.code == C.NEXT_DEVICE:
            assert len(record.devices) * 28 >= record.planned_dose_mg
        elif timer.code == C.POST_DOSE_BP:
            assert any(v.timepoint != VitalsTimepoint.PRE_DOSE
                       and v.taken_at >= first + minutes(30) for v in record.vitals)
        elif timer.code == C.BP_RECHECK:
            after = [v for v in record.post_dose_vitals if v.taken_at >= first]
            flags = [needs_recheck(v.bp, record.pre_dose_bp, POLICY) for v in after]
            assert any(flags) and not flags[-1]
        else:
            assert record.discharged_at is not None
