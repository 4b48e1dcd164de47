"""Entries stamped ahead of the server's clock, within the accepted skew (R1.5, R2.2, R2.4,
R3.1, R3.2, R3.4): they count as taken now; what runs from a device keeps its stamp."""
from datetime import timedelta

import pytest
from hypothesis import given, settings, strategies as st

from spravato_ops.domain import (
    AdverseEventEntry, AlertKind, SessionRecord, SitePolicy, TimerCode as C, TimerState as TS,
    VitalsTimepoint, alerts_for_timers, counted_at, discharge_readiness, session_timers,
)

from .builders import at, devices, good_record, minutes, obs, vitals

POLICY = SitePolicy()
PRE = vitals(-10, 130, 80, VitalsTimepoint.PRE_DOSE)
AHEAD = [pytest.param(timedelta(seconds=1), id="1s-ahead"),
         pytest.param(timedelta(seconds=90), id="90s-ahead")]
NOW = at(121)


def criteria(readiness):
    return {c.code: c for c in readiness.criteria}


def _late_observation(ahead, **changes):
    """Observed until 100 min (21 min old at NOW), then one stamped `ahead` of NOW."""
    observations = (*(obs(m) for m in range(15, 91, 15)), obs(100), obs(121 + ahead / minutes(1)))
    return good_record(observations=observations, **changes)


def test_counted_at_moves_only_stamps_ahead_of_now():
    assert counted_at(at(5), at(10)) == at(5)
    assert counted_at(at(15), at(10)) == at(10)
    assert counted_at(at(15), None) == at(15)


@pytest.mark.parametrize("ahead", AHEAD)
def test_r3_4_an_observation_stamped_ahead_counts_at_once(ahead):
    readiness = discharge_readiness(_late_observation(ahead), POLICY, NOW, now=NOW)
    found = criteria(readiness)
    assert readiness.ready and not readiness.unmet
    for code in ("sedation_resolved", "dissociation_resolved", "respiratory_ok"):
        assert found[code].met and found[code].met_at <= NOW
    assert readiness.ready_without_min_observation_at <= NOW


@pytest.mark.parametrize("ahead", AHEAD)
def test_r3_4_without_now_the_stamp_is_taken_as_it_is(ahead):
    """A record judged at an instant of its own: an entry stamped later is not there yet."""
    found = criteria(discharge_readiness(_late_observation(ahead), POLICY, NOW))
    assert found["sedation_resolved"].detail == ("latest observation is 21 min old "
                                                 "(must be within 15 min)")


@pytest.mark.parametrize("ahead", AHEAD)
def test_r2_4_a_reading_stamped_ahead_is_fresh(ahead):
    readings = (PRE, vitals(40), vitals(121 + ahead / minutes(1), 150, 95))
    found = criteria(discharge_readiness(good_record(vitals=readings), POLICY, NOW, now=NOW))
    assert not found["bp_acceptable"].met
    assert found["bp_acceptable"].detail == "latest BP 150/95 is above 140/90"
    readings = (PRE, vitals(40), vitals(121 + ahead / minutes(1)))
    found = criteria(discharge_readiness(good_record(vitals=readings), POLICY, NOW, now=NOW))
    assert found["bp_acceptable"].met and found["bp_acceptable"].detail.endswith("0 min old")


@pytest.mark.parametrize("ahead", AHEAD)
def test_r3_4_a_serious_event_resolved_ahead_is_resolved_now(ahead):
    event = AdverseEventEntry(True, NOW + ahead)
    readiness = discharge_readiness(good_record(adverse_events=(event,)), POLICY, NOW, now=NOW)
    assert criteria(readiness)["no_open_serious_event"].met_at == NOW


def test_r3_4_asked_about_an_earlier_instant_later_entries_do_not_count():
    readiness = discharge_readiness(good_record(), POLICY, at(-1), now=at(200))
    assert criteria(readiness)["min_observation"].detail == "no device given yet"
    readiness = discharge_readiness(_late_observation(timedelta(seconds=90)), POLICY, at(118),
                                    now=NOW)
    assert criteria(readiness)["sedation_resolved"].detail.startswith(
        "latest observation is 18 min old")


@pytest.mark.parametrize("ahead", AHEAD)
def test_r3_2_an_observation_stamped_ahead_restarts_the_timer_now(ahead):
    record = SessionRecord(56, vitals=(PRE, vitals(40)), devices=devices(0, 5),
                           observations=(obs(100),))
    assert alerts_for_timers(session_timers(record, POLICY, NOW)) == (
        AlertKind.OBSERVATION_OVERDUE, AlertKind.DISCHARGE_ELIGIBLE)
    record = SessionRecord(56, vitals=(PRE, vitals(40)), devices=devices(0, 5),
                           observations=(obs(100), obs(121 + ahead / minutes(1))))
    timer = {t.code: t for t in session_timers(record, POLICY, NOW)}[C.OBSERVATION]
    assert (timer.due_at, timer.overdue_at, timer.state) == (at(136), at(141), TS.UPCOMING)
    assert alerts_for_timers(session_timers(record, POLICY, NOW)) == (
        AlertKind.DISCHARGE_ELIGIBLE,)


@pytest.mark.parametrize("ahead", AHEAD)
def test_r2_3_a_recheck_runs_from_now_for_a_reading_stamped_ahead(ahead):
    record = SessionRecord(56, vitals=(PRE, vitals(50 + ahead / minutes(1), 170, 95)),
                           devices=devices(0, 5))
    timer = {t.code: t for t in session_timers(record, POLICY, at(50))}[C.BP_RECHECK]
    assert (timer.due_at, timer.state) == (at(65), TS.UPCOMING)


FIRST_AHEAD = minutes(1.5)  # the first device stamped by a tablet 90 s fast


def _first_device_ahead(**changes):
    fields = dict(vitals=(PRE,), devices=devices(FIRST_AHEAD / minutes(1)))
    fields.update(changes)
    return SessionRecord(56, **fields)


def test_r3_1_a_first_device_stamped_ahead_counts_but_the_120_minutes_keep_its_stamp():
    record = _first_device_ahead()
    found = criteria(discharge_readiness(record, POLICY, at(0), now=at(0)))
    assert found["min_observation"].detail == "0 min since first device, 122 min to go"
    assert found["min_observation"].met_at == at(121.5)
    assert not criteria(discharge_readiness(record, POLICY, at(121), now=at(121))
                        )["min_observation"].met
    assert criteria(discharge_readiness(record, POLICY, at(121.5), now=at(121.5))
                    )["min_observation"].met
    timer = {t.code: t for t in session_timers(record, POLICY, at(121))}[C.DISCHARGE_ELIGIBLE]
    assert (timer.due_at, timer.state) == (at(121.5), TS.UPCOMING)


def test_r2_2_a_first_device_stamped_ahead_does_not_open_the_bp_window_early():
    record = _first_device_ahead(vitals=(PRE, vitals(31)), devices=devices(1.5, 6.5))
    found = criteria(discharge_readiness(record, POLICY, at(45), now=at(45)))
    assert not found["post_dose_bp"].met
    timer = {t.code: t for t in session_timers(record, POLICY, at(41))}[C.POST_DOSE_BP]
    assert (timer.due_at, timer.overdue_at, timer.state) == (at(41.5), at(51.5), TS.UPCOMING)


def test_r1_5_a_first_device_stamped_ahead_does_not_bring_the_next_one_forward():
    timer = {t.code: t for t in session_timers(_first_device_ahead(), POLICY, at(6))
             }[C.NEXT_DEVICE]
    assert (timer.due_at, timer.state) == (at(6.5), TS.UPCOMING)


SKEW_SECONDS = 120


@settings(max_examples=200, deadline=None)
@given(st.integers(-10, 240), st.data())
def test_property_r3_1_a_clock_ahead_never_discharges_early(now_minute, data):
    """Judged at the server's now, every entry stamped at most the skew ahead of it: never
    ready before the first device's stamp + 120 min, nor ready later than judged (R3.6)."""
    now = at(now_minute)
    stamps = st.lists(st.integers(-20 * 60, now_minute * 60 + SKEW_SECONDS)
                      .map(lambda seconds: seconds / 60), max_size=6)
    record = SessionRecord(
        56, vitals=(PRE, *(vitals(m) for m in data.draw(stamps))),
        devices=devices(*sorted(data.draw(stamps))[:2]),
        observations=tuple(obs(m) for m in data.draw(stamps)), transport_confirmed=True)
    readiness = discharge_readiness(record, POLICY, now, now=now)
    first = record.first_device_at
    if first is None:
        assert readiness.earliest_ready_at is None and not readiness.ready
        return
    assert readiness.earliest_ready_at >= first + minutes(120)
    if readiness.ready:
        assert now >= first + minutes(120)
        assert readiness.ready_without_min_observation_at <= now
