"""Tablet clocks ahead of the server's, within CLOCK_SKEW_SECONDS (R1.5, R2.2, R3.1, R3.2, R3.4):
what is accepted counts at once; what runs from a device is measured on the server's clock."""
import pytest

from .treatment_support import at, device, iso, observation, vitals


def _observed_until_100(day):
    """Observations every 15 min to 90 and at 100, BP at 40: at 121 the latest is 21 min old."""
    day.to_observing()
    for minute in (15, 30, 45, 60, 75, 90, 100):
        day.at(minute)
        day.ok(day.post("/observations", observation(minute)))
        if minute == 45:
            day.ok(day.post("/vitals", vitals(40)))
    day.at(121)
    day.ok(day.post("/vitals", vitals(121, timepoint="pre_discharge")))


def criteria(response):
    return {c["code"]: c for c in response.json["criteria"]}


@pytest.mark.parametrize("ahead_seconds", [1, 90])
def test_R3_4_an_observation_stamped_ahead_counts_at_once_in_readiness(day, ahead_seconds):
    _observed_until_100(day)
    stale = criteria(day.get("/discharge-readiness"))["sedation_resolved"]
    assert stale["detail"] == "latest observation is 21 min old (must be within 15 min)"
    day.ok(day.post("/observations", observation(121 + ahead_seconds / 60)))
    readiness = day.ok(day.get("/discharge-readiness"), 200)
    assert readiness["ready"] is True, readiness["criteria"]
    assert readiness["evaluated_at"] == iso(at(121))
    out = day.ok(day.post("/discharge", {"clinically_stable": True,
                                         "ready_to_leave_at": iso(at(100))}))
    assert out["unmet_criteria"] == [] and out["override_reason"] is None


@pytest.mark.parametrize("ahead_seconds", [1, 90])
def test_R3_2_an_observation_stamped_ahead_restarts_the_timer_now(day, ahead_seconds):
    _observed_until_100(day)
    timers = {t["code"]: t for t in day.ok(day.get("/timers"), 200)}
    assert timers["observation"]["state"] == "overdue"
    day.ok(day.post("/observations", observation(121 + ahead_seconds / 60)))
    timers = {t["code"]: t for t in day.ok(day.get("/timers"), 200)}
    assert (timers["observation"]["due_at"], timers["observation"]["state"]) == (
        iso(at(136)), "upcoming")


def test_a_stamp_beyond_the_skew_is_still_refused(day):
    day.to_observing()
    day.at(15)
    refused = day.post("/observations", observation(17.01))
    assert refused.status_code == 422 and "observed_at" in refused.json["errors"]


def _first_device_90_s_ahead(day):
    day.to_checked_in()
    day.at(-5)
    day.ok(day.post("/vitals", vitals(-5, timepoint="pre_dose")))
    day.at(0)
    return day.ok(day.post("/devices", device(1.5)))


def test_R1_5_a_first_device_stamped_ahead_does_not_bring_the_next_one_forward(day):
    _first_device_90_s_ahead(day)
    day.at(6)
    timers = {t["code"]: t for t in day.ok(day.get("/timers"), 200)}
    assert (timers["next_device"]["due_at"], timers["next_device"]["state"]) == (
        iso(at(6.5)), "upcoming")
    refused = day.post("/devices", device(6))
    assert refused.status_code == 409 and day.codes(refused) == ["device_spacing"]
    day.at(6.5)
    assert day.ok(day.post("/devices", device(6.5)))["session_state"] == "observing"


def test_R2_2_a_first_device_stamped_ahead_does_not_open_the_bp_window_early(day):
    _first_device_90_s_ahead(day)
    day.at(6.5)
    day.ok(day.post("/devices", device(6.5)))
    day.at(31)
    day.ok(day.post("/vitals", vitals(31)))  # 29.5 min after the first device's stamp
    day.at(41)
    timers = {t["code"]: t for t in day.ok(day.get("/timers"), 200)}
    assert (timers["post_dose_bp"]["due_at"], timers["post_dose_bp"]["state"]) == (
        iso(at(41.5)), "upcoming")
    day.at(45)
    assert criteria(day.get("/discharge-readiness"))["post_dose_bp"]["met"] is False


def test_R3_1_a_first_device_stamped_ahead_does_not_meet_min_observation_early(day):
    given = _first_device_90_s_ahead(day)
    assert given["session_state"] == "dosing"
    started = criteria(day.get("/discharge-readiness"))["min_observation"]
    assert started["detail"] == "0 min since first device, 122 min to go"
    day.at(121)
    early = criteria(day.get("/discharge-readiness"))["min_observation"]
    assert early["met"] is False and early["met_at"] == iso(at(121.5))
    refused = day.post("/discharge", {"clinically_stable": True, "ready_to_leave_at":
                                      iso(at(100)), "override": {"reason": "Ride is here."}},
                       headers=day.prescriber)
    assert refused.status_code == 409 and "min_observation" in day.codes(refused)
    day.at(121.5)
    assert criteria(day.get("/discharge-readiness"))["min_observation"]["met"] is True
