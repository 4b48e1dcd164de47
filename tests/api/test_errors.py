"""One JSON error shape under /api/, an HTML page elsewhere, and never a 500 for bad input."""
from datetime import date, datetime, timedelta, timezone

import pytest
from marshmallow import Schema, ValidationError

from schemas.common import UTCDateTime
from schemas.course import CourseIn, CoursePatch
from schemas.patient import EnrollmentIn, PatientIn, PatientPatch, ScreeningIn
from schemas.site import ChairIn, PolicyIn, SiteIn, SitePatch
from schemas.user import TokenIn, UserIn
from spravato_ops.db import get_session
from spravato_ops.models import Site

from ..readback import everything

API = "/api/v1"
ERROR_KEYS = {"code", "status", "message", "errors", "violations"}


def assert_error(response, code):
    """Check the API.md error shape and return its body."""
    assert response.status_code == code, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.json
    assert set(body) == ERROR_KEYS
    assert body["code"] == code
    assert isinstance(body["status"], str) and body["status"]
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["errors"], dict)
    assert isinstance(body["violations"], list)
    return body


def test_unknown_api_route_is_a_json_404(client):
    body = assert_error(client.get(f"{API}/no-such-thing"), 404)
    assert body["status"] == "NotFound"


def test_unknown_id_is_a_json_404(client, auth):
    body = assert_error(client.get(f"{API}/sites/424242", headers=auth("admin")), 404)
    assert "424242" in body["message"]


def test_id_beyond_the_database_range_is_a_404_not_a_500(client, auth):
    for site_id in (2**31, 2**63, 10**30):
        assert_error(client.get(f"{API}/sites/{site_id}", headers=auth("admin")), 404)


def test_wrong_method_is_a_json_405_with_allow(client, auth):
    response = client.delete(f"{API}/sites", headers=auth("admin"))
    assert_error(response, 405)
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}


def test_malformed_json_is_a_400(client, auth):
    response = client.post(f"{API}/sites", headers=auth("admin"), data='{"name": "Downtown",',
                           content_type="application/json")
    assert_error(response, 400)


def test_body_over_the_size_limit_is_a_413(app, client, auth):
    limit = app.config["MAX_CONTENT_LENGTH"]
    body = '{"name": "' + "x" * limit + '"}'
    response = client.post(f"{API}/sites", headers=auth("admin"), data=body,
                           content_type="application/json")
    assert_error(response, 413)


def test_missing_token_is_a_401_that_names_the_scheme(client):
    response = client.get(f"{API}/sites")
    assert_error(response, 401)
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_invalid_fields_are_a_422_with_errors_per_field(client, auth):
    response = client.post(f"{API}/patients", headers=auth("admin"), json={
        "mrn": "M-1", "first_name": "Ada", "last_name": "Byrne", "date_of_birth": "1980-02-30",
        "sex": "female", "favourite_colour": "blue"})
    body = assert_error(response, 422)
    assert set(body["errors"]) == {"date_of_birth", "favourite_colour"}
    assert body["errors"]["favourite_colour"] == ["Unknown field."]


def test_query_parameters_are_validated_too(client, auth):
    body = assert_error(client.get(f"{API}/patients?limit=many", headers=auth("admin")), 422)
    assert set(body["errors"]) == {"limit"}


class _Stamped(Schema):
    at = UTCDateTime(required=True)


def test_timestamp_without_offset_is_refused():
    with pytest.raises(ValidationError) as refused:
        _Stamped().load({"at": "2025-03-01T09:30:00"})
    assert set(refused.value.messages) == {"at"}


@pytest.mark.parametrize(("text", "utc"), [
    ("2025-03-01T09:30:00Z", datetime(2025, 3, 1, 9, 30, tzinfo=timezone.utc)),
    ("2025-03-01T09:30:00+00:00", datetime(2025, 3, 1, 9, 30, tzinfo=timezone.utc)),
    ("2025-03-01T04:30:00-05:00", datetime(2025, 3, 1, 9, 30, tzinfo=timezone.utc)),
    ("2025-03-01T15:00:00+05:30", datetime(2025, 3, 1, 9, 30, tzinfo=timezone.utc)),
])
def test_timestamps_with_any_offset_are_read_as_utc(text, utc):
    loaded = _Stamped().load({"at": text})["at"]
    assert loaded == utc
    assert loaded.utcoffset() == timedelta(0)


def test_timestamps_are_written_in_utc_with_z():
    eastern = timezone(timedelta(hours=-5))
    dumped = _Stamped().dump({"at": datetime(2025, 3, 1, 4, 30, tzinfo=eastern)})
    assert dumped == {"at": "2025-03-01T09:30:00Z"}


def test_rule_refusal_is_a_409_with_violations(client, auth, make):
    patient = make.patient()
    prescriber = make.user("prescriber")
    response = client.post(f"{API}/patients/{patient.id}/courses", headers=auth("prescriber"),
                           json={"indication": "MDSI", "start_date": date.today().isoformat(),
                                 "prescriber_id": prescriber.id})
    body = assert_error(response, 409)
    assert body["status"] == "Conflict"
    [violation] = body["violations"]
    assert violation["rule"] == "R1.3"
    assert violation["override_allowed"] is False
    assert {"rule", "code", "message", "override_allowed", "override_role"} <= set(violation)


def _stale_patient(client, headers, make):
    patient = make.patient()
    return lambda: client.patch(f"{API}/patients/{patient.id}",
                                headers={**headers, "If-Match": '"7"'}, json={"phone": "555-0199"})


def _stale_site(client, headers, make):
    site = make.site()
    return lambda: client.patch(f"{API}/sites/{site.id}", headers={**headers, "If-Match": 'W/"7"'},
                                json={"phone": "555-0199"})


def _stale_policy_of_defaults(client, headers, make):
    site = make.site()  # no policy stored yet: the defaults are version 0
    return lambda: client.put(f"{API}/sites/{site.id}/policy",
                              headers={**headers, "If-Match": '"3"'}, json={"spo2_min": 90})


def _stale_policy_after_a_put(client, headers, make):
    site = make.site()
    first = client.put(f"{API}/sites/{site.id}/policy", headers={**headers, "If-Match": '"0"'},
                       json={"spo2_min": 90})
    assert first.status_code == 200 and first.headers["ETag"] == '"1"'
    return lambda: client.put(f"{API}/sites/{site.id}/policy",
                              headers={**headers, "If-Match": '"0"'}, json={"spo2_min": 91})


@pytest.mark.parametrize("arrange", [
    _stale_patient, _stale_site, _stale_policy_of_defaults, _stale_policy_after_a_put,
])
def test_stale_if_match_is_a_412_and_writes_nothing(client, auth, make, db, arrange):
    stale_write = arrange(client, auth("admin"), make)
    state = everything(db)
    body = assert_error(stale_write(), 412)
    assert "version" in body["message"]
    assert everything(db) == state


def test_if_match_that_is_not_a_version_is_a_412(client, auth, make):
    site = make.site()
    response = client.patch(f"{API}/sites/{site.id}", headers={**auth("admin"), "If-Match": "abc"},
                            json={"phone": "555-0199"})
    assert_error(response, 412)


def test_pages_outside_the_api_get_html_errors(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "<html" in response.get_data(as_text=True).lower()


# Every foundation write, with the schema of its body. Path ids are filled from `_targets`.
WRITES = [
    ("POST", "/sites", SiteIn),
    ("PATCH", "/sites/{site}", SitePatch),
    ("POST", "/sites/{site}/chairs", ChairIn),
    ("PUT", "/sites/{site}/policy", PolicyIn),
    ("POST", "/users", UserIn),
    ("POST", "/auth/tokens", TokenIn),
    ("POST", "/patients", PatientIn),
    ("PATCH", "/patients/{patient}", PatientPatch),
    ("PUT", "/patients/{patient}/screening", ScreeningIn),
    ("PUT", "/patients/{patient}/rems-enrollment", EnrollmentIn),
    ("POST", "/patients/{patient}/courses", CourseIn),
    ("PATCH", "/courses/{course}", CoursePatch),
]


def _bad_bodies(schema_cls):
    """(label, raw body) pairs that no endpoint may accept or answer with a 500."""
    names = list(schema_cls().load_fields)
    deep = {"x": 1}
    for _ in range(40):
        deep = {"x": [deep]}

    def each(value):
        return {name: value for name in names}

    return [
        ("array instead of object", [{"name": "x"}]),
        ("string instead of object", "name"),
        ("number instead of object", 42),
        ("nested garbage in every field", each({"a": [{"b": {"c": [None, True, 1.5]}}]})),
        ("list in every field", each([1, "two", None])),
        ("boolean in every field", each(True)),
        ("float in every field", each(1.5)),
        ("null in every field", each(None)),
        ("huge string in every field", each("x" * 20_000)),
        ("huge integer in every field", each(10**30)),
        ("negative integer in every field", each(-1)),
        ("NUL in every field", each("ok\x00no")),
        ("unknown fields only", {"zz_unknown": 1, "__class__": "x"}),
        ("JSON nested 40 deep", deep),
    ]


RAW_BODIES = [
    ("null body", b"null"),
    ("malformed JSON", b'{"name": '),
    ("non-UTF-8 bytes", b'{"name": "\xff\xfe\xfd"}'),
    ("NaN and Infinity", b'{"name": NaN, "mrn": Infinity, "site_ids": [-Infinity]}'),
    ("JSON nested beyond the parser", b"[" * 100_000 + b"]" * 100_000),
]


def _raw_bodies(schema_cls):
    """An empty body reads as `{}`: bad only where the schema requires a field."""
    schema = schema_cls()
    requires = not schema.partial and any(f.required for f in schema.load_fields.values())
    return RAW_BODIES + ([("empty body", b"")] if requires else [])


def _targets(make):
    patient = make.patient()
    course = make.course(patient=patient)
    return {"site": make.site().id, "patient": patient.id, "course": course.id}


def _unless_refused(label, response):
    """[] if the response is a JSON 400 or 422, else a line describing what came back."""
    if response.status_code in (400, 422) and set(response.json) == ERROR_KEYS:
        return []
    return [f"{label}: {response.status_code} {response.get_data(as_text=True)[:200]}"]


@pytest.mark.parametrize(("method", "path", "schema_cls"), WRITES,
                         ids=[f"{m} {p}" for m, p, _ in WRITES])
def test_bad_bodies_never_500_and_write_nothing(client, auth, make, db, method, path, schema_cls):
    target = API + path.format(**_targets(make))
    headers = auth("admin")
    state = everything(db)
    failures = []
    for label, body in _bad_bodies(schema_cls):
        response = client.open(target, method=method, headers=headers, json=body)
        failures += _unless_refused(label, response)
    for label, raw in _raw_bodies(schema_cls):
        response = client.open(target, method=method, headers=headers, data=raw,
                               content_type="application/json")
        failures += _unless_refused(label, response)
    assert not failures, "\n".join(failures)
    assert everything(db) == state


def test_nul_in_a_query_is_a_422(client, auth):
    body = assert_error(client.get(f"{API}/patients", query_string={"q": "a\x00b"},
                                   headers=auth("admin")), 422)
    assert set(body["errors"]) == {"q"}


def test_a_caller_request_id_is_echoed_only_when_it_is_a_plain_token(client, auth):
    headers = auth("admin")
    kept = client.get(f"{API}/sites", headers={**headers, "X-Request-ID": "tablet-7.abc"})
    assert kept.headers["X-Request-ID"] == "tablet-7.abc"
    for unsafe in ("bad\x00id", "x" * 65, "two words"):
        replaced = client.get(f"{API}/sites", headers={**headers, "X-Request-ID": unsafe})
        assert replaced.status_code == 200
        assert replaced.headers["X-Request-ID"] != unsafe
        assert len(replaced.headers["X-Request-ID"]) == 32


@pytest.mark.own_app  # it adds a route
def test_a_value_the_database_cannot_hold_is_a_422_on_either_database(app, client):
    """The safety net behind the schemas: SQLite raises OverflowError, PostgreSQL DataError."""
    app.add_url_rule("/probe/huge-id", "probe_huge_id",
                     lambda: str(get_session().get(Site, 10**30)))
    response = client.get("/probe/huge-id")
    assert response.status_code == 422
    assert response.mimetype == "text/html"
