"""The alerts an entry raises, with the rule behind each and what staff are told (R2.3, R3.3,
R3.4)."""
import pytest

from spravato_ops.domain import (
    AdverseEventEntry, Alert, AlertKind, BloodPressure, SitePolicy, VitalsTimepoint,
    adverse_event_alerts, observation_alerts, vitals_alerts,
)

from .builders import at, obs, vitals

POLICY = SitePolicy()
BASELINE = BloodPressure(130, 80)


@pytest.mark.parametrize("reading, expected", [
    (vitals(40, 165, 90), [Alert(AlertKind.BP_HIGH, "R2.3", "Post-dose BP 165/90 is above the "
                                 "alert level 160/100: recheck every 15 min.")]),
    (vitals(40, 150, 106), [Alert(AlertKind.BP_HIGH, "R2.3", "Post-dose BP 150/106 is above the "
                                  "alert level 160/100: recheck every 15 min."),
                            Alert(AlertKind.BP_RISE, "R2.3", "Post-dose BP 150/106 rose 40/25 "
                                  "or more over the pre-dose 130/80: recheck every 15 min.")]),
    (vitals(40, spo2=90), [Alert(AlertKind.SPO2_LOW, "R3.3", "SpO2 90% is below 92%.")]),
    (vitals(-5, 185, 100, VitalsTimepoint.PRE_DOSE), []),  # R2.1 speaks before dosing
    (vitals(40), []),
])
def test_r2_3_r3_3_vitals_alerts(reading, expected):
    assert list(vitals_alerts(reading, BASELINE, POLICY)) == expected


def test_r2_3_r3_3_observation_alerts_name_the_symptoms():
    found = observation_alerts(obs(30, spo2=88, resp=True,
                                   symptoms=["chest_pain", "nausea", "seizure"]), POLICY)
    assert [(a.kind, a.rule) for a in found] == [
        (AlertKind.SPO2_LOW, "R3.3"), (AlertKind.RESPIRATORY_DEPRESSION, "R3.3"),
        (AlertKind.EMERGENCY_SYMPTOM, "R2.3")]
    assert found[2].message == "Emergency symptoms recorded: chest pain, seizure. Act now."
    assert observation_alerts(obs(30), POLICY) == ()


def test_r3_4_adverse_event_alert_quotes_the_description():
    [alert] = adverse_event_alerts(AdverseEventEntry(True), "  Fainted " + "x" * 300)
    assert (alert.kind, alert.rule) == (AlertKind.SERIOUS_ADVERSE_EVENT, "R3.4")
    assert alert.message == "Serious adverse event, unresolved: Fainted " + "x" * 192
    assert adverse_event_alerts(AdverseEventEntry(True, at(60)), "Fainted") == ()
    assert adverse_event_alerts(AdverseEventEntry(False), "Nausea") == ()
