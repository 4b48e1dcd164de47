"""Treatment courses: TRD and MDSI (R1.3, R1.4), prescriber and continuation interval."""
from datetime import date, timedelta

import pytest
from freezegun import freeze_time
from sqlmodel import select

from spravato_ops.models import TreatmentCourse

from ..readback import everything, rows

API = "/api/v1"


def recent_monday():
    """A start date a few weeks back: inside the 5 years around today whenever the tests run."""
    today = date.today()
    return today - timedelta(days=today.weekday() + 21)


@pytest.fixture
def prescriber(make):
    return make.user("prescriber")


def course_body(prescriber, **fields):
    return {"indication": "TRD", "start_date": recent_monday().isoformat(),
            "prescriber_id": prescriber.id, **fields}


def test_create_trd_course_without_oral_antidepressant(client, auth, make, prescriber, db):
    patient = make.patient()
    response = client.post(f"{API}/patients/{patient.id}/courses", headers=auth("scheduler"),
                           json=course_body(prescriber))
    assert response.status_code == 201, response.json
    body = response.json
    assert body["indication"] == "TRD"  # R1.4: monotherapy allowed
    assert body["oral_antidepressant"] is None
    assert body["continuation_interval_weeks"] == 1
    assert (body["patient_id"], body["prescriber_id"]) == (patient.id, prescriber.id)
    assert body["status"] == "active" and body["version"] == 1
    [stored] = rows(db, select(TreatmentCourse))
    assert (stored.id, stored.start_date) == (body["id"], recent_monday())
    read = client.get(f"{API}/courses/{body['id']}", headers=auth("nurse"))
    assert read.status_code == 200 and read.headers["ETag"] == '"1"'
    listed = client.get(f"{API}/patients/{patient.id}/courses", headers=auth("nurse"))
    assert [c["id"] for c in listed.json] == [body["id"]]


@pytest.mark.parametrize("oral_antidepressant", [None, "", "   "])
def test_mdsi_without_oral_antidepressant_is_a_hard_stop(client, auth, make, prescriber, db,
                                                         oral_antidepressant):
    patient = make.patient()
    headers = auth("prescriber")
    state = everything(db)
    body = course_body(prescriber, indication="MDSI")
    if oral_antidepressant is not None:
        body["oral_antidepressant"] = oral_antidepressant
    response = client.post(f"{API}/patients/{patient.id}/courses", headers=headers, json=body)
    assert response.status_code == 409
    [violation] = response.json["violations"]
    assert violation["rule"] == "R1.3"
    assert violation["code"] == "mdsi_requires_oral_antidepressant"
    assert violation["override_allowed"] is False
    assert everything(db) == state


def test_mdsi_with_oral_antidepressant(client, auth, make, prescriber):
    patient = make.patient()
    response = client.post(f"{API}/patients/{patient.id}/courses", headers=auth("admin"),
                           json=course_body(prescriber, indication="MDSI",
                                            oral_antidepressant="sertraline 100 mg"))
    assert response.status_code == 201
    assert response.json["oral_antidepressant"] == "sertraline 100 mg"


@pytest.mark.parametrize("role", ["nurse", "scheduler", "admin", "front_desk"])
def test_prescriber_id_must_be_a_prescriber(client, auth, make, db, role):
    patient = make.patient()
    not_a_prescriber = make.user(role)
    headers = auth("admin")
    state = everything(db)
    response = client.post(f"{API}/patients/{patient.id}/courses", headers=headers,
                           json=course_body(not_a_prescriber))
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"prescriber_id"}
    assert everything(db) == state


def test_prescriber_id_must_be_an_active_user(client, auth, make, db):
    patient = make.patient()
    retired = make.user("prescriber", active=False)
    headers = auth("admin")
    for prescriber_id in (retired.id, 4242):
        response = client.post(f"{API}/patients/{patient.id}/courses", headers=headers,
                               json={"indication": "TRD",
                                     "start_date": recent_monday().isoformat(),
                                     "prescriber_id": prescriber_id})
        assert response.status_code == 422
        assert set(response.json["errors"]) == {"prescriber_id"}


@pytest.mark.parametrize(("weeks", "status"), [(1, 201), (2, 201), (0, 422), (3, 422), (4, 422),
                                               ("2", 422), (1.5, 422)])
def test_continuation_interval_is_one_or_two_weeks(client, auth, make, prescriber, weeks, status):
    patient = make.patient()
    response = client.post(f"{API}/patients/{patient.id}/courses", headers=auth("admin"),
                           json=course_body(prescriber, continuation_interval_weeks=weeks))
    assert response.status_code == status
    if status == 201:
        assert response.json["continuation_interval_weeks"] == weeks
    else:
        assert set(response.json["errors"]) == {"continuation_interval_weeks"}


@pytest.mark.parametrize(("field", "value"), [
    ("indication", "OCD"), ("start_date", "03/03/2025"), ("prescriber_id", "12"),
])
def test_create_course_refuses_invalid_fields(client, auth, make, prescriber, field, value):
    patient = make.patient()
    response = client.post(f"{API}/patients/{patient.id}/courses", headers=auth("admin"),
                           json=course_body(prescriber, **{field: value}))
    assert response.status_code == 422
    assert set(response.json["errors"]) == {field}


START_DATE_RANGE = ["Must be within 5 years of today: between 2021-03-02 and 2031-03-02."]


@pytest.mark.parametrize(("start_date", "status"), [
    ("2021-03-02", 201), ("2026-03-02", 201), ("2031-03-02", 201),
    ("2021-03-01", 422), ("2031-03-03", 422), ("9999-12-25", 422), ("0001-01-01", 422),
])
def test_start_date_is_within_5_years_of_today(client, make, prescriber, db, start_date, status):
    patient = make.patient()
    with freeze_time("2026-03-02 23:00:00"):
        headers = make.auth_headers("admin")
        state = everything(db)
        response = client.post(f"{API}/patients/{patient.id}/courses", headers=headers,
                               json=course_body(prescriber, start_date=start_date))
    assert response.status_code == status, response.json
    if status == 422:
        assert response.json["errors"] == {"start_date": START_DATE_RANGE}
        assert everything(db) == state


def test_start_date_bounds_on_a_leap_day_end_on_the_28th_of_february(client, make, prescriber):
    patient = make.patient()
    with freeze_time("2028-02-29 12:00:00"):
        headers = make.auth_headers("admin")

        def status(start_date):
            return client.post(f"{API}/patients/{patient.id}/courses", headers=headers,
                               json=course_body(prescriber, start_date=start_date)).status_code

        assert [status(d) for d in ("2023-02-27", "2023-02-28", "2033-02-28", "2033-03-01")] \
            == [422, 201, 201, 422]


def test_course_for_an_unknown_patient_is_404(client, auth, prescriber):
    response = client.post(f"{API}/patients/4242/courses", headers=auth("admin"),
                           json=course_body(prescriber))
    assert response.status_code == 404


def test_patch_course(client, auth, make, db):
    course = make.course(indication="MDSI", oral_antidepressant="escitalopram")
    headers = auth("prescriber")
    response = client.patch(f"{API}/courses/{course.id}", headers={**headers, "If-Match": '"1"'},
                            json={"continuation_interval_weeks": 2,
                                  "oral_antidepressant": "sertraline"})
    assert response.status_code == 200, response.json
    assert response.json["continuation_interval_weeks"] == 2
    assert response.json["version"] == 2 and response.headers["ETag"] == '"2"'
    stale = client.patch(f"{API}/courses/{course.id}", headers={**headers, "If-Match": '"1"'},
                         json={"status": "stopped"})
    assert stale.status_code == 412


def test_mdsi_course_keeps_its_oral_antidepressant(client, auth, make, db):
    course = make.course(indication="MDSI", oral_antidepressant="escitalopram")
    headers = auth("prescriber")
    state = everything(db)
    response = client.patch(f"{API}/courses/{course.id}", headers=headers,
                            json={"oral_antidepressant": None})
    assert response.status_code == 409
    assert response.json["violations"][0]["rule"] == "R1.3"
    assert everything(db) == state


def test_a_second_active_course_is_started_with_an_r1_1_warning(client, make, prescriber):
    """R1.1's weekly limits are a course's: a second active course for one patient is named
    when it starts (and when a course is made active again beside another)."""
    patient = make.patient()
    headers = make.auth_headers("prescriber")
    url = f"{API}/patients/{patient.id}/courses"
    first = client.post(url, headers=headers, json=course_body(prescriber))
    assert first.status_code == 201 and first.json["warnings"] == []
    second = client.post(url, headers=headers, json=course_body(prescriber))
    assert second.status_code == 201
    [warning] = second.json["warnings"]
    assert (warning["rule"], warning["code"]) == ("R1.1", "another_course_active")
    assert f"course {first.json['id']} is active too" in warning["message"]
    stopped = client.patch(f"{API}/courses/{first.json['id']}", headers=headers,
                           json={"status": "stopped"})
    assert stopped.status_code == 200 and stopped.json["warnings"] == []
    again = client.patch(f"{API}/courses/{first.json['id']}", headers=headers,
                         json={"status": "active"})
    assert again.status_code == 200
    assert [w["code"] for w in again.json["warnings"]] == ["another_course_active"]
    assert "warnings" not in client.get(f"{API}/courses/{first.json['id']}",
                                        headers=headers).json
