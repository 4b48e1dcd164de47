"""Patients, their R5 screening and their REMS enrollment (R4.2)."""
from datetime import date

import pytest
from freezegun import freeze_time
from sqlmodel import select

from spravato_ops.models import Patient, RemsEnrollment, Screening

from ..readback import everything, rows

API = "/api/v1"
PATIENT = {"mrn": "MRN-7781", "first_name": "Imani", "last_name": "O'Neill",
           "date_of_birth": "1984-09-12", "sex": "female", "phone": "555-0177",
           "email": "imani@example.org", "reminder_channel": "sms"}
NEGATIVE_SCREENING = {
    "aneurysmal_vascular_disease": False, "arteriovenous_malformation": False,
    "intracerebral_hemorrhage_history": False, "hypersensitivity": False,
    "pregnant_or_breastfeeding": False, "psychosis_history": False,
    "hypertensive_encephalopathy_history": False,
}


def test_create_patient(client, auth, db):
    response = client.post(f"{API}/patients", headers=auth("scheduler"), json=PATIENT)
    assert response.status_code == 201, response.json
    body = response.json
    assert {key: body[key] for key in PATIENT} == PATIENT
    assert body["version"] == 1
    assert body["rems_enrolled"] is False and body["screening_recorded"] is False
    [stored] = rows(db, select(Patient))
    assert (stored.id, stored.mrn) == (body["id"], "MRN-7781")
    assert stored.date_of_birth == date(1984, 9, 12)


def test_reminder_channel_defaults_to_none(client, auth):
    body = {key: value for key, value in PATIENT.items() if key != "reminder_channel"}
    response = client.post(f"{API}/patients", headers=auth("admin"), json=body)
    assert response.json["reminder_channel"] == "none"


def test_duplicate_mrn_is_a_409(client, auth, make, db):
    make.patient(mrn="MRN-7781")
    headers = auth("admin")
    state = everything(db)
    response = client.post(f"{API}/patients", headers=headers, json=PATIENT)
    assert response.status_code == 409
    assert "MRN-7781" in response.json["message"]
    assert everything(db) == state


@pytest.mark.parametrize(("field", "value"), [
    ("date_of_birth", "2999-01-01"),
    ("date_of_birth", "1850-01-01"),
    ("sex", "x"),
    ("reminder_channel", "pager"),
    ("email", "imani-at-example"),
    ("mrn", ""),
    ("last_name", "x" * 101),
])
def test_create_patient_refuses_invalid_fields(client, auth, db, field, value):
    headers = auth("admin")
    state = everything(db)
    response = client.post(f"{API}/patients", headers=headers, json={**PATIENT, field: value})
    assert response.status_code == 422
    assert set(response.json["errors"]) == {field}
    assert everything(db) == state


@pytest.fixture
def roster(make):
    return {
        "okafor": make.patient(mrn="A-100", first_name="Chidi", last_name="Okafor",
                               date_of_birth=date(1975, 3, 9)),
        "okamoto": make.patient(mrn="A-200", first_name="Yuki", last_name="Okamoto"),
        "brook": make.patient(mrn="B-300", first_name="Okey", last_name="Brook"),
        "percent": make.patient(mrn="C-400", first_name="Per", last_name="Cent_100%"),
    }


@pytest.mark.parametrize(("q", "expected"), [
    ("A-100", ["okafor"]),
    ("a-200", ["okamoto"]),  # MRN, any case
    ("oka", ["okafor", "okamoto"]),  # part of a last name
    ("OKA", ["okafor", "okamoto"]),
    ("ok", ["brook", "okafor", "okamoto"]),  # first or last name
    ("yuki", ["okamoto"]),  # first name
    ("chidi okafor", ["okafor"]),  # full name
    ("nobody", []),
    ("%", ["percent"]),  # typed wildcards are letters
    ("_", ["percent"]),
    ("1975-03-09", ["okafor"]),  # date of birth as typed at the desk
    ("03/09/1975", ["okafor"]),
    ("09.03.1975", ["okafor"]),
    ("1975-13-09", []),
])
def test_search_by_mrn_or_part_of_a_name(client, auth, roster, q, expected):
    response = client.get(f"{API}/patients", headers=auth("nurse"), query_string={"q": q})
    assert response.status_code == 200
    ids = {roster[name].id: name for name in roster}
    assert sorted(ids[p["id"]] for p in response.json) == expected


def test_search_without_q_pages_through_everyone(client, auth, roster):
    headers = auth("admin")
    first = client.get(f"{API}/patients", headers=headers, query_string={"limit": 3}).json
    rest = client.get(f"{API}/patients", headers=headers,
                      query_string={"limit": 3, "offset": 3}).json
    assert len(first) == 3 and len(rest) == 1
    assert {p["id"] for p in first + rest} == {p.id for p in roster.values()}


def test_patch_patient_with_if_match(client, auth, make, db):
    patient = make.patient(phone="555-0100", last_name="Lee")
    headers = auth("prescriber")
    read = client.get(f"{API}/patients/{patient.id}", headers=headers)
    assert read.headers["ETag"] == '"1"'
    response = client.patch(f"{API}/patients/{patient.id}",
                            headers={**headers, "If-Match": read.headers["ETag"]},
                            json={"phone": "555-0199"})
    assert response.status_code == 200, response.json
    assert response.json["phone"] == "555-0199"
    assert response.json["last_name"] == "Lee"
    assert response.json["version"] == 2
    assert response.headers["ETag"] == '"2"'
    stale = client.patch(f"{API}/patients/{patient.id}",
                         headers={**headers, "If-Match": read.headers["ETag"]},
                         json={"phone": "555-0000"})
    assert stale.status_code == 412
    [stored] = rows(db, select(Patient))
    assert (stored.phone, stored.version) == ("555-0199", 2)


def test_patch_to_another_patients_mrn_is_a_409(client, auth, make, db):
    make.patient(mrn="TAKEN")
    patient = make.patient(mrn="MINE")
    headers = auth("admin")
    state = everything(db)
    response = client.patch(f"{API}/patients/{patient.id}", headers=headers, json={"mrn": "TAKEN"})
    assert response.status_code == 409
    assert everything(db) == state
    same = client.patch(f"{API}/patients/{patient.id}", headers=headers, json={"mrn": "MINE"})
    assert same.status_code == 200 and same.json["version"] == 1


def test_screening_with_a_contraindication_is_not_eligible(client, auth, make, db):
    patient = make.patient(screened=False)
    prescriber = make.user("prescriber")
    response = client.put(f"{API}/patients/{patient.id}/screening",
                          headers=make.auth_headers(user=prescriber),
                          json={**NEGATIVE_SCREENING, "arteriovenous_malformation": True})
    assert response.status_code == 200, response.json
    body = response.json
    assert body["eligible"] is False  # R5.1
    assert body["arteriovenous_malformation"] is True
    assert body["recorded_by"] == prescriber.id
    [stored] = rows(db, select(Screening))
    assert stored.patient_id == patient.id and stored.arteriovenous_malformation is True


@pytest.mark.parametrize("field", [
    "aneurysmal_vascular_disease", "arteriovenous_malformation",
    "intracerebral_hemorrhage_history", "hypersensitivity",
])
def test_each_r5_1_contraindication_makes_the_patient_ineligible(client, auth, make, field):
    patient = make.patient(screened=False)
    response = client.put(f"{API}/patients/{patient.id}/screening", headers=auth("admin"),
                          json={**NEGATIVE_SCREENING, field: True})
    assert response.json["eligible"] is False


def test_screening_lists_r5_4_warnings(client, auth, make):
    patient = make.patient(screened=False)
    response = client.put(f"{API}/patients/{patient.id}/screening", headers=auth("prescriber"),
                          json={**NEGATIVE_SCREENING, "substance_use_history": True,
                                "concomitant_medications": ["benzodiazepine", "opioid",
                                                            "psychostimulant", "maoi"]})
    body = response.json
    assert body["eligible"] is True
    assert {w["rule"] for w in body["warnings"]} == {"R5.4"}
    assert {w["code"] for w in body["warnings"]} == {
        "concomitant_cns_depressant", "concomitant_psychostimulant", "concomitant_maoi",
        "substance_use_history"}
    assert all(w["message"] for w in body["warnings"])


def test_negative_screening_is_eligible_without_warnings(client, auth, make):
    patient = make.patient(screened=False)
    headers = auth("prescriber")
    response = client.put(f"{API}/patients/{patient.id}/screening", headers=headers,
                          json=NEGATIVE_SCREENING)
    assert response.json["eligible"] is True and response.json["warnings"] == []
    read = client.get(f"{API}/patients/{patient.id}/screening", headers=auth("nurse"))
    assert read.status_code == 200 and read.json["eligible"] is True
    assert client.get(f"{API}/patients/{patient.id}", headers=headers).json["screening_recorded"]


def test_screening_replaces_the_previous_answers(client, auth, make, db):
    patient = make.patient(screened=False)
    headers = auth("prescriber")
    client.put(f"{API}/patients/{patient.id}/screening", headers=headers,
               json={**NEGATIVE_SCREENING, "hypersensitivity": True})
    again = client.put(f"{API}/patients/{patient.id}/screening", headers=headers,
                       json=NEGATIVE_SCREENING)
    assert again.json["eligible"] is True
    [stored] = rows(db, select(Screening))
    assert stored.hypersensitivity is False


def test_screening_needs_every_answer(client, auth, make, db):
    patient = make.patient(screened=False)
    headers = auth("prescriber")
    state = everything(db)
    partial = {k: v for k, v in NEGATIVE_SCREENING.items() if k != "hypersensitivity"}
    response = client.put(f"{API}/patients/{patient.id}/screening", headers=headers, json=partial)
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"hypersensitivity"}
    unknown_drug = client.put(f"{API}/patients/{patient.id}/screening", headers=headers,
                              json={**NEGATIVE_SCREENING, "concomitant_medications": ["aspirin"]})
    assert unknown_drug.status_code == 422
    assert everything(db) == state


def test_scheduler_cannot_record_screening(client, auth, make, db):
    patient = make.patient(screened=False)
    headers = auth("scheduler")
    state = everything(db)
    response = client.put(f"{API}/patients/{patient.id}/screening", headers=headers,
                          json=NEGATIVE_SCREENING)
    assert response.status_code == 403
    assert everything(db) == state


def test_screening_of_an_unscreened_patient_is_404(client, auth, make):
    patient = make.patient(screened=False)
    assert client.get(f"{API}/patients/{patient.id}/screening",
                      headers=auth("nurse")).status_code == 404


def test_enrollment(client, auth, make, db):
    patient = make.patient(enrolled=False)
    scheduler = make.user("scheduler")
    headers = make.auth_headers(user=scheduler)
    response = client.put(f"{API}/patients/{patient.id}/rems-enrollment", headers=headers,
                          json={"rems_patient_id": "RP-555", "enrolled_on": "2025-02-03"})
    assert response.status_code == 200, response.json
    assert response.json["rems_patient_id"] == "RP-555"
    assert response.json["enrolled_on"] == "2025-02-03"
    assert response.json["recorded_by"] == scheduler.id
    assert client.get(f"{API}/patients/{patient.id}", headers=headers).json["rems_enrolled"] is True
    read = client.get(f"{API}/patients/{patient.id}/rems-enrollment", headers=auth("nurse"))
    assert read.json["rems_patient_id"] == "RP-555"
    # A second PUT replaces the first.
    client.put(f"{API}/patients/{patient.id}/rems-enrollment", headers=headers,
               json={"rems_patient_id": "RP-556", "enrolled_on": "2025-02-04"})
    [stored] = rows(db, select(RemsEnrollment))
    assert (stored.rems_patient_id, stored.enrolled_on) == ("RP-556", date(2025, 2, 4))


def test_enrollment_refuses_invalid_fields(client, auth, make, db):
    patient = make.patient(enrolled=False)
    headers = auth("admin")
    state = everything(db)
    response = client.put(f"{API}/patients/{patient.id}/rems-enrollment", headers=headers,
                          json={"rems_patient_id": " ", "enrolled_on": "yesterday"})
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"rems_patient_id", "enrolled_on"}
    assert everything(db) == state


def test_unknown_patient_is_404_everywhere(client, auth):
    headers = auth("admin")
    assert client.get(f"{API}/patients/4242", headers=headers).status_code == 404
    assert client.patch(f"{API}/patients/4242", headers=headers,
                        json={"phone": "1"}).status_code == 404
    assert client.put(f"{API}/patients/4242/screening", headers=headers,
                      json=NEGATIVE_SCREENING).status_code == 404
    assert client.put(f"{API}/patients/4242/rems-enrollment", headers=headers,
                      json={"rems_patient_id": "R", "enrolled_on": "2025-01-01"}).status_code == 404


@pytest.mark.parametrize("value", ["no", "off", "true", "false", 0, 1, None])
def test_screening_answers_are_json_booleans(client, auth, make, db, value):
    patient = make.patient(screened=False)
    headers = auth("prescriber")
    state = everything(db)
    answers = {name: value for name in [*NEGATIVE_SCREENING, "substance_use_history"]}
    response = client.put(f"{API}/patients/{patient.id}/screening", headers=headers, json=answers)
    assert response.status_code == 422
    assert set(response.json["errors"]) == set(answers)
    assert everything(db) == state


def test_a_screening_without_substance_use_history_records_none(client, auth, make, db):
    patient = make.patient(screened=False)
    headers = auth("prescriber")
    client.put(f"{API}/patients/{patient.id}/screening", headers=headers,
               json={**NEGATIVE_SCREENING, "substance_use_history": True})
    again = client.put(f"{API}/patients/{patient.id}/screening", headers=headers,
                       json=NEGATIVE_SCREENING)
    assert again.json["substance_use_history"] is False and again.json["warnings"] == []
    [stored] = rows(db, select(Screening))
    assert stored.substance_use_history is False


BIRTH_DATE_RANGE = ["Must be between 1900-01-01 and today."]


@pytest.mark.parametrize(("date_of_birth", "status"), [
    ("1900-01-01", 201), ("2026-03-02", 201),
    ("1899-12-31", 422), ("2026-03-03", 422), ("9999-12-31", 422), ("0001-01-01", 422),
])
def test_date_of_birth_is_from_1900_to_today(client, make, date_of_birth, status):
    with freeze_time("2026-03-02 23:00:00"):
        response = client.post(f"{API}/patients", headers=make.auth_headers("admin"),
                               json={**PATIENT, "date_of_birth": date_of_birth})
    assert response.status_code == status, response.json
    if status == 422:
        assert response.json["errors"] == {"date_of_birth": BIRTH_DATE_RANGE}


ENROLLMENT_RANGE = ["Must be between 2019-01-01 and today (the REMS began in 2019)."]


@pytest.mark.parametrize(("enrolled_on", "status"), [
    ("2019-01-01", 200), ("2026-03-02", 200),
    ("2018-12-31", 422), ("2026-03-03", 422), ("9999-12-31", 422), ("0001-01-01", 422),
])
def test_enrolled_on_is_from_the_start_of_the_rems_to_today(client, make, db, enrolled_on,
                                                            status):
    patient = make.patient(enrolled=False)
    with freeze_time("2026-03-02 23:00:00"):
        headers = make.auth_headers("scheduler")
        state = everything(db)
        response = client.put(f"{API}/patients/{patient.id}/rems-enrollment", headers=headers,
                              json={"rems_patient_id": "RP-1", "enrolled_on": enrolled_on})
    assert response.status_code == status, response.json
    if status == 422:
        assert response.json["errors"] == {"enrolled_on": ENROLLMENT_RANGE}
        assert everything(db) == state


def test_today_is_read_on_each_request(client, make):
    patient = make.patient(enrolled=False)
    body = {"rems_patient_id": "RP-1", "enrolled_on": "2026-03-03"}
    url = f"{API}/patients/{patient.id}/rems-enrollment"
    with freeze_time("2026-03-02 20:00:00") as frozen:
        headers = make.auth_headers("admin")
        assert client.put(url, headers=headers, json=body).status_code == 422
        frozen.move_to("2026-03-03 00:00:01")
        assert client.put(url, headers=headers, json=body).status_code == 200
