"""The audit trail: every write leaves who, what, before and after; nothing else; append-only."""
from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from spravato_ops.db import get_engine
from spravato_ops.models import AuditEvent

from .factories import PASSWORD
from .readback import count, rows

API = "/api/v1"
SCREENING = {"aneurysmal_vascular_disease": False, "arteriovenous_malformation": False,
             "intracerebral_hemorrhage_history": False, "hypersensitivity": False,
             "pregnant_or_breastfeeding": False, "psychosis_history": False,
             "hypertensive_encephalopathy_history": False}


# Each write: (method, path, body) built from the factories, and what its audit row says:
# (action, entity, id of the entity from the response or the arranged records, before?).
def _create_site(make):
    body = {"name": "Lakeside", "timezone": "America/Denver", "setting_type": "inpatient"}
    return ("POST", "/sites", body), ("create", "site", "id", False)


def _patch_site(make):
    site = make.site()
    return ("PATCH", f"/sites/{site.id}", {"name": "Renamed"}), ("update", "site", site.id, True)


def _add_chair(make):
    site = make.site()
    return (("POST", f"/sites/{site.id}/chairs", {"label": "Bay 1"}),
            ("create", "chair", "id", False))


def _put_policy(make):
    site = make.site()
    return (("PUT", f"/sites/{site.id}/policy", {"spo2_min": 90}),
            ("update", "site_policy", site.id, True))


def _create_user(make):
    body = {"email": "new@example.org", "name": "New", "role": "nurse",
            "password": "violet harbour lantern"}
    return ("POST", "/users", body), ("create", "user", "id", False)


def _create_patient(make):
    body = {"mrn": "AU-1", "first_name": "Ola", "last_name": "Nordmann",
            "date_of_birth": "1970-01-01", "sex": "male"}
    return ("POST", "/patients", body), ("create", "patient", "id", False)


def _patch_patient(make):
    patient = make.patient()
    return (("PATCH", f"/patients/{patient.id}", {"phone": "555-0111"}),
            ("update", "patient", patient.id, True))


def _record_screening(make):
    patient = make.patient(screened=False)
    return (("PUT", f"/patients/{patient.id}/screening", SCREENING),
            ("record_screening", "patient", patient.id, False))


def _record_enrollment(make):
    patient = make.patient(enrolled=False)
    return (("PUT", f"/patients/{patient.id}/rems-enrollment",
             {"rems_patient_id": "RP-1", "enrolled_on": "2025-01-01"}),
            ("record_enrollment", "patient", patient.id, False))


def _create_course(make):
    patient, prescriber = make.patient(), make.user("prescriber")
    return (("POST", f"/patients/{patient.id}/courses",
             {"indication": "TRD", "start_date": date.today().isoformat(),
              "prescriber_id": prescriber.id}),
            ("create", "course", "id", False))


def _patch_course(make):
    course = make.course()
    return (("PATCH", f"/courses/{course.id}", {"continuation_interval_weeks": 2}),
            ("update", "course", course.id, True))


WRITES = [_create_site, _patch_site, _add_chair, _put_policy, _create_user, _create_patient,
          _patch_patient, _record_screening, _record_enrollment, _create_course, _patch_course]


@pytest.mark.parametrize("arrange", WRITES, ids=[w.__name__.lstrip("_") for w in WRITES])
def test_every_successful_write_is_audited(client, make, db, arrange):
    (method, path, body), (action, entity, entity_id, has_before) = arrange(make)
    admin = make.user("admin")
    headers = {**make.auth_headers(user=admin), "X-Request-ID": f"req-{arrange.__name__}"}
    already = count(db, AuditEvent)
    response = client.open(API + path, method=method, headers=headers, json=body)
    assert response.status_code in (200, 201), response.json
    [event] = rows(db, select(AuditEvent).where(AuditEvent.id > already))
    assert (event.actor_id, event.actor_email) == (admin.id, admin.email)
    assert (event.action, event.entity) == (action, entity)
    expected_id = response.json["id"] if entity_id == "id" else entity_id
    assert event.entity_id == str(expected_id)
    assert event.request_id == response.headers["X-Request-ID"] == f"req-{arrange.__name__}"
    assert event.at is not None and event.at.utcoffset().total_seconds() == 0
    assert event.after, "the audit keeps the state after the write"
    assert (event.before is not None) == has_before
    for field, value in body.items():
        if field in event.after and field != "password":
            assert event.after[field] == value, field
    assert "password_hash" not in event.after and "password" not in event.after


def test_an_update_audit_shows_before_and_after(client, make, db, auth):
    patient = make.patient(phone="555-0100")
    client.patch(f"{API}/patients/{patient.id}", headers=auth("admin"), json={"phone": "555-0199"})
    [event] = rows(db, select(AuditEvent).where(AuditEvent.action == "update"))
    assert (event.before["phone"], event.after["phone"]) == ("555-0100", "555-0199")
    assert (event.before["version"], event.after["version"]) == (1, 2)


def test_the_request_id_is_generated_when_none_is_given(client, make, db, auth):
    response = client.post(f"{API}/sites", headers=auth("admin"), json={
        "name": "Generated", "timezone": "UTC", "setting_type": "outpatient"})
    [event] = rows(db, select(AuditEvent).where(AuditEvent.entity == "site"))
    assert event.request_id == response.headers["X-Request-ID"]
    assert len(event.request_id) == 32


def test_sign_in_and_sign_out_are_audited(client, make, db):
    user = make.user("nurse")
    token = client.post(f"{API}/auth/tokens",
                        json={"email": user.email, "password": PASSWORD}).json["token"]
    client.delete(f"{API}/auth/tokens/current", headers={"Authorization": f"Bearer {token}"})
    events = rows(db, select(AuditEvent).order_by(AuditEvent.id))
    assert [(e.action, e.actor_id) for e in events] == [
        ("token_issued", user.id), ("token_revoked", user.id)]
    assert token not in str([(e.before, e.after) for e in events])


def _failing_writes(make):
    site, patient = make.site(), make.patient(mrn="TAKEN")
    prescriber = make.user("prescriber")
    return [
        ("POST", "/sites", {"name": "X", "timezone": "Nowhere", "setting_type": "outpatient"}, 422),
        ("PATCH", f"/sites/{site.id}", {"setting_type": "mobile"}, 422),
        ("PATCH", f"/sites/{site.id}", {"name": "Stale"}, 412),
        ("PUT", f"/sites/{site.id}/policy", {"spo2_min": 50}, 422),
        ("POST", "/patients", {"mrn": "TAKEN", "first_name": "A", "last_name": "B",
                               "date_of_birth": "1990-01-01", "sex": "male"}, 409),
        ("PATCH", f"/patients/{patient.id}", {"phone": "1"}, 412),
        ("POST", f"/patients/{patient.id}/courses",
         {"indication": "MDSI", "start_date": date.today().isoformat(),
          "prescriber_id": prescriber.id}, 409),
        ("POST", f"/patients/{patient.id}/courses",
         {"indication": "TRD", "start_date": date.today().isoformat(),
          "prescriber_id": site.id + 999}, 422),
        ("POST", "/users", {"email": prescriber.email, "name": "Dup", "role": "nurse",
                            "password": "violet harbour lantern"}, 409),
    ]


def test_failed_writes_leave_no_audit(client, make, db):
    writes = _failing_writes(make)
    headers = {**make.auth_headers("admin"), "If-Match": '"9"'}
    for method, path, body, status in writes:
        sent = headers if status == 412 else {k: v for k, v in headers.items() if k != "If-Match"}
        response = client.open(API + path, method=method, headers=sent, json=body)
        assert response.status_code == status, (path, response.json)
    assert count(db, AuditEvent) == 0


def test_audit_rows_cannot_be_changed_or_deleted(app, client, auth, db):
    client.post(f"{API}/sites", headers=auth("admin"), json={
        "name": "Kept", "timezone": "UTC", "setting_type": "outpatient"})
    [event] = rows(db, select(AuditEvent))
    engine = get_engine(app)
    for statement in ("UPDATE audit_events SET action = 'forged'",
                      "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError, match="append-only"):
            with engine.begin() as connection:
                connection.execute(text(statement))
    [still] = rows(db, select(AuditEvent))
    assert (still.id, still.action) == (event.id, "create")


def test_admins_read_the_audit_of_one_record(client, make, auth):
    first, second = make.patient(), make.patient()
    headers = auth("admin")
    client.patch(f"{API}/patients/{first.id}", headers=headers, json={"phone": "1"})
    client.patch(f"{API}/patients/{first.id}", headers=headers, json={"phone": "2"})
    client.patch(f"{API}/patients/{second.id}", headers=headers, json={"phone": "3"})
    response = client.get(f"{API}/audit", headers=headers,
                          query_string={"entity": "patient", "entity_id": first.id})
    assert response.status_code == 200
    assert [e["after"]["phone"] for e in response.json] == ["2", "1"]  # newest first
    assert all(e["entity_id"] == str(first.id) and e["at"].endswith("Z") for e in response.json)
    assert response.json[0]["before"]["phone"] == "1"
    limited = client.get(f"{API}/audit", headers=headers, query_string={"limit": 1})
    assert len(limited.json) == 1
    assert client.get(f"{API}/audit", headers=auth("prescriber")).status_code == 403
