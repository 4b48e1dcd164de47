"""Every operation of the OpenAPI document, fuzzed as an admin, a prescriber and the front desk:
no 500s, and every response matches what the document says of it."""
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from sqlmodel import SQLModel

from spravato_ops import create_app
from spravato_ops.db import get_engine

CHECKS = [not_a_server_error, response_schema_conformance]
ROLES = ("admin", "prescriber", "front_desk")
# Few examples per operation keep the run to seconds; a fixed seed, derandomised generation and
# no example database make it the same run every time. The coverage phase (every boundary value
# of every parameter) would triple the time; run it by hand after changing many schemas.
CONFIG = schemathesis.Config.from_dict({
    "seed": 20250301,
    "generation": {"max-examples": 5, "deterministic": True, "database": "none"},
    "phases": {"coverage": {"enabled": False}},
})


def openapi_document():
    """The document the service serves (building it touches no database)."""
    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://", "SECRET_KEY": "docs"})
    return app.test_client().get("/api/v1/openapi.json").json


schema = schemathesis.openapi.from_dict(openapi_document(), config=CONFIG)


@pytest.fixture
def clinic(app, make):
    """A site with a chair, a patient with a course and a session: ids that exist to hit."""
    app.config["ALERT_STREAM_POLL_SECONDS"] = 0  # the stream answers at once
    site = make.site()
    make.session(course=make.course(), chair=make.chair(site))
    return site


@pytest.fixture
def role_headers(make, clinic):
    """A bearer token per role; the prescriber, who may write clinical entries, works at the
    clinic's site only (site access reads the request before the view does)."""
    return {role: make.auth_headers(role, site=clinic if role == "prescriber" else None)
            for role in ROLES}


@schema.parametrize()
# The records examples write stay for the next example of the operation: that is wanted here.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_every_operation_answers_as_documented(case, app, role_headers):
    for headers in role_headers.values():
        case.call_and_validate(headers=headers, app=app, checks=CHECKS)


@pytest.mark.parametrize("role", ROLES)
def test_a_patient_read_matches_the_document_for_every_role(client, make, role):
    headers = make.auth_headers(role)
    patient = make.patient()
    single = schema["/api/v1/patients/{patient_id}"]["GET"]
    listed = schema["/api/v1/patients"]["GET"]
    for case in (single.Case(path_parameters={"patient_id": patient.id}),
                 listed.Case(query={"q": patient.last_name})):
        response = client.get(case.formatted_path, query_string=case.query, headers=headers)
        assert response.status_code == 200
        assert response.json
        case.operation.validate_response(response)


def test_a_rule_refusal_matches_the_documented_error(client, make):
    """409 bodies carry `violations`: the document's error schema allows and requires them."""
    patient, prescriber = make.patient(), make.user("prescriber")
    headers = make.auth_headers("prescriber")
    case = schema["/api/v1/patients/{patient_id}/courses"]["POST"].Case(
        path_parameters={"patient_id": patient.id},
        body={"indication": "MDSI", "start_date": "2025-05-05", "prescriber_id": prescriber.id})
    response = client.post(case.formatted_path, json=case.body, headers=headers)
    assert response.status_code == 409
    assert [v["rule"] for v in response.json["violations"]] == ["R1.3"]
    case.operation.validate_response(response)


# Audit rows cannot be deleted (and name their actors): they and the users stay; the users'
# columns are put back.
KEPT_TABLES = ("audit_events", "users")


def snapshot(engine):
    """Every row of every table but the audit trail, by table name."""
    with engine.connect() as conn:
        return {table.name: [dict(row._mapping) for row in conn.execute(table.select())]
                for table in SQLModel.metadata.sorted_tables if table.name != "audit_events"}


def restore(engine, rows):
    """Put the database back to `rows` (snapshot), so that each chain of calls starts from the
    same state and draws the same steps (hypothesis replays them)."""
    tables = SQLModel.metadata.sorted_tables
    users = SQLModel.metadata.tables["users"]
    with engine.begin() as conn:
        for table in reversed(tables):
            if table.name not in KEPT_TABLES:
                conn.execute(table.delete())
        known = [user["id"] for user in rows["users"]]
        conn.execute(users.delete().where(users.c.id.not_in(known)))  # created, never acting
        for user in rows["users"]:
            conn.execute(users.update().where(users.c.id == user["id"]).values(**user))
        for table in tables:
            if table.name not in KEPT_TABLES and rows[table.name]:
                conn.execute(table.insert(), rows[table.name])


@pytest.mark.parametrize("role", ROLES)
def test_chains_of_calls_answer_as_documented(app, role_headers, role):
    """Stateful: schemathesis chains the operations (links inferred from the document: what one
    creates, the next reads or changes) with one role's token, each chain from the same
    database; no 5xx, every answer as documented."""
    headers = role_headers[role]
    engine = get_engine(app)
    start = snapshot(engine)

    class Workflow(schema.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"headers": headers, "app": app}

        def validate_response(self, response, case, additional_checks=(), **kwargs):
            case.validate_response(response, checks=CHECKS)

        def teardown(self):
            restore(engine, start)

    Workflow.run(settings=settings(max_examples=15, stateful_step_count=6, deadline=None,
                                   derandomize=True, database=None,
                                   suppress_health_check=list(HealthCheck)))
