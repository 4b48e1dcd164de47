"""A whole treatment day through the HTTP API and every stop on its way (R1.5-R3.6)."""
import pytest
from sqlmodel import select

from spravato_ops.models import AuditEvent, DeviceAdministration, TreatmentSession, VitalsEntry

from .treatment_support import (
    CHECKLIST, Day, at, device, iso, observation, stored, stored_rows, vitals,
)

OVERRIDE = {"reason": "Benefit outweighs risk; discussed with patient."}


def _observe(day, first_minute, last_minute):
    """Observations every 15 minutes (R3.2): sedation peaks at 30, all resolved by 75."""
    course = {15: (4, "mild"), 30: (3, "moderate"), 45: (4, "mild"), 60: (5, "mild")}
    for minute in range(first_minute, last_minute + 1, 15):
        day.at(minute)
        moaas, dissociation = course.get(minute, (5, "none"))
        day.ok(day.post("/observations", observation(minute, moaas, dissociation)))


def test_full_treatment_day_R3_1_R3_4(day, db):
    day.at(-20)
    arrival = day.ok(day.post("/arrival", headers=day.desk), 200)
    assert arrival["state"] == "arrived" and "planned_dose_mg" not in arrival
    assert day.ok(day.put("/checklist", CHECKLIST), 200)["session_state"] == "checked_in"
    day.at(-5)
    day.ok(day.post("/vitals", vitals(-5, 132, 84, timepoint="pre_dose")))
    day.at(0)
    first = day.ok(day.post("/devices", device(0, "LOT-A")))
    assert (first["device_number"], first["session_state"]) == (1, "dosing")
    assert day.ok(day.get("/timers"), 200)[0]["code"] == "next_device"
    day.at(6)
    second = day.ok(day.post("/devices", device(6, "LOT-A")))
    assert (second["device_number"], second["session_state"], second["spacing_flagged"]) == \
        (2, "observing", False)
    _observe(day, 15, 30)
    day.at(40)
    assert day.ok(day.post("/vitals", vitals(40, 138, 86)))["alerts"] == []
    _observe(day, 45, 105)
    day.at(110)
    day.ok(day.post("/vitals", vitals(110, 126, 80, timepoint="pre_discharge")))
    early = day.ok(day.get("/discharge-readiness"), 200)
    assert early["ready"] is False
    assert early["earliest_ready_at"] == iso(at(120))
    assert {c["code"]: c["met"] for c in early["criteria"]}["min_observation"] is False
    timers = {t["code"]: t["state"] for t in day.ok(day.get("/timers"), 200)}
    assert timers["post_dose_bp"] == "done" and timers["discharge_eligible"] == "upcoming"
    _observe(day, 120, 120)
    day.at(121)
    late = day.ok(day.get("/discharge-readiness"), 200)
    assert late["ready"] is True and all(c["met"] for c in late["criteria"])
    out = day.ok(day.post("/discharge", {"clinically_stable": True,
                                         "ready_to_leave_at": iso(at(95))}))
    assert out["session_state"] == "discharged" and out["unmet_criteria"] == []
    assert out["discharged_at"] == iso(at(121))
    assert stored(db, TreatmentSession, day.sid)["state"] == "discharged"
    record = day.ok(day.get("/record"), 200)
    assert len(record["devices"]) == 2 and len(record["observations"]) == 8
    assert len(record["discharges"]) == 1
    actions = stored_rows(db, select(AuditEvent.entity).where(AuditEvent.entity != "session"))
    assert actions.count("observation") == 8 and actions.count("device") == 2


def test_readiness_at_must_carry_an_offset_and_defaults_to_now(day):
    day.to_observing()
    naive = day.get("/discharge-readiness", query_string={"at": "2026-03-02T16:00:00"})
    assert naive.status_code == 422 and "at" in naive.json["errors"]
    later = day.ok(day.get("/discharge-readiness",
                           query_string={"at": "2026-03-02T11:30:00-05:00"}), 200)
    assert later["evaluated_at"] == iso(at(150))
    assert day.ok(day.get("/discharge-readiness"), 200)["evaluated_at"] == iso(at(5))


# --- R2.1 pre-dose blood pressure ------------------------------------------------------------


def test_R2_1_first_device_without_pre_dose_bp_is_a_hard_stop(day, db):
    day.to_checked_in()
    day.at(0)
    refused = day.post("/devices", device(0), headers=day.prescriber)
    assert refused.status_code == 409 and day.codes(refused) == ["pre_dose_bp_missing"]
    assert refused.json["violations"][0]["override_allowed"] is False
    assert stored_rows(db, select(DeviceAdministration)) == []


def test_R2_1_bp_elevated_is_recorded_and_a_soft_stop_at_the_first_device(day, db):
    day.to_checked_in()
    day.at(-5)
    reading = day.ok(day.post("/vitals", vitals(-5, 150, 85, timepoint="pre_dose")))
    assert [w["code"] for w in reading["warnings"]] == ["bp_elevated"]
    day.at(0)
    refused = day.post("/devices", device(0))
    assert refused.status_code == 409 and day.codes(refused) == ["bp_elevated"]
    assert refused.json["violations"][0]["override_role"] == "prescriber"
    assert day.post("/devices", {**device(0), "override": OVERRIDE}).status_code == 403
    given = day.ok(day.post("/devices", {**device(0), "override": OVERRIDE},
                            headers=day.prescriber))
    assert given["override_reason"] == OVERRIDE["reason"] and given["session_state"] == "dosing"
    overrides = stored(db, TreatmentSession, day.sid)["overrides"]
    assert overrides[0]["rules"][0]["code"] == "bp_elevated"
    assert overrides[0]["entity"] == "device"


def test_R2_1_bp_hold_is_recorded_and_a_hard_stop_for_the_dose(day, db):
    day.to_checked_in()
    day.at(-5)
    reading = day.ok(day.post("/vitals", vitals(-5, 185, 100, timepoint="pre_dose")))
    assert [w["code"] for w in reading["warnings"]] == ["bp_hold"]
    assert len(stored_rows(db, select(VitalsEntry))) == 1
    day.at(0)
    refused = day.post("/devices", {**device(0), "override": OVERRIDE}, headers=day.prescriber)
    assert refused.status_code == 409 and day.codes(refused) == ["bp_hold"]
    assert refused.json["violations"][0]["override_allowed"] is False
    assert stored_rows(db, select(DeviceAdministration)) == []
    withheld = day.ok(day.post("/withhold", {"reason": "BP 185/100 at or above hold"}), 200)
    assert withheld["state"] == "withheld"
    again = day.post("/devices", device(0))
    assert again.status_code == 409 and "withheld" in again.json["violations"][0]["message"]


def test_R2_1_a_corrected_pre_dose_reading_decides_the_first_device(day):
    day.to_checked_in()
    day.at(-5)
    high = day.ok(day.post("/vitals", vitals(-5, 150, 85, timepoint="pre_dose")))
    day.ok(day.post("/vitals", vitals(-5, 132, 84, timepoint="pre_dose", amends=high["id"],
                                      reason="cuff too small; repeated")))
    day.at(0)
    assert day.ok(day.post("/devices", device(0)))["session_state"] == "dosing"


# --- R1.5 devices -----------------------------------------------------------------------------


def test_R1_5_device_spacing_refused_without_reason_and_flagged_with_one(day):
    day.to_dosing()
    day.at(3)
    refused = day.post("/devices", device(3))
    assert refused.status_code == 409 and day.codes(refused) == ["device_spacing"]
    flagged = day.ok(day.post("/devices", device(3, deviation_reason="patient sneezed; redo")))
    assert flagged["spacing_flagged"] is True and flagged["device_number"] == 2


def test_R1_5_more_devices_than_planned_is_a_hard_stop(day):
    day.to_observing()
    day.at(10)
    refused = day.post("/devices", device(10), headers=day.prescriber)
    assert refused.status_code == 409 and "too_many_devices" in day.codes(refused)


def test_R1_5_84_mg_takes_three_devices(client, make, clock):
    day = Day(client, make, clock, planned_dose_mg=84)
    day.to_dosing()
    day.at(5)
    assert day.ok(day.post("/devices", device(5)))["session_state"] == "dosing"
    day.at(10)
    third = day.ok(day.post("/devices", device(10, "LOT-2")))
    assert (third["device_number"], third["session_state"]) == (3, "observing")


# --- R1.6 / R3.5 checklist --------------------------------------------------------------------


@pytest.mark.parametrize("change, code", [
    ({"no_food_2h": False}, "no_food_2h"),
    ({"no_liquids_30m": False}, "no_liquids_30m"),
    ({"nasal_medication_ok": False}, "nasal_medication"),
    ({"no_food_2h": None}, "no_food_2h"),
    ({"transport_name": ""}, "transport_missing"),
    ({"transport_phone": None}, "transport_missing"),
], ids=["R1.6-food", "R1.6-liquids", "R1.6-nasal", "R1.6-unconfirmed", "R3.5-name", "R3.5-phone"])
def test_R1_6_failed_checklist_item_is_a_soft_stop(day, change, code):
    day.at(-20)
    day.ok(day.post("/arrival", headers=day.desk), 200)
    refused = day.put("/checklist", {**CHECKLIST, **change})
    assert refused.status_code == 409 and day.codes(refused) == [code]
    overridden = day.ok(day.put("/checklist", {**CHECKLIST, **change, "override": OVERRIDE},
                                headers=day.prescriber), 200)
    assert overridden["session_state"] == "checked_in"


def test_R1_6_every_failed_item_is_reported_at_once(day):
    day.at(-20)
    day.ok(day.post("/arrival", headers=day.desk), 200)
    refused = day.put("/checklist", {})
    assert day.codes(refused) == ["no_food_2h", "no_liquids_30m", "nasal_medication",
                                  "transport_missing"]


# --- state ------------------------------------------------------------------------------------


@pytest.mark.parametrize("method, tail, body", [
    ("put", "/checklist", CHECKLIST),
    ("post", "/vitals", vitals(-5, timepoint="pre_dose")),
    ("post", "/devices", device(-5)),
    ("post", "/observations", observation(-5)),
    ("post", "/withhold", {"reason": "x"}),
    ("post", "/discharge", {"clinically_stable": True, "ready_to_leave_at": iso(at(-5))}),
], ids=["checklist", "vitals", "devices", "observations", "withhold", "discharge"])
def test_invalid_state_is_a_409_naming_the_state(day, method, tail, body):
    day.at(-5)
    response = getattr(day, method)(tail, body)
    assert response.status_code == 409, response.json
    violation = response.json["violations"][0]
    assert violation["code"] == "invalid_state" and "scheduled" in violation["message"]


def test_device_before_checklist_is_refused_naming_arrived(day):
    day.at(-10)
    day.ok(day.post("/arrival", headers=day.desk), 200)
    response = day.post("/devices", device(-10))
    assert response.status_code == 409 and "arrived" in response.json["message"]


def test_arrival_twice_is_refused(day):
    day.at(-10)
    day.ok(day.post("/arrival", headers=day.desk), 200)
    again = day.post("/arrival", headers=day.desk)
    assert again.status_code == 409 and day.codes(again) == ["invalid_state"]


# --- R3.1 / R3.4 discharge --------------------------------------------------------------------


def test_R3_1_min_observation_is_a_hard_stop_even_for_a_prescriber(day):
    day.to_observing()
    day.at(90)
    body = {"clinically_stable": True, "ready_to_leave_at": iso(at(90)), "override": OVERRIDE}
    refused = day.post("/discharge", body, headers=day.prescriber)
    assert refused.status_code == 409
    hard = [v for v in refused.json["violations"] if v["code"] == "min_observation"]
    assert hard and hard[0]["override_allowed"] is False and hard[0]["rule"] == "R3.1"


def test_R3_4_unmet_criteria_are_soft_stops_a_prescriber_overrides(day, db):
    day.to_observing()
    day.at(125)  # no observation, no post-dose BP: several criteria unmet
    body = {"clinically_stable": True, "ready_to_leave_at": iso(at(120))}
    refused = day.post("/discharge", body)
    codes = day.codes(refused)
    assert refused.status_code == 409 and "min_observation" not in codes
    assert {"post_dose_bp", "sedation_resolved", "respiratory_ok"} <= set(codes)
    assert all(v["override_allowed"] for v in refused.json["violations"])
    assert day.post("/discharge", {**body, "override": OVERRIDE}).status_code == 403
    done = day.ok(day.post("/discharge", {**body, "override": OVERRIDE}, headers=day.prescriber))
    assert done["override_reason"] == OVERRIDE["reason"]
    assert {c["code"] for c in done["unmet_criteria"]} == set(codes)
    assert stored(db, TreatmentSession, day.sid)["overrides"][-1]["entity"] == "discharge"


def test_R3_4_clinically_stable_must_be_attested(day):
    day.to_observing()
    day.at(125)
    body = {"clinically_stable": False, "ready_to_leave_at": iso(at(120)), "override": OVERRIDE}
    refused = day.post("/discharge", body, headers=day.prescriber)
    assert refused.status_code == 409 and "clinically_stable_required" in day.codes(refused)


def test_R3_6_ready_to_leave_at_is_required_and_not_before_the_first_device(day):
    day.to_observing()
    day.at(125)
    missing = day.post("/discharge", {"clinically_stable": True})
    assert missing.status_code == 422 and "ready_to_leave_at" in missing.json["errors"]
    early = day.post("/discharge", {"clinically_stable": True, "ready_to_leave_at": iso(at(-1)),
                                    "override": OVERRIDE}, headers=day.prescriber)
    assert early.status_code == 422 and "ready_to_leave_at" in early.json["errors"]


# --- corrections ------------------------------------------------------------------------------


def test_amendment_replaces_the_entry_for_the_rules_and_both_stay_visible(day, db):
    day.to_checked_in()
    day.at(-5)
    wrong = day.ok(day.post("/vitals", vitals(-5, 128, 80, timepoint="pre_dose")))
    missing_reason = day.post("/vitals", vitals(-5, 150, 80, timepoint="pre_dose",
                                                amends=wrong["id"]))
    assert missing_reason.status_code == 422 and "reason" in missing_reason.json["errors"]
    fixed = day.ok(day.post("/vitals", vitals(-5, 138, 80, timepoint="pre_dose",
                                              amends=wrong["id"], reason="misread the cuff")))
    assert fixed["amends_id"] == wrong["id"] and fixed["amend_reason"] == "misread the cuff"
    twice = day.post("/vitals", vitals(-5, 136, 80, timepoint="pre_dose", amends=wrong["id"],
                                       reason="again"))
    assert twice.status_code == 409 and day.codes(twice) == ["already_amended"]
    listed = {v["id"]: v for v in day.ok(day.get("/record"), 200)["vitals"]}
    assert listed[wrong["id"]]["amended"] is True
    assert listed[wrong["id"]]["amended_by_id"] == fixed["id"]
    assert listed[fixed["id"]]["amended"] is False
    # The post-dose rise (R2.3) is measured from the corrected 138, not the original 128.
    day.at(0)
    day.ok(day.post("/devices", device(0)))
    day.at(40)
    rise = day.ok(day.post("/vitals", vitals(40, 170, 85)))
    assert [a["kind"] for a in rise["alerts"]] == ["bp_high"]
    amends = stored_rows(db, select(AuditEvent).where(AuditEvent.action == "amend"))
    assert [(a["entity"], a["before"]["id"]) for a in amends] == [("vitals", wrong["id"])]


def test_amending_a_device_keeps_its_number_and_the_rules_use_the_new_time(day):
    day.to_observing()
    record = day.ok(day.get("/record"), 200)
    first = record["devices"][0]
    fixed = day.ok(day.post("/devices", device(-2, "LOT-9", amends=first["id"],
                                               reason="clock on tablet was slow")))
    assert fixed["device_number"] == 1 and fixed["session_state"] == "observing"
    readiness = day.ok(day.get("/discharge-readiness"), 200)
    assert readiness["earliest_ready_at"] == iso(at(118))


def test_amends_must_name_an_entry_of_the_same_kind_and_session(day):
    entry = day.to_dosing()
    day.at(1)
    response = day.post("/vitals", vitals(1, amends=entry["id"] + 1000, reason="x"))
    assert response.status_code == 422 and "amends" in response.json["errors"]


# --- idempotent retries -----------------------------------------------------------------------


def test_idempotent_retry_returns_the_first_response_and_writes_once(day, db):
    day.to_dosing()
    day.at(15)
    headers = {**day.nurse, "Idempotency-Key": "obs-15"}
    first = day.post("/observations", observation(15), headers=headers)
    again = day.post("/observations", observation(15), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    assert len(day.ok(day.get("/record"), 200)["observations"]) == 1
    different = day.post("/observations", observation(15, moaas=4), headers=headers)
    assert different.status_code == 422


def test_idempotent_retry_of_a_refusal_replays_the_refusal(day):
    day.to_checked_in()
    day.at(0)
    headers = {**day.nurse, "Idempotency-Key": "dev-1"}
    first = day.post("/devices", device(0), headers=headers)
    again = day.post("/devices", device(0), headers=headers)
    assert first.status_code == again.status_code == 409
    assert again.json == first.json


# --- roles ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role, method, tail, status", [
    ("front_desk", "post", "/vitals", 403),
    ("front_desk", "put", "/checklist", 403),
    ("front_desk", "post", "/devices", 403),
    ("front_desk", "post", "/observations", 403),
    ("front_desk", "post", "/adverse-events", 403),
    ("front_desk", "patch", "/adverse-events/1", 403),
    ("front_desk", "post", "/withhold", 403),
    ("front_desk", "post", "/discharge", 403),
    ("front_desk", "get", "/record", 403),
    ("front_desk", "get", "/timers", 403),
    ("front_desk", "get", "/discharge-readiness", 403),
    ("scheduler", "post", "/arrival", 403),
    ("scheduler", "post", "/vitals", 403),
    ("scheduler", "put", "/checklist", 403),
    ("scheduler", "post", "/devices", 403),
    ("scheduler", "post", "/observations", 403),
    ("scheduler", "post", "/discharge", 403),
    ("scheduler", "get", "/record", 403),
    ("admin", "post", "/vitals", 403),
    ("admin", "post", "/arrival", 403),
    ("front_desk", "post", "/arrival", 200),
    ("nurse", "post", "/arrival", 200),
    ("prescriber", "post", "/arrival", 200),
    ("nurse", "get", "/record", 200),
    ("prescriber", "get", "/timers", 200),
])
def test_roles_for_every_treatment_day_path(day, make, role, method, tail, status):
    headers = make.auth_headers(role)
    day.at(-10)
    response = getattr(day.client, method)(day.url(tail), headers=headers,
                                           **({} if method == "get" else {"json": {}}))
    assert response.status_code == status, response.json


def test_unknown_session_is_a_404(day):
    day.sid = 999999
    assert day.post("/arrival", headers=day.desk).status_code == 404
    assert day.get("/timers").status_code == 404


def test_timers_and_readiness_follow_the_sites_stored_policy(day, make, client):
    """R3.2 with P-OBS-INTERVAL and R3.4 with P-FRESH as the session's site stores them, read
    with the session's entries in one query."""
    day.to_observing()
    day.at(15)
    day.ok(day.post("/observations", observation(15)))
    day.at(22)

    def due():
        return {t["code"]: t["due_at"] for t in day.ok(day.get("/timers"), 200)}

    def unmet():
        readiness = day.ok(day.get("/discharge-readiness"), 200)
        return {c["code"] for c in readiness["criteria"] if not c["met"]}

    default_due, default_unmet = due()["observation"], unmet()
    answer = client.put(f"/api/v1/sites/{day.site.id}/policy", headers=make.auth_headers("admin"),
                        json={"observation_interval_minutes": 10, "fresh_minutes": 5})
    assert answer.status_code == 200, answer.json
    assert (default_due, due()["observation"]) == (iso(at(30)), iso(at(25)))
    # The observation of 15 is 7 minutes old: fresh under the default 15, stale under 5.
    assert unmet() - default_unmet == {"sedation_resolved", "dissociation_resolved",
                                       "respiratory_ok"}
