"""POST/GET/PATCH /sessions, cancel and no-show: every booking rule through the API (R1, R4, R5)."""
from datetime import date, timedelta

import pytest
from freezegun import freeze_time

from spravato_ops.services.views import SESSION_DESK_FIELDS
from spravato_ops.clock import utcnow
from spravato_ops.models import TreatmentSession

from .booking_setup import (
    NOW, START, audit_actions, body, clinic, codes, local, sessions_of, set_state,
)

URL = "/api/v1/sessions"
CONTRAINDICATIONS = ["aneurysmal_vascular_disease", "arteriovenous_malformation",
                     "intracerebral_hemorrhage_history", "hypersensitivity"]
PRECAUTIONS = ["pregnant_or_breastfeeding", "psychosis_history",
               "hypertensive_encephalopathy_history"]


@pytest.fixture(autouse=True)
def frozen():
    with freeze_time(NOW) as frozen_time:
        yield frozen_time


@pytest.fixture
def place(make):
    return clinic(make)


@pytest.fixture
def scheduler(auth):
    return auth("scheduler")


@pytest.fixture
def prescriber(auth):
    return auth("prescriber")


def course_for(make, patient=None, **fields):
    return make.course(patient=patient, **{"start_date": START, **fields})


def screened_patient(make, **answers):
    patient = make.patient(screened=False)
    make.screening(patient, recorded_by=make.user("prescriber").id, **answers)
    return patient


def book(client, headers, payload, **extra_headers):
    return client.post(URL, json=payload, headers={**headers, **extra_headers})


def refused(response, code, rule=None):
    assert response.status_code == 409, response.json
    found = {v["code"]: v for v in response.json["violations"]}
    assert code in found, found
    if rule:
        assert found[code]["rule"] == rule
    return found[code]


# --- the booking itself ------------------------------------------------------------------

def test_booking_returns_session_with_slot_local_day_and_etag(client, make, place, scheduler, db):
    course = course_for(make)
    response = book(client, scheduler, body(place, course, when=local(1, 10)))
    assert response.status_code == 201, response.json
    data = response.json
    assert data["scheduled_start"] == "2026-03-03T15:00:00Z"
    assert data["scheduled_end"] == "2026-03-03T17:30:00Z"  # P-SLOT 150 minutes
    assert data["local_day"] == "2026-03-03"
    assert data["state"] == "scheduled" and data["version"] == 1
    assert data["patient_id"] == course.patient_id and data["warnings"] == []
    assert response.headers["ETag"] == '"1"'
    assert audit_actions(db, data["id"]) == ["book"]


def test_local_day_is_the_site_local_date_R1_8(client, make, scheduler):
    place = clinic(make, timezone="Pacific/Kiritimati")  # UTC+14
    response = book(client, scheduler, body(place, course_for(make), when=local(1, 12)))
    assert response.status_code == 201, response.json
    assert response.json["local_day"] == "2026-03-04"


def test_any_offset_is_accepted_and_returned_in_utc(client, make, place, scheduler):
    response = book(client, scheduler,
                    body(place, course_for(make), when="2026-03-04T00:00:00+09:00"))
    assert response.status_code == 201, response.json
    assert response.json["scheduled_start"] == "2026-03-03T15:00:00Z"


def test_site_policy_slot_sets_the_chair_block_P_SLOT(client, make, place, scheduler, auth):
    put = client.put(f"/api/v1/sites/{place.site.id}/policy", json={"slot_minutes": 180},
                     headers=auth("admin"))
    assert put.status_code == 200, put.json
    first = book(client, scheduler, body(place, course_for(make), when=local(1, 10)))
    assert first.json["scheduled_end"] == "2026-03-03T18:00:00Z"
    second = book(client, scheduler, body(place, course_for(make), when=local(1, 12, 30)))
    refused(second, "chair_conflict", "capacity")


# --- R4 REMS -------------------------------------------------------------------------------

@pytest.mark.parametrize("site_fields", [
    {"rems_certified_until": date(2026, 3, 2)},  # expires the day before the session
    {"rems_certification_id": None},
], ids=["R4.1-expired", "R4.1-no-certification"])
def test_R4_1_site_not_certified_is_a_hard_stop(client, make, scheduler, site_fields):
    place = clinic(make, **site_fields)
    violation = refused(book(client, scheduler, body(place, course_for(make))),
                        "site_not_certified", "R4.1")
    assert violation["override_allowed"] is False


def test_R4_2_outpatient_not_enrolled_is_a_hard_stop(client, make, place, scheduler):
    course = course_for(make, patient=make.patient(enrolled=False))
    refused(book(client, scheduler, body(place, course)), "patient_not_enrolled", "R4.2")


@pytest.mark.parametrize("site_fields", [
    {"rems_enrollment_required": False}, {"setting_type": "inpatient"},
], ids=["R4.2-switch-off", "R4.2-inpatient"])
def test_R4_2_enrollment_not_needed(client, make, scheduler, site_fields):
    place = clinic(make, **site_fields)
    course = course_for(make, patient=make.patient(enrolled=False))
    assert book(client, scheduler, body(place, course)).status_code == 201


# --- R5 screening --------------------------------------------------------------------------

def test_R5_1_screening_missing_is_a_hard_stop(client, make, place, scheduler):
    course = course_for(make, patient=make.patient(screened=False))
    refused(book(client, scheduler, body(place, course)), "screening_missing", "R5.1")


@pytest.mark.parametrize("field", CONTRAINDICATIONS)
def test_R5_1_each_contraindication_is_a_hard_stop_even_for_a_prescriber(
        client, make, place, prescriber, field):
    course = course_for(make, patient=screened_patient(make, **{field: True}))
    payload = body(place, course, override={"reason": "benefit outweighs risk"})
    violation = refused(book(client, prescriber, payload), f"contraindication_{field}", "R5.1")
    assert violation["override_allowed"] is False


@pytest.mark.parametrize("dob, status", [
    (date(2008, 3, 4), 409),  # 18 the day after the session
    (date(2008, 3, 3), 201),  # 18 on the session day
], ids=["R5.2-under-18", "R5.2-18-on-the-day"])
def test_R5_2_age_on_the_session_day(client, make, place, scheduler, dob, status):
    course = course_for(make, patient=make.patient(date_of_birth=dob))
    response = book(client, scheduler, body(place, course))
    assert response.status_code == status, response.json
    if status == 409:
        refused(response, "under_18", "R5.2")


@pytest.mark.parametrize("field", PRECAUTIONS)
def test_R5_3_soft_stop_refused_then_overridden_by_prescriber(
        client, make, place, scheduler, prescriber, db, field):
    course = course_for(make, patient=screened_patient(make, **{field: True}))
    violation = refused(book(client, scheduler, body(place, course)), field, "R5.3")
    assert violation["override_allowed"] is True
    assert violation["override_role"] == "prescriber"

    payload = body(place, course, override={"reason": "  Discussed with patient  "})
    response = book(client, prescriber, payload)
    assert response.status_code == 201, response.json
    [override] = response.json["overrides"]
    assert override["reason"] == "Discussed with patient"
    assert [r["code"] for r in override["rules"]] == [field]
    shown = client.get(f"{URL}/{response.json['id']}", headers=scheduler)
    assert shown.json["overrides"] == response.json["overrides"]
    assert audit_actions(db, response.json["id"]) == ["book", "override"]


def test_R5_3_override_by_scheduler_is_forbidden(client, make, place, scheduler):
    course = course_for(make, patient=screened_patient(make, psychosis_history=True))
    payload = body(place, course, override={"reason": "I think it is fine"})
    assert book(client, scheduler, payload).status_code == 403


def test_override_reason_must_not_be_blank(client, make, place, prescriber):
    payload = body(place, course_for(make), override={"reason": "   "})
    response = book(client, prescriber, payload)
    assert response.status_code == 422
    assert "override" in response.json["errors"]


def test_R5_4_warnings_come_back_with_the_201(client, make, place, scheduler):
    patient = screened_patient(make, substance_use_history=True, concomitant_medications=[
        "benzodiazepine", "opioid", "psychostimulant", "maoi"])
    response = book(client, scheduler, body(place, course_for(make, patient=patient)))
    assert response.status_code == 201, response.json
    assert sorted(w["code"] for w in response.json["warnings"]) == [
        "concomitant_cns_depressant", "concomitant_maoi", "concomitant_psychostimulant",
        "substance_use_history"]
    assert all(w["rule"] == "R5.4" for w in response.json["warnings"])


# --- R1 dosing and cadence -----------------------------------------------------------------

def test_R1_2_dose_not_allowed(client, make, place, scheduler):
    response = book(client, scheduler, body(place, course_for(make), dose=70))
    refused(response, "dose_not_allowed", "R1.2")


def test_R1_2_first_trd_dose_must_be_56_then_84_allowed(client, make, place, scheduler):
    course = course_for(make)
    refused(book(client, scheduler, body(place, course, dose=84)), "first_dose_must_be_56", "R1.2")
    assert book(client, scheduler, body(place, course, when=local(1))).status_code == 201
    assert book(client, scheduler, body(place, course, when=local(3), dose=84)).status_code == 201


def test_R1_2_escalation_requires_an_earlier_56(client, make, place, scheduler, db):
    course = course_for(make)
    now = utcnow()
    db.add(TreatmentSession(  # an 84 mg session stored before the rules existed
        course_id=course.id, patient_id=course.patient_id, site_id=place.site.id,
        chair_id=place.chairs[1].id, scheduled_start=now - timedelta(hours=3),
        scheduled_end=now - timedelta(minutes=30), local_day=START, planned_dose_mg=84,
        state="discharged", created_by=make.user("admin").id, created_at=now, updated_at=now))
    db.commit()
    response = book(client, scheduler, body(place, course, when=local(2), dose=84))
    refused(response, "escalation_requires_56", "R1.2")


def test_R1_3_mdsi_may_start_at_84(client, make, place, scheduler):
    course = course_for(make, indication="MDSI", oral_antidepressant="sertraline")
    assert book(client, scheduler, body(place, course, dose=84)).status_code == 201


def test_R1_3_mdsi_requires_an_oral_antidepressant(client, make, place, scheduler):
    course = course_for(make, indication="MDSI", oral_antidepressant=None)
    refused(book(client, scheduler, body(place, course, dose=84)),
            "mdsi_requires_oral_antidepressant", "R1.3")


def test_R1_3_mdsi_beyond_4_weeks_is_a_soft_stop(client, make, place, scheduler, prescriber):
    course = course_for(make, indication="MDSI", oral_antidepressant="sertraline",
                        start_date=START - timedelta(days=28))  # 3 March falls in week 5
    violation = refused(book(client, scheduler, body(place, course, dose=84)),
                        "mdsi_beyond_4_weeks", "R1.3")
    assert violation["override_allowed"] is True
    payload = body(place, course, dose=84, override={"reason": "partial response"})
    assert book(client, prescriber, payload).status_code == 201


def test_R1_1_before_course_start(client, make, place, scheduler):
    course = course_for(make, start_date=START + timedelta(days=5))
    refused(book(client, scheduler, body(place, course)), "before_course_start", "R1.1")


def test_R1_1_cadence_exceeded_soft_stop_overridden_stored_and_shown(
        client, make, place, scheduler, prescriber, db):
    course = course_for(make)
    for day in (1, 3):  # induction: 2 sessions in week 1
        assert book(client, scheduler, body(place, course, when=local(day))).status_code == 201
    violation = refused(book(client, scheduler, body(place, course, when=local(5))),
                        "cadence_exceeded", "R1.1")
    assert violation["override_allowed"] is True

    payload = body(place, course, when=local(5), override={"reason": "missed week, R1.7"})
    response = book(client, prescriber, payload)
    assert response.status_code == 201, response.json
    assert response.json["overrides"][0]["rules"][0]["code"] == "cadence_exceeded"
    listed = client.get(URL, query_string={"site_id": place.site.id, "date": "2026-03-07"},
                        headers=scheduler)
    assert listed.json[0]["overrides"][0]["reason"] == "missed week, R1.7"
    [stored] = sessions_of(db, id=response.json["id"])
    assert stored.overrides[0]["by_name"]


def test_R1_1_maintenance_allows_one_a_week(client, make, place, scheduler):
    course = course_for(make, start_date=START - timedelta(days=28))  # 3 March: week 5
    assert book(client, scheduler, body(place, course, when=local(1))).status_code == 201
    refused(book(client, scheduler, body(place, course, when=local(3))), "cadence_exceeded")


# --- R1.8 same day, chair capacity, course state -------------------------------------------

def test_R1_8_same_day_same_course_is_a_hard_stop(client, make, place, scheduler):
    course = course_for(make)
    assert book(client, scheduler, body(place, course, when=local(1, 9))).status_code == 201
    response = book(client, scheduler, body(place, course, chair=1, when=local(1, 15)))
    assert refused(response, "same_day_session", "R1.8")["override_allowed"] is False


def test_R1_8_same_day_counts_the_patients_other_courses(client, make, place, scheduler):
    patient = make.patient()
    first, second = course_for(make, patient=patient), course_for(make, patient=patient)
    assert book(client, scheduler, body(place, first, when=local(1, 9))).status_code == 201
    response = book(client, scheduler, body(place, second, chair=1, when=local(1, 15)))
    refused(response, "same_day_session", "R1.8")


def test_R1_8_a_cancelled_session_frees_the_day_and_the_chair(client, make, place, scheduler):
    course = course_for(make)
    first = book(client, scheduler, body(place, course))
    cancel = client.post(f"{URL}/{first.json['id']}/cancel", json={"reason": "sick"},
                         headers=scheduler)
    assert cancel.status_code == 200, cancel.json
    assert book(client, scheduler, body(place, course)).status_code == 201


def test_chair_conflict_names_the_booked_time(client, make, place, scheduler):
    first = book(client, scheduler, body(place, course_for(make), when=local(1, 10)))
    assert first.status_code == 201
    violation = refused(book(client, scheduler, body(place, course_for(make), when=local(1, 11))),
                        "chair_conflict", "capacity")
    assert "10:00-12:30" in violation["message"]
    assert violation["override_allowed"] is False


def test_chair_free_at_the_end_of_the_slot_and_on_other_chairs(client, make, place, scheduler):
    first = book(client, scheduler, body(place, course_for(make), when=local(1, 10)))
    assert first.status_code == 201
    adjacent = book(client, scheduler, body(place, course_for(make), when=local(1, 12, 30)))
    assert adjacent.status_code == 201, adjacent.json
    other_chair = book(client, scheduler, body(place, course_for(make), chair=1, when=local(1, 11)))
    assert other_chair.status_code == 201, other_chair.json


@pytest.mark.parametrize("status", ["stopped", "completed"])
def test_course_not_active(client, make, place, scheduler, status):
    response = book(client, scheduler, body(place, course_for(make, status=status)))
    refused(response, "course_not_active")


def test_every_violation_is_reported_at_once(client, make, scheduler):
    place = clinic(make, rems_certified_until=date(2026, 1, 1))
    patient = make.patient(screened=False, enrolled=False, date_of_birth=date(2010, 1, 1))
    course = course_for(make, patient=patient, status="stopped")
    response = book(client, scheduler, body(place, course, dose=70))
    assert response.status_code == 409
    assert set(codes(response)) >= {"course_not_active", "site_not_certified",
                                    "patient_not_enrolled", "under_18", "screening_missing",
                                    "dose_not_allowed"}


# --- 422 and 404 ---------------------------------------------------------------------------

@pytest.mark.parametrize("start", [
    "2026-03-03T10:00:00", "2026-03-03T10:00", "2026-03-03", "tomorrow", "",
], ids=["naive", "naive-minutes", "date-only", "text", "empty"])
def test_timestamps_without_offset_are_refused(client, make, place, scheduler, start):
    response = book(client, scheduler, body(place, course_for(make), when=start))
    assert response.status_code == 422
    assert "scheduled_start" in response.json["errors"]


def test_start_in_the_past_is_refused(client, make, place, scheduler):
    response = book(client, scheduler, body(place, course_for(make), when=local(0, 6)))
    assert response.status_code == 422
    assert "scheduled_start" in response.json["errors"]


def test_start_a_moment_ago_is_within_clock_skew(client, make, place, scheduler):
    start = (NOW - timedelta(seconds=30)).isoformat()
    assert book(client, scheduler, body(place, course_for(make), when=start)).status_code == 201


def test_chair_must_be_an_active_chair_of_the_site(client, make, place, scheduler, db):
    other = clinic(make, chairs=1)
    payload = dict(body(place, course_for(make)), chair_id=other.chairs[0].id)
    response = book(client, scheduler, payload)
    assert response.status_code == 422 and "chair_id" in response.json["errors"]
    retired = make.chair(place.site, active=False)
    response = book(client, scheduler, dict(body(place, course_for(make)), chair_id=retired.id))
    assert response.status_code == 422 and "chair_id" in response.json["errors"]


def test_missing_fields_and_unknown_course(client, place, scheduler):
    response = book(client, scheduler, {"site_id": place.site.id})
    assert response.status_code == 422
    assert {"course_id", "chair_id", "scheduled_start", "planned_dose_mg"} <= set(
        response.json["errors"])
    unknown = book(client, scheduler, dict(course_id=999, site_id=place.site.id,
                                           chair_id=place.chairs[0].id,
                                           scheduled_start=local(), planned_dose_mg=56))
    assert unknown.status_code == 404


# --- PATCH: reschedule with If-Match -------------------------------------------------------

def test_reschedule_with_if_match_then_stale_412(client, make, place, scheduler, db):
    booked = book(client, scheduler, body(place, course_for(make), when=local(1, 10)))
    url = f"{URL}/{booked.json['id']}"
    moved = client.patch(url, json={"scheduled_start": local(1, 11)},  # overlaps its own slot
                         headers={**scheduler, "If-Match": booked.headers["ETag"]})
    assert moved.status_code == 200, moved.json
    assert moved.json["scheduled_end"] == "2026-03-03T18:30:00Z"
    assert moved.json["version"] == 2 and moved.headers["ETag"] == '"2"'
    stale = client.patch(url, json={"chair_id": place.chairs[1].id},
                         headers={**scheduler, "If-Match": '"1"'})
    assert stale.status_code == 412
    assert client.get(url, headers=scheduler).headers["ETag"] == '"2"'
    assert audit_actions(db, booked.json["id"]) == ["book", "reschedule"]


def test_reschedule_reruns_the_booking_checks(client, make, place, scheduler):
    course = course_for(make)
    theirs = book(client, scheduler, body(place, course_for(make), when=local(2, 10)))
    assert theirs.status_code == 201
    mine = book(client, scheduler, body(place, course, when=local(1, 10)))
    url = f"{URL}/{mine.json['id']}"
    response = client.patch(url, json={"scheduled_start": local(2, 11), "planned_dose_mg": 84},
                            headers=scheduler)
    assert set(codes(response)) == {"chair_conflict", "first_dose_must_be_56"}
    past = client.patch(url, json={"scheduled_start": local(0, 6)}, headers=scheduler)
    assert past.status_code == 422
    other_day = client.patch(url, json={"scheduled_start": local(4, 8)}, headers=scheduler)
    assert other_day.status_code == 200 and other_day.json["local_day"] == "2026-03-06"


def test_reschedule_soft_stop_override_is_appended(client, make, place, scheduler, prescriber):
    course = course_for(make)
    for day in (1, 2):
        book(client, scheduler, body(place, course, when=local(day)))
    third = book(client, scheduler, body(place, course, when=local(8)))  # week 2
    url = f"{URL}/{third.json['id']}"
    refused(client.patch(url, json={"scheduled_start": local(4)}, headers=scheduler),
            "cadence_exceeded", "R1.1")
    moved = client.patch(url, json={"scheduled_start": local(4), "override": {"reason": "R1.7"}},
                         headers=prescriber)
    assert moved.status_code == 200, moved.json
    assert [o["reason"] for o in moved.json["overrides"]] == ["R1.7"]


def test_reschedule_only_while_scheduled(client, make, place, scheduler, db):
    booked = book(client, scheduler, body(place, course_for(make)))
    set_state(db, booked.json["id"], "arrived")
    response = client.patch(f"{URL}/{booked.json['id']}", json={"scheduled_start": local(2)},
                            headers=scheduler)
    assert response.status_code == 409
    assert "arrived" in response.json["message"]


# --- cancel and no-show --------------------------------------------------------------------

def test_cancel_with_reason_then_again_409(client, make, place, scheduler, db):
    booked = book(client, scheduler, body(place, course_for(make)))
    url = f"{URL}/{booked.json['id']}/cancel"
    assert client.post(url, json={}, headers=scheduler).status_code == 422
    assert client.post(url, json={"reason": " "}, headers=scheduler).status_code == 422
    cancelled = client.post(url, json={"reason": "patient ill"}, headers=scheduler)
    assert cancelled.status_code == 200, cancelled.json
    assert cancelled.json["state"] == "cancelled"
    assert cancelled.json["state_reason"] == "patient ill" and cancelled.json["version"] == 2
    again = client.post(url, json={"reason": "twice"}, headers=scheduler)
    assert again.status_code == 409 and "cancelled" in again.json["message"]
    assert audit_actions(db, booked.json["id"]) == ["book", "cancel"]


def test_cancel_with_stale_if_match_is_412(client, make, place, scheduler):
    booked = book(client, scheduler, body(place, course_for(make)))
    response = client.post(f"{URL}/{booked.json['id']}/cancel", json={"reason": "x"},
                           headers={**scheduler, "If-Match": '"7"'})
    assert response.status_code == 412


@pytest.mark.parametrize("state, action, status", [
    ("scheduled", "no-show", 200), ("arrived", "no-show", 200), ("checked_in", "no-show", 409),
    ("checked_in", "cancel", 200), ("dosing", "cancel", 409), ("discharged", "no-show", 409),
])
def test_state_machine_for_cancel_and_no_show(client, make, place, scheduler, db,
                                              state, action, status):
    booked = book(client, scheduler, body(place, course_for(make)))
    set_state(db, booked.json["id"], state)
    response = client.post(f"{URL}/{booked.json['id']}/{action}", json={"reason": "r"},
                           headers=scheduler)
    assert response.status_code == status, response.json
    if status == 409:
        assert state in response.json["message"]
        assert response.json["violations"][0]["code"] == "invalid_state"
    else:
        assert response.json["state"] == {"cancel": "cancelled", "no-show": "no_show"}[action]


# --- listing, front desk and roles ---------------------------------------------------------

def test_list_a_sites_day_default_today(client, make, place, scheduler, auth):
    today = book(client, scheduler, body(place, course_for(make), when=local(0, 10)))
    tomorrow = book(client, scheduler, body(place, course_for(make), when=local(1, 10)))
    listed = client.get(URL, query_string={"site_id": place.site.id}, headers=auth("nurse"))
    assert listed.status_code == 200
    assert [s["id"] for s in listed.json] == [today.json["id"]]
    assert listed.json[0]["planned_dose_mg"] == 56
    other_day = client.get(URL, query_string={"site_id": place.site.id, "date": "2026-03-03"},
                           headers=scheduler)
    assert [s["id"] for s in other_day.json] == [tomorrow.json["id"]]
    assert client.get(URL, query_string={"site_id": 999}, headers=scheduler).status_code == 404
    assert client.get(URL, headers=scheduler).status_code == 422


def test_front_desk_sees_todays_sessions_without_dose(client, make, place, scheduler, auth):
    desk = auth("front_desk")
    today = book(client, scheduler, body(place, course_for(make), when=local(0, 10)))
    tomorrow = book(client, scheduler, body(place, course_for(make), when=local(1, 10)))
    listed = client.get(URL, query_string={"site_id": place.site.id}, headers=desk)
    assert listed.status_code == 200
    [seen] = listed.json
    assert set(seen) <= set(SESSION_DESK_FIELDS)
    assert "planned_dose_mg" not in seen and "overrides" not in seen
    assert seen["patient_initials"] == "A.R."
    one = client.get(f"{URL}/{today.json['id']}", headers=desk)
    assert one.status_code == 200 and "planned_dose_mg" not in one.json
    assert client.get(f"{URL}/{tomorrow.json['id']}", headers=desk).status_code == 403
    query = {"site_id": place.site.id, "date": "2026-03-03"}
    assert client.get(URL, query_string=query, headers=desk).status_code == 403


@pytest.mark.parametrize("role, allowed", [
    ("admin", True), ("scheduler", True), ("prescriber", True),
    ("nurse", False), ("front_desk", False),
])
def test_roles_that_may_book_reschedule_cancel(client, make, place, auth, role, allowed):
    headers = auth(role)
    scheduler = auth("scheduler")
    booked = book(client, scheduler, body(place, course_for(make), when=local(1)))
    sid = booked.json["id"]
    attempts = [
        book(client, headers, body(place, course_for(make), when=local(2))),
        client.patch(f"{URL}/{sid}", json={"scheduled_start": local(1, 11)}, headers=headers),
        client.post(f"{URL}/{sid}/no-show", json={"reason": "r"}, headers=headers),
        client.post(f"{URL}/{sid}/cancel", json={"reason": "r"}, headers=headers),
    ]
    expected = [201, 200, 200, 409] if allowed else [403, 403, 403, 403]
    assert [r.status_code for r in attempts] == expected


def test_reads_need_a_token(client, place):
    assert client.get(URL, query_string={"site_id": place.site.id}).status_code == 401
    assert client.post(URL, json={}).status_code == 401


# --- Idempotency-Key -----------------------------------------------------------------------

def test_idempotent_retry_returns_the_first_response(client, make, place, scheduler, db):
    course = course_for(make)
    payload = body(place, course)
    first = book(client, scheduler, payload, **{"Idempotency-Key": "tablet-1"})
    retry = book(client, scheduler, payload, **{"Idempotency-Key": "tablet-1"})
    assert first.status_code == retry.status_code == 201
    assert retry.json == first.json and retry.headers["Idempotent-Replayed"] == "true"
    assert len(sessions_of(db, course_id=course.id)) == 1
    changed = book(client, scheduler, dict(payload, chair_id=place.chairs[1].id),
                   **{"Idempotency-Key": "tablet-1"})
    assert changed.status_code == 422


def test_idempotent_retry_of_a_refusal_replays_the_409(client, make, place, scheduler):
    payload = body(place, course_for(make), dose=70)
    first = book(client, scheduler, payload, **{"Idempotency-Key": "tablet-2"})
    retry = book(client, scheduler, payload, **{"Idempotency-Key": "tablet-2"})
    assert first.status_code == retry.status_code == 409
    assert retry.json == first.json


# --- the course plan -----------------------------------------------------------------------

def test_course_plan_counts_bookings_and_due_window_R1_1(client, make, place, scheduler, auth):
    course = course_for(make)
    for day in (1, 3):
        book(client, scheduler, body(place, course, when=local(day)))
    response = client.get(f"/api/v1/courses/{course.id}/plan", headers=auth("nurse"))
    assert response.status_code == 200, response.json
    plan = response.json
    assert plan["today"] == "2026-03-02" and plan["timezone"] == "America/New_York"
    assert plan["current_week"] == 1 and plan["current_phase"] == "induction"
    week1 = plan["weeks"][0]
    assert (week1["phase"], week1["allowed"], week1["booked"]) == ("induction", 2, 2)
    assert plan["next_due"] == {"earliest": "2026-03-09", "latest": "2026-03-09"}
    assert plan["induction_ends_on"] == "2026-03-29"
    assert client.get(f"/api/v1/courses/{course.id}/plan",
                      headers=auth("front_desk")).status_code == 403


def test_course_plan_names_the_last_session_up_to_today_R1_2(client, make, place, scheduler):
    course = course_for(make)
    plan = client.get(f"/api/v1/courses/{course.id}/plan", headers=scheduler).json
    assert plan["last_session"] is None
    today = book(client, scheduler, body(place, course, when=local(0, hour=15))).json
    book(client, scheduler, body(place, course, when=local(3), dose=84))  # later: not "last"
    plan = client.get(f"/api/v1/courses/{course.id}/plan", headers=scheduler).json
    assert plan["last_session"] == {"session_id": today["id"], "local_day": "2026-03-02",
                                    "planned_dose_mg": 56, "state": "scheduled"}


def test_course_plan_today_is_at_the_site_of_the_latest_session(client, make, scheduler):
    course = course_for(make)
    empty = client.get(f"/api/v1/courses/{course.id}/plan", headers=scheduler)
    assert empty.json["today"] == "2026-03-02"  # DEMO_TIMEZONE, New York
    far_east = clinic(make, timezone="Pacific/Kiritimati")
    book(client, scheduler, body(far_east, course, when=local(1)))
    plan = client.get(f"/api/v1/courses/{course.id}/plan", headers=scheduler).json
    assert plan["today"] == "2026-03-03" and plan["timezone"] == "Pacific/Kiritimati"
