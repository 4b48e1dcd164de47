"""Input that fuzzing found to crash the service: each is now a clear 4xx and writes nothing."""
import json

import pytest

from ..readback import everything
from .test_errors import assert_error

API = "/api/v1"
PATIENT = {"mrn": "MRN-9001", "first_name": "Imani", "last_name": "Okafor",
           "date_of_birth": "1984-09-12", "sex": "female", "phone": "555-0177",
           "email": "imani@example.org", "reminder_channel": "sms"}
LONE_SURROGATE = "\ud800"


def post_raw(client, path, headers, raw):
    return client.post(f"{API}{path}", headers=headers, data=raw, content_type="application/json")


# --- JSON nested too deep ---------------------------------------------------------------------

@pytest.mark.parametrize("raw", [b"[" * 5000 + b"]" * 5000, b'{"a":' * 40 + b"1" + b"}" * 40],
                         ids=["beyond-the-parser", "beyond-the-guard"])
@pytest.mark.parametrize("path", ["/sessions", "/patients"])
def test_deep_json_from_staff_assigned_to_a_site_is_a_400(client, make, db, path, raw):
    """Site access reads a POST body for its `site_id` before any view: it reads it guarded."""
    headers = make.auth_headers("scheduler", site=make.site())
    state = everything(db)
    body = assert_error(post_raw(client, path, headers, raw), 400)
    assert "nested" in body["message"]
    assert everything(db) == state


# --- lone surrogates --------------------------------------------------------------------------

def test_lone_surrogates_in_text_fields_are_a_422_per_field(client, auth, db):
    headers = auth("admin")
    state = everything(db)
    patient = {**PATIENT, "first_name": LONE_SURROGATE, "last_name": "Ok\udfffafor"}
    # json.dumps writes a lone surrogate as the escape `\ud800`, as a fuzzer sends it.
    response = post_raw(client, "/patients", headers, json.dumps(patient))
    body = assert_error(response, 422)
    assert set(body["errors"]) == {"first_name", "last_name"}
    assert "surrogate" in body["errors"]["first_name"][0]
    assert everything(db) == state


def test_lone_surrogates_nested_in_lists_and_in_keys_are_refused(client, auth, make, db):
    patient = make.patient(screened=False)
    prescriber, admin = auth("prescriber"), auth("admin")
    state = everything(db)
    screening = {"concomitant_medications": ["benzodiazepine" + LONE_SURROGATE]}
    response = client.put(f"{API}/patients/{patient.id}/screening", headers=prescriber,
                          data=json.dumps(screening), content_type="application/json")
    assert set(assert_error(response, 422)["errors"]) == {"concomitant_medications"}
    response = post_raw(client, "/patients", admin,
                        json.dumps({**PATIENT, "x" + LONE_SURROGATE: 1}))
    assert "x" + LONE_SURROGATE in assert_error(response, 422)["errors"]
    assert everything(db) == state


def test_paired_surrogates_are_one_character_and_are_stored(client, auth):
    """`\\ud83d\\ude00` is the JSON escape of one emoji: accepted, stored and read back."""
    patient = {**PATIENT, "first_name": "Imani \U0001F600"}
    response = post_raw(client, "/patients", auth("admin"), json.dumps(patient))
    assert response.status_code == 201, response.json
    assert response.json["first_name"] == "Imani \U0001F600"


def test_a_percent_encoded_surrogate_in_a_query_is_kept_as_text_never_a_500(client, auth, make):
    make.patient(last_name="Okafor")
    response = client.get(f"{API}/patients?q=%ED%A0%80", headers=auth("admin"))
    assert response.status_code == 200
    assert response.json == []


# --- If-Match and Last-Event-ID ---------------------------------------------------------------

NOT_A_NUMBER = ["\u00b2", '"\u00b2"', 'W/"\u0663"', "1" * 30, '""', "-1", "1.0", "0x1"]


@pytest.mark.parametrize("if_match", NOT_A_NUMBER)
def test_if_match_that_is_not_a_plain_version_number_is_a_412(client, auth, make, db, if_match):
    """`'²'.isdigit()` is true but `int('²')` fails: only ASCII digits make a version."""
    patient, headers = make.patient(), auth("admin")
    state = everything(db)
    response = client.patch(f"{API}/patients/{patient.id}", json={"phone": "555-0199"},
                            headers={**headers, "If-Match": if_match})
    assert "version" in assert_error(response, 412)["message"]
    assert everything(db) == state


@pytest.mark.parametrize("last_event_id", NOT_A_NUMBER[:1] + ["abc", "1" * 30, str(2**31)])
def test_last_event_id_that_is_not_an_alert_id_is_a_422_before_the_stream(
        client, auth, make, last_event_id):
    """A 30-digit id used to start the stream and break it mid-body (integer out of range)."""
    site = make.site()
    response = client.get(f"{API}/alerts/stream", query_string={"site_id": site.id, "timeout": 0},
                          headers={**auth("nurse"), "Last-Event-ID": last_event_id})
    assert set(assert_error(response, 422)["errors"]) == {"Last-Event-ID"}


def test_a_blank_last_event_id_streams_from_the_first_open_alert(app, client, auth, make):
    app.config["ALERT_STREAM_POLL_SECONDS"] = 0
    site = make.site()
    response = client.get(f"{API}/alerts/stream", query_string={"site_id": site.id, "timeout": 0},
                          headers={**auth("nurse"), "Last-Event-ID": " "})
    assert response.status_code == 200 and response.mimetype == "text/event-stream"
    assert response.get_data(as_text=True).startswith("retry:")
