"""422 per field for treatment-day input, and nothing written (R2.1, R3.2 ranges; timestamps)."""
import pytest
from sqlmodel import select

from spravato_ops.models import (
    AdverseEvent, ChecklistEntry, DeviceAdministration, ObservationEntry, TreatmentSession,
    VitalsEntry,
)

from .treatment_support import (
    CHECKLIST, at, device, iso, observation, stored, stored_rows, vitals,
)


@pytest.fixture
def dosing(day):
    day.to_dosing()
    day.at(20)
    return day


def _refused(day, db, model, tail, body, field):
    before = len(stored_rows(db, select(model.id)))
    response = day.post(tail, body)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"], response.json
    assert len(stored_rows(db, select(model.id))) == before
    return response


@pytest.mark.parametrize("change, field", [
    ({"systolic": 49}, "systolic"), ({"systolic": 301}, "systolic"),
    ({"diastolic": 19}, "diastolic"), ({"diastolic": 201, "systolic": 300}, "diastolic"),
    ({"systolic": 120, "diastolic": 120}, "diastolic"),
    ({"systolic": 110, "diastolic": 130}, "diastolic"),
    ({"heart_rate": 19}, "heart_rate"), ({"heart_rate": 251}, "heart_rate"),
    ({"spo2": 49}, "spo2"), ({"spo2": 101}, "spo2"),
    ({"respiratory_rate": 3}, "respiratory_rate"), ({"respiratory_rate": 61}, "respiratory_rate"),
    ({"timepoint": "lunch"}, "timepoint"), ({"systolic": "120"}, "systolic"),
    ({"taken_at": "2026-03-02T14:20:00"}, "taken_at"),
    ({"taken_at": iso(at(23))}, "taken_at"),
    ({"taken_at": "2026-03-02T04:59:00Z"}, "taken_at"),
    ({"timepoint": "pre_dose"}, "taken_at"),
    ({"taken_at": iso(at(-1))}, "timepoint"),
    ({"override": {"reason": " "}}, "override"),
], ids=["systolic-low", "systolic-high", "diastolic-low", "diastolic-high",
        "diastolic-equals-systolic", "diastolic-above-systolic", "hr-low", "hr-high",
        "spo2-low", "spo2-high", "rr-low", "rr-high", "timepoint", "systolic-string",
        "naive-time", "future-beyond-skew", "before-session-day", "R2.1-pre-dose-after-device",
        "R2.2-post-dose-before-device", "blank-override"])
def test_vitals_input_is_checked_per_field(dosing, db, change, field):
    _refused(dosing, db, VitalsEntry, "/vitals", {**vitals(20), **change}, field)


def test_clock_skew_allows_two_minutes_ahead(dosing):
    assert dosing.post("/vitals", vitals(21, 128, 80)).status_code == 201
    assert dosing.post("/vitals", vitals(22, 128, 80)).status_code == 201
    assert dosing.post("/vitals", vitals(22.1, 128, 80)).status_code == 422


def test_before_the_session_day_uses_the_site_local_day(dosing):
    # 05:00Z is midnight in New York (EST): the first instant of the session's day.
    assert dosing.post("/observations", observation(20, observed_at="2026-03-02T05:00:00Z")) \
        .status_code == 422  # before the first device, though on the day (R3.2)
    response = dosing.post("/adverse-events", {"description": "nausea", "serious": False,
                                               "resolved_at": "2026-03-02T04:59:59Z"})
    assert response.status_code == 422 and "resolved_at" in response.json["errors"]
    ok = dosing.post("/adverse-events", {"description": "nausea", "serious": False,
                                         "resolved_at": "2026-03-02T05:00:00Z"})
    assert ok.status_code == 201


@pytest.mark.parametrize("change, field", [
    ({"moaas": -1}, "moaas"), ({"moaas": 6}, "moaas"),
    ({"cadss_total": -1}, "cadss_total"), ({"cadss_total": 93}, "cadss_total"),
    ({"dissociation": "extreme"}, "dissociation"), ({"spo2": 101}, "spo2"),
    ({"spo2": None}, "spo2"), ({"respiratory_depression": None}, "respiratory_depression"),
    ({"respiratory_depression": 0}, "respiratory_depression"),
    ({"respiratory_depression": "no"}, "respiratory_depression"),
    ({"symptoms": ["hiccups"]}, "symptoms"), ({"symptoms": "chest_pain"}, "symptoms"),
    ({"observed_at": "2026-03-02T14:20:00"}, "observed_at"),
    ({"observed_at": iso(at(30))}, "observed_at"),
    ({"observed_at": iso(at(-1))}, "observed_at"),
    ({"amends": 1}, "reason"),
], ids=["moaas-low", "moaas-high", "cadss-low", "cadss-high", "dissociation", "spo2",
        "spo2-missing", "resp-missing", "resp-zero", "resp-no", "symptom-unknown",
        "symptoms-not-list", "naive-time", "future", "R3.2-before-first-device",
        "amends-needs-reason"])
def test_observation_input_is_checked_per_field(dosing, db, change, field):
    _refused(dosing, db, ObservationEntry, "/observations", {**observation(20), **change}, field)


@pytest.mark.parametrize("change, field", [
    ({"lot_number": ""}, "lot_number"), ({"lot_number": "   "}, "lot_number"),
    ({"lot_number": "L" * 65}, "lot_number"), ({"lot_number": None}, "lot_number"),
    ({"administered_at": "2026-03-02T14:20:00"}, "administered_at"),
    ({"administered_at": iso(at(25))}, "administered_at"),
    ({"administered_at": "2026-03-01T14:20:00Z"}, "administered_at"),
], ids=["lot-empty", "lot-blank", "lot-long", "lot-null", "naive-time", "future",
        "before-session-day"])
def test_device_input_is_checked_per_field(dosing, db, change, field):
    _refused(dosing, db, DeviceAdministration, "/devices", {**device(20), **change}, field)


def test_lot_number_of_64_characters_is_accepted(dosing):
    assert dosing.post("/devices", device(20, "L" * 64)).status_code == 201


@pytest.mark.parametrize("body, field", [
    ({"serious": True}, "description"),
    ({"description": " ", "serious": True}, "description"),
    ({"description": "x"}, "serious"),
    ({"description": "x", "serious": 1}, "serious"),
    ({"description": "x", "serious": "true"}, "serious"),
    ({"description": "x", "serious": True, "resolved_at": "2026-03-02T14:00:00"}, "resolved_at"),
], ids=["description-missing", "description-blank", "serious-missing", "serious-one",
        "serious-string", "naive-resolved"])
def test_adverse_event_input_is_checked_per_field(dosing, db, body, field):
    _refused(dosing, db, AdverseEvent, "/adverse-events", body, field)


def test_checklist_and_arrival_times_are_checked(day, db):
    day.at(-20)
    response = day.post("/arrival", {"arrived_at": iso(at(-10))}, headers=day.desk)
    assert response.status_code == 422 and "arrived_at" in response.json["errors"]
    naive = day.post("/arrival", {"arrived_at": "2026-03-02T13:40:00"}, headers=day.desk)
    assert naive.status_code == 422
    assert stored(db, TreatmentSession, day.sid)["state"] == "scheduled"
    long_name = day.put("/checklist", {**CHECKLIST, "transport_name": "x" * 201})
    assert long_name.status_code == 422 and "transport_name" in long_name.json["errors"]


@pytest.mark.parametrize("value", [0, 1, "true", "no", "off"])
def test_checklist_answers_are_json_booleans(day, db, value):
    day.at(-20)
    day.ok(day.post("/arrival", headers=day.desk), 200)
    response = day.put("/checklist", {**CHECKLIST, "no_food_2h": value, "no_liquids_30m": value})
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"no_food_2h", "no_liquids_30m"}
    assert stored_rows(db, select(ChecklistEntry.id)) == []
    assert stored(db, TreatmentSession, day.sid)["state"] == "arrived"


def test_withhold_needs_a_reason(day):
    day.at(-10)
    day.ok(day.post("/arrival", headers=day.desk), 200)
    response = day.post("/withhold", {"reason": ""})
    assert response.status_code == 422 and "reason" in response.json["errors"]


def test_discharge_input_is_checked(dosing):
    for body, field in [({"ready_to_leave_at": iso(at(10))}, "clinically_stable"),
                        ({"clinically_stable": "yes", "ready_to_leave_at": iso(at(10))},
                         "clinically_stable"),
                        ({"clinically_stable": 1, "ready_to_leave_at": iso(at(10))},
                         "clinically_stable"),
                        ({"clinically_stable": True, "ready_to_leave_at": "2026-03-02T14:10:00"},
                         "ready_to_leave_at"),
                        ({"clinically_stable": True, "ready_to_leave_at": iso(at(30))},
                         "ready_to_leave_at")]:
        response = dosing.post("/discharge", body)
        assert response.status_code == 422 and field in response.json["errors"], body


def test_adverse_event_patch_is_an_amendment(dosing, db):
    event = dosing.ok(dosing.post("/adverse-events", {"description": "vomiting",
                                                      "serious": True}))
    readiness = dosing.ok(dosing.get("/discharge-readiness", query_string={
        "at": iso(at(130))}), 200)
    serious = {c["code"]: c for c in readiness["criteria"]}["no_open_serious_event"]
    assert serious["met"] is False
    nothing = dosing.client.patch(dosing.url(f"/adverse-events/{event['id']}"), json={},
                                  headers=dosing.nurse)
    assert nothing.status_code == 422
    resolved = dosing.client.patch(dosing.url(f"/adverse-events/{event['id']}"),
                                   json={"resolved_at": iso(at(19))}, headers=dosing.nurse)
    assert resolved.status_code == 200, resolved.json
    assert resolved.json["amends_id"] == event["id"] and resolved.json["id"] != event["id"]
    assert resolved.json["description"] == "vomiting" and resolved.json["amend_reason"]
    again = dosing.client.patch(dosing.url(f"/adverse-events/{event['id']}"),
                                json={"serious": False}, headers=dosing.nurse)
    assert again.status_code == 409
    unknown = dosing.client.patch(dosing.url("/adverse-events/99999"),
                                  json={"serious": False}, headers=dosing.nurse)
    assert unknown.status_code == 404
    events = {e["id"]: e for e in dosing.ok(dosing.get("/record"), 200)["adverse_events"]}
    assert events[event["id"]]["amended"] is True and events[event["id"]]["resolved_at"] is None
    readiness = dosing.ok(dosing.get("/discharge-readiness", query_string={
        "at": iso(at(130))}), 200)
    assert {c["code"]: c for c in readiness["criteria"]}["no_open_serious_event"]["met"] is True
    assert len(stored_rows(db, select(AdverseEvent.id))) == 2
