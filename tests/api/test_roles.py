"""The role matrix, walked over every API route: 401 without a token, 403 outside the matrix."""
import re

import pytest
from sqlmodel import SQLModel, select

from spravato_ops import create_app
from spravato_ops.auth import API_PREFIX, operation_name
from spravato_ops.domain.enums import Role
from spravato_ops.models import AuditEvent
from spravato_ops.permissions import MATRIX, PUBLIC

from ..readback import count, rows

ROLES = tuple(role.value for role in Role)
MISSING_ID = 999999  # no record has it: allowed roles get 404/422 and nothing is written
DOCUMENTATION = (f"{API_PREFIX}/openapi.json", f"{API_PREFIX}/docs")
# Rows the sweep itself creates (users, their tokens, the audit of a revoked token or a read).
# Tables a sweep of every route may write: the users and tokens it makes, the audit, and the
# access revision (its one row, moved by revoking a token).
SWEEP_TABLES = {"users", "user_sites", "api_tokens", "audit_events", "access_revision"}


def _api_routes():
    """(method, rule) for every API route of a freshly built application, OPTIONS aside."""
    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://", "SECRET_KEY": "roles"})
    routes = sorted(
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(API_PREFIX + "/") and not rule.rule.startswith(DOCUMENTATION)
        for method in rule.methods - {"OPTIONS"}
    )
    assert routes, "no API route found"
    return routes


ROUTES = _api_routes()


def _operation(method, rule):
    """HEAD runs the GET view, so it is governed by the GET entry of the matrix."""
    return operation_name("GET" if method == "HEAD" else method, rule)


def _call(client, method, rule, headers=None):
    path = re.sub(r"<[^>]+>", str(MISSING_ID), rule)
    body = {} if method in ("POST", "PUT", "PATCH") else None
    response = client.open(path, method=method, headers=headers or {}, json=body)
    response.close()  # an event stream must not be read to its end
    return response


@pytest.mark.parametrize(("method", "rule"), ROUTES, ids=[f"{m} {r}" for m, r in ROUTES])
def test_every_api_operation_is_placed_in_the_matrix(method, rule):
    operation = _operation(method, rule)
    assert operation in MATRIX or operation in PUBLIC, f"{operation} is missing from MATRIX"


def test_the_matrix_names_only_known_roles():
    for operation, roles in MATRIX.items():
        assert roles, f"{operation} allows nobody"
        assert set(roles) <= set(ROLES), operation


@pytest.mark.parametrize(("method", "rule"), ROUTES, ids=[f"{m} {r}" for m, r in ROUTES])
def test_roles_are_enforced(client, make, db, method, rule):
    operation = _operation(method, rule)
    if operation in PUBLIC:
        assert _call(client, method, rule).status_code not in (401, 403)
        return
    anonymous = _call(client, method, rule)
    assert anonymous.status_code == 401, operation
    assert anonymous.headers["WWW-Authenticate"].lower().startswith("bearer")
    assert _call(client, method, rule, {"Authorization": "Bearer not-a-token"}).status_code == 401
    assert _call(client, method, rule, {"Authorization": "Basic YTpi"}).status_code == 401

    allowed = MATRIX[operation]
    for role in ROLES:
        status = _call(client, method, rule, make.auth_headers(role)).status_code
        if role in allowed:
            assert status not in (401, 403, 500), f"{role} {operation} -> {status}"
        else:
            assert status == 403, f"{role} {operation} -> {status}"
    _assert_nothing_written(db)


def _assert_nothing_written(db):
    for table in SQLModel.metadata.sorted_tables:
        if table.name not in SWEEP_TABLES:
            assert count(db, table) == 0, table.name
    actions = set(rows(db, select(AuditEvent.action)))
    # A read of a clinical record that a role may see is audited (read_audit.py): only that.
    assert actions <= {"token_revoked", "read"}, actions


def test_options_is_answered_without_a_token_and_without_running_the_view(client):
    response = client.options(f"{API_PREFIX}/patients/{MISSING_ID}")
    assert response.status_code == 200
    assert {"GET", "PATCH"} <= set(response.headers["Allow"].split(", "))
    assert response.data == b""


def test_head_needs_a_token_like_get(client, make, auth):
    patient = make.patient()
    assert client.head(f"{API_PREFIX}/patients/{patient.id}").status_code == 401
    assert client.head(f"{API_PREFIX}/sites").status_code == 401
    assert client.head(f"{API_PREFIX}/audit", headers=auth("nurse")).status_code == 403
    allowed = client.head(f"{API_PREFIX}/patients/{patient.id}", headers=auth("nurse"))
    assert allowed.status_code == 200


def test_documentation_is_open(client):
    assert client.get(f"{API_PREFIX}/openapi.json").status_code == 200
    assert client.get(f"{API_PREFIX}/docs").status_code == 200


# API.md "Roles", rows for the foundation resources. Writes: admin (users, sites, chairs,
# policy); admin, scheduler, prescriber (patients, enrollment, courses) but screening
# results only admin and prescriber; nurse reads; front desk name and contact only.
EVERYONE = set(ROLES)
STAFF = EVERYONE - {"front_desk"}
PATIENT_WRITERS = {"admin", "scheduler", "prescriber"}
API_MD_FOUNDATION = {
    "DELETE /auth/tokens/current": EVERYONE,
    "POST /sites": {"admin"},
    "GET /sites": EVERYONE,
    "GET /sites/{}": EVERYONE,
    "PATCH /sites/{}": {"admin"},
    "POST /sites/{}/chairs": {"admin"},
    "GET /sites/{}/chairs": EVERYONE,
    "GET /sites/{}/policy": EVERYONE,
    "PUT /sites/{}/policy": {"admin"},
    "POST /users": {"admin"},
    "GET /users": {"admin"},
    "GET /users/me": EVERYONE,
    "POST /patients": PATIENT_WRITERS,
    "GET /patients": EVERYONE,  # front desk: name and contact only (tested below)
    "GET /patients/{}": EVERYONE,
    "PATCH /patients/{}": PATIENT_WRITERS,
    "GET /patients/{}/screening": STAFF,
    "PUT /patients/{}/screening": {"admin", "prescriber"},
    "GET /patients/{}/rems-enrollment": STAFF,
    "PUT /patients/{}/rems-enrollment": PATIENT_WRITERS,
    "POST /patients/{}/courses": PATIENT_WRITERS,
    "GET /patients/{}/courses": STAFF,
    "GET /courses/{}": STAFF,
    "PATCH /courses/{}": PATIENT_WRITERS,
    "GET /audit": {"admin"},
}


@pytest.mark.parametrize("operation", sorted(API_MD_FOUNDATION))
def test_matrix_agrees_with_api_md(operation):
    assert set(MATRIX[operation]) == API_MD_FOUNDATION[operation]


def test_sign_in_is_the_only_public_operation():
    assert PUBLIC == {"POST /auth/tokens"}


PATIENT_BODY = {"mrn": "R-1", "first_name": "Dana", "last_name": "Okafor",
                "date_of_birth": "1979-03-02", "sex": "female"}
SCREENING_BODY = {"aneurysmal_vascular_disease": False, "arteriovenous_malformation": False,
                  "intracerebral_hemorrhage_history": False, "hypersensitivity": False,
                  "pregnant_or_breastfeeding": False, "psychosis_history": False,
                  "hypertensive_encephalopathy_history": False}


def test_scheduler_registers_patients_but_not_screening_results(client, auth, make):
    headers = auth("scheduler")
    created = client.post(f"{API_PREFIX}/patients", headers=headers, json=PATIENT_BODY)
    assert created.status_code == 201, created.json
    patient_id = created.json["id"]
    refused = client.put(f"{API_PREFIX}/patients/{patient_id}/screening", headers=headers,
                         json=SCREENING_BODY)
    assert refused.status_code == 403
    enrolled = client.put(f"{API_PREFIX}/patients/{patient_id}/rems-enrollment", headers=headers,
                          json={"rems_patient_id": "RP-9", "enrolled_on": "2025-01-02"})
    assert enrolled.status_code == 200


def test_nurse_reads_patients_but_does_not_write_them(client, auth, make):
    headers = auth("nurse")
    patient = make.patient()
    assert client.get(f"{API_PREFIX}/patients/{patient.id}", headers=headers).status_code == 200
    assert client.post(f"{API_PREFIX}/patients", headers=headers,
                       json=PATIENT_BODY).status_code == 403
    assert client.patch(f"{API_PREFIX}/patients/{patient.id}", headers=headers,
                        json={"phone": "1"}).status_code == 403


CONTACT_FIELDS = {"id", "first_name", "last_name", "phone", "email"}


def test_front_desk_sees_name_and_contact_only(client, auth, make):
    headers = auth("front_desk")
    patient = make.patient(last_name="Nakamura")
    one = client.get(f"{API_PREFIX}/patients/{patient.id}", headers=headers)
    assert one.status_code == 200
    assert set(one.json) == CONTACT_FIELDS
    assert one.json["last_name"] == "Nakamura"
    found = client.get(f"{API_PREFIX}/patients", headers=headers, query_string={"q": "nakam"})
    assert [set(p) for p in found.json] == [CONTACT_FIELDS]
    for path in ("screening", "rems-enrollment", "courses"):
        assert client.get(f"{API_PREFIX}/patients/{patient.id}/{path}",
                          headers=headers).status_code == 403


def test_other_roles_see_the_whole_patient(client, auth, make):
    patient = make.patient()
    for role in ("admin", "scheduler", "nurse", "prescriber"):
        body = client.get(f"{API_PREFIX}/patients/{patient.id}", headers=auth(role)).json
        assert {"mrn", "date_of_birth", "sex", "rems_enrolled", "screening_recorded"} <= set(body)
