"""Blood pressure rules and alerts (R2.1, R2.3, R2.4, R3.3, R3.4)."""
import dataclasses

import pytest

from spravato_ops.domain import (
    AdverseEventEntry, AlertKind, BloodPressure, SitePolicy, Symptom, VitalsTimepoint,
    alerts_for_adverse_event, alerts_for_observation,
    alerts_for_vitals, bp_acceptable_for_discharge, check_pre_dose_bp, emergency_symptoms,
    needs_recheck, post_dose_alerts, pre_dose_warnings,
)

from .builders import at, codes, obs, vitals

POLICY = SitePolicy()
BP = BloodPressure


@pytest.mark.parametrize("reading, expected, kind", [
    (None, ["pre_dose_bp_missing"], "hard_stop"),
    (BP(140, 90), [], None),
    (BP(141, 90), ["bp_elevated"], "soft_stop"),
    (BP(120, 91), ["bp_elevated"], "soft_stop"),
    (BP(179, 109), ["bp_elevated"], "soft_stop"),
    (BP(180, 80), ["bp_hold"], "hard_stop"),
    (BP(130, 110), ["bp_hold"], "hard_stop"),
], ids=str)
def test_r2_1_pre_dose_bp(reading, expected, kind):
    found = check_pre_dose_bp(reading, POLICY)
    assert codes(found) == expected
    assert all(v.kind == kind and v.rule == "R2.1" for v in found)


def test_r2_1_thresholds_come_from_policy():
    policy = dataclasses.replace(POLICY, bp_elevated=BP(150, 95), bp_hold=BP(170, 105))
    assert check_pre_dose_bp(BP(145, 92), policy) == []
    assert codes(check_pre_dose_bp(BP(170, 80), policy)) == ["bp_hold"]


@pytest.mark.parametrize("reading, baseline, expected", [
    (BP(160, 100), BP(130, 80), ()),
    (BP(161, 90), BP(130, 80), (AlertKind.BP_HIGH,)),
    (BP(150, 101), BP(130, 80), (AlertKind.BP_HIGH,)),
    (BP(150, 85), BP(110, 70), (AlertKind.BP_RISE,)),  # +40 systolic
    (BP(149, 95), BP(110, 70), (AlertKind.BP_RISE,)),  # +25 diastolic
    (BP(149, 94), BP(110, 70), ()),
    (BP(170, 105), BP(120, 75), (AlertKind.BP_HIGH, AlertKind.BP_RISE)),
    (BP(150, 95), None, ()),
], ids=str)
def test_r2_3_post_dose_alerts(reading, baseline, expected):
    assert post_dose_alerts(reading, baseline, POLICY) == expected
    assert needs_recheck(reading, baseline, POLICY) is bool(expected)


@pytest.mark.parametrize("latest, age, baseline, met", [
    (BP(140, 90), 5, BP(120, 80), True),
    (BP(141, 90), 5, BP(120, 80), False),
    (BP(150, 95), 5, BP(150, 95), True),  # pre-dose was higher than P-BP-ELEVATED
    (BP(150, 88), 5, BP(150, 80), True),  # per component
    (BP(150, 92), 5, BP(150, 80), False),
    (BP(130, 80), 15, BP(120, 80), True),  # exactly P-FRESH
    (BP(130, 80), 16, BP(120, 80), False),
    (None, 0, BP(120, 80), False),
], ids=str)
def test_r2_4_bp_for_discharge(latest, age, baseline, met):
    ok, detail = bp_acceptable_for_discharge(latest, at(100), baseline, POLICY, at(100 + age))
    assert ok is met and detail


@pytest.mark.parametrize("reading, expected", [
    (vitals(40, 165, 90), (AlertKind.BP_HIGH,)),
    (vitals(-5, 165, 90, VitalsTimepoint.PRE_DOSE), ()),  # pre-dose handled by R2.1
    (vitals(40, spo2=91), (AlertKind.SPO2_LOW,)),
    (vitals(40, spo2=92), ()),
    (vitals(40, spo2=None), ()),
])
def test_r2_3_r3_3_alerts_for_vitals(reading, expected):
    assert alerts_for_vitals(reading, BP(130, 80), POLICY) == expected


@pytest.mark.parametrize("entry, expected", [
    (obs(30), ()),
    (obs(30, spo2=90), (AlertKind.SPO2_LOW,)),
    (obs(30, resp=True), (AlertKind.RESPIRATORY_DEPRESSION,)),
    (obs(30, symptoms=["chest_pain"]), (AlertKind.EMERGENCY_SYMPTOM,)),
    (obs(30, symptoms=["nausea"]), ()),
    (obs(30, spo2=85, resp=True, symptoms=["seizure"]),
     (AlertKind.SPO2_LOW, AlertKind.RESPIRATORY_DEPRESSION, AlertKind.EMERGENCY_SYMPTOM)),
])
def test_r3_3_r2_3_alerts_for_observation(entry, expected):
    assert alerts_for_observation(entry, POLICY) == expected


@pytest.mark.parametrize("event, expected", [
    (AdverseEventEntry(serious=True), (AlertKind.SERIOUS_ADVERSE_EVENT,)),
    (AdverseEventEntry(serious=True, resolved_at=at(60)), ()),
    (AdverseEventEntry(serious=False), ()),
])
def test_r3_4_an_unresolved_serious_adverse_event_alerts(event, expected):
    assert alerts_for_adverse_event(event) == expected


def test_r2_3_every_listed_symptom_is_an_emergency():
    assert emergency_symptoms([s.value for s in Symptom] + ["nausea"]) == tuple(Symptom)
    assert emergency_symptoms(["seizure", "seizure"]) == (Symptom.SEIZURE,)


@pytest.mark.parametrize("reading, first_device, expected", [
    (vitals(-5, 150, 85, VitalsTimepoint.PRE_DOSE), None, [("bp_elevated", "")]),
    (vitals(-5, 185, 100, VitalsTimepoint.PRE_DOSE), None, [("bp_hold", " Withhold the dose.")]),
    (vitals(-5, 132, 84, VitalsTimepoint.PRE_DOSE), None, []),
    (vitals(-5, 185, 100, VitalsTimepoint.PRE_DOSE), at(0), []),  # dosed: a late correction
    (vitals(40, 185, 100), at(0), []),  # post-dose: R2.3 alerts instead
])
def test_r2_1_pre_dose_reading_judged_as_warnings(reading, first_device, expected):
    found = pre_dose_warnings(reading, first_device, POLICY)
    stops = check_pre_dose_bp(reading.bp, POLICY)
    assert [(w.code, w.kind) for w in found] == [(code, "warning") for code, _ in expected]
    assert [w.message for w in found] == [s.message + tail for s, (_, tail) in zip(stops, expected)]
    assert all(w.rule == "R2.1" and "override_allowed" not in w.as_dict() for w in found)
