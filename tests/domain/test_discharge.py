"""Discharge readiness and stops (R2.4, R3.1, R3.3, R3.4, R3.6)."""
import dataclasses

import pytest
from hypothesis import given, settings, strategies as st

from spravato_ops.domain import (
    AdverseEventEntry, Dissociation, SessionRecord, SitePolicy, VitalsTimepoint,
    check_discharge, discharge_readiness, discharge_violations,
)
from spravato_ops.domain.discharge import CRITERIA

from .builders import at, codes, devices, good_record, minutes, obs, vitals

POLICY = SitePolicy()
PRE = vitals(-10, 130, 80, VitalsTimepoint.PRE_DOSE)


def criteria(readiness):
    return {c.code: c for c in readiness.criteria}


def test_r3_4_ready_when_everything_met():
    readiness = discharge_readiness(good_record(), POLICY, at(125))
    assert [c.code for c in readiness.criteria] == list(CRITERIA)
    assert readiness.ready and all(c.met and c.detail for c in readiness.criteria)
    assert readiness.evaluated_at == at(125)
    assert readiness.earliest_ready_at == at(120)


def test_r3_1_not_ready_before_120_minutes_even_if_all_else_met():
    readiness = discharge_readiness(good_record(), POLICY, at(119))
    assert not readiness.ready
    assert [c.code for c in readiness.unmet] == ["min_observation"]
    assert criteria(readiness)["min_observation"].met_at == at(120)
    assert readiness.earliest_ready_at == at(120)


def test_r3_4_before_first_device():
    readiness = discharge_readiness(SessionRecord(56, vitals=(PRE,)), POLICY, at(0))
    found = criteria(readiness)
    assert not readiness.ready and readiness.earliest_ready_at is None
    assert found["min_observation"].detail == "no device given yet"
    assert not found["post_dose_bp"].met


def test_r3_4_entries_after_at_are_ignored():
    readiness = discharge_readiness(good_record(), POLICY, at(-1))
    assert criteria(readiness)["min_observation"].detail == "no device given yet"


CASES = [
    ("R2.2 no post-dose BP in window", dict(vitals=(PRE, vitals(25), vitals(115))),
     ["post_dose_bp"]),
    ("R2.2 reading at 61 min misses window", dict(vitals=(PRE, vitals(61), vitals(115))),
     ["post_dose_bp"]),
    ("R2.4 latest BP high", dict(vitals=(PRE, vitals(40), vitals(115, 150, 85))),
     ["bp_acceptable"]),
    ("R2.4 latest BP stale", dict(vitals=(PRE, vitals(40), vitals(100))), ["bp_acceptable"]),
    ("R2.4 ceiling is the pre-dose reading",
     dict(vitals=(vitals(-10, 150, 95, VitalsTimepoint.PRE_DOSE), vitals(40, 160, 95),
                  vitals(115, 150, 95))), []),
    ("R3.4 sedation", dict(observations=(obs(90), obs(120, moaas=4))), ["sedation_resolved"]),
    ("R3.4 sedation baseline 4", dict(observations=(obs(120, moaas=4),), baseline_moaas=4), []),
    ("R3.4 dissociation", dict(observations=(obs(120, dissociation=Dissociation.MILD),)),
     ["dissociation_resolved"]),
    ("R3.4 dissociation CADSS <= 4",
     dict(observations=(obs(120, dissociation=Dissociation.MILD, cadss=4),)), []),
    ("R3.4 stale observation", dict(observations=(obs(100),)),
     ["sedation_resolved", "dissociation_resolved", "respiratory_ok"]),
    ("R3.3 respiratory depression", dict(observations=(obs(120, resp=True),)),
     ["respiratory_ok"]),
    ("R3.3 low SpO2 on observation", dict(observations=(obs(120, spo2=91),)),
     ["respiratory_ok"]),
    ("R3.3 later low SpO2 on vitals",
     dict(vitals=(PRE, vitals(40), vitals(121, spo2=90)), observations=(obs(120),)),
     ["respiratory_ok"]),
    ("R3.3 fresh SpO2 on vitals counts",
     dict(vitals=(PRE, vitals(40), vitals(121)), observations=(obs(120, spo2=None),)), []),
    ("R3.5 transport", dict(transport_confirmed=False), ["transport_confirmed"]),
    ("R3.4 open serious event", dict(adverse_events=(AdverseEventEntry(True, None),)),
     ["no_open_serious_event"]),
    ("R3.4 serious event resolved later", dict(adverse_events=(AdverseEventEntry(True, at(200)),)),
     ["no_open_serious_event"]),
    ("R3.4 non-serious open event", dict(adverse_events=(AdverseEventEntry(False, None),)), []),
]


@pytest.mark.parametrize("changes, unmet", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_r3_4_criteria(changes, unmet):
    readiness = discharge_readiness(good_record(**changes), POLICY, at(125))
    assert [c.code for c in readiness.unmet] == unmet
    assert readiness.ready is (not unmet)
    assert all(c.detail for c in readiness.criteria)


def test_r3_4_freshness_from_policy():
    record = good_record(observations=(obs(100),), vitals=(PRE, vitals(40), vitals(100)))
    policy = dataclasses.replace(POLICY, fresh_minutes=30)
    assert discharge_readiness(record, policy, at(125)).ready


def test_r3_6_ready_without_two_hour_rule():
    """R3.6: sedation resolved at 75 min, everything else earlier: would have left at 75."""
    record = good_record(observations=(obs(15, moaas=3), obs(30, moaas=3), obs(45, moaas=4),
                                       obs(60, moaas=4), *(obs(m) for m in (75, 90, 105, 120))))
    readiness = discharge_readiness(record, POLICY, at(125))
    assert readiness.ready
    assert criteria(readiness)["sedation_resolved"].met_at == at(75)
    assert readiness.ready_without_min_observation_at == at(75)
    assert readiness.earliest_ready_at == at(120)


def test_r3_6_resolution_after_two_hours_sets_the_ready_time():
    record = good_record(observations=(obs(120, dissociation=Dissociation.MILD), obs(135)),
                         vitals=(PRE, vitals(40), vitals(130)))
    readiness = discharge_readiness(record, POLICY, at(140))
    assert readiness.ready
    assert readiness.ready_without_min_observation_at == at(135)
    assert readiness.earliest_ready_at == at(135)


def test_r3_6_none_while_a_criterion_is_unmet():
    readiness = discharge_readiness(good_record(transport_confirmed=False), POLICY, at(125))
    assert readiness.ready_without_min_observation_at is None
    assert readiness.earliest_ready_at == at(120)


@pytest.mark.parametrize("at_minute, changes, stable, overridden, expected", [
    (125, {}, True, False, []),
    (125, {}, False, False, ["clinically_stable_required"]),
    (100, {}, True, True, ["min_observation"]),  # R3.1 never overridable
    (125, dict(transport_confirmed=False), True, False, ["transport_confirmed"]),
    (125, dict(transport_confirmed=False), True, True, []),
    (100, dict(transport_confirmed=False), None, True,
     ["min_observation", "clinically_stable_required"]),
])
def test_r3_1_r3_4_check_discharge(at_minute, changes, stable, overridden, expected):
    readiness = discharge_readiness(good_record(**changes), POLICY, at(at_minute))
    assert codes(check_discharge(readiness, stable, overridden)) == expected


def test_r3_1_r3_4_violation_kinds():
    readiness = discharge_readiness(good_record(transport_confirmed=False), POLICY, at(100))
    found = {v.code: v for v in discharge_violations(readiness, True)}
    assert (found["min_observation"].rule, found["min_observation"].kind) == ("R3.1", "hard_stop")
    assert (found["transport_confirmed"].rule,
            found["transport_confirmed"].kind) == ("R3.4", "soft_stop")


vitals_st = st.builds(lambda o, s, d, tp, spo2: vitals(o, s, d, tp, spo2),
                      st.integers(-30, 300), st.integers(90, 200), st.integers(50, 120),
                      st.sampled_from(list(VitalsTimepoint)), st.one_of(st.none(),
                                                                        st.integers(85, 100)))
obs_st = st.builds(lambda o, m, d, r: obs(o, m, d, None, r), st.integers(-30, 300),
                   st.integers(0, 5), st.sampled_from(list(Dissociation)), st.booleans())
record_st = st.builds(
    lambda dev, vit, ob, transport: SessionRecord(56, vitals=tuple(vit),
                                                  devices=devices(*sorted(dev)),
                                                  observations=tuple(ob),
                                                  transport_confirmed=transport),
    st.lists(st.integers(-20, 60), max_size=3), st.lists(vitals_st, max_size=10),
    st.lists(obs_st, max_size=10), st.booleans())


@settings(max_examples=200, deadline=None)
@given(record_st, st.integers(-30, 400))
def test_property_r3_1_never_ready_before_120_minutes(record, at_minute):
    now = at(at_minute)
    readiness = discharge_readiness(record, POLICY, now)
    given_by_then = [t for t in record.device_times if t <= now]
    if not given_by_then:
        assert not readiness.ready and readiness.earliest_ready_at is None
        return
    floor = given_by_then[0] + minutes(120)
    assert readiness.earliest_ready_at >= floor
    if now < floor:
        assert not readiness.ready
    if readiness.ready:
        assert readiness.ready_without_min_observation_at is not None
        assert readiness.ready_without_min_observation_at <= now
