"""Alerts raised at write time (R2.3, R3.3, R3.4), their feed and stream, and the front-desk
board."""
import pytest
from sqlalchemy import event

from spravato_ops.db import get_engine

from .treatment_support import API, T0, at, iso, observation, vitals


def alerts(day, headers=None):
    response = day.client.get(f"{API}/alerts", query_string={"site_id": day.site.id},
                              headers=headers or day.nurse)
    assert response.status_code == 200, response.json
    return response.json


@pytest.mark.parametrize("reading, kinds", [
    ((170, 90, 97), ["bp_high", "bp_rise"]),
    ((163, 85, 97), ["bp_high"]),
    ((150, 106, 97), ["bp_high", "bp_rise"]),
    ((155, 95, 97), []),
    ((130, 80, 90), ["spo2_low"]),
], ids=["R2.3-high-and-rise", "R2.3-high", "R2.3-diastolic", "R2.3-below-alert", "R3.3-spo2"])
def test_R2_3_post_dose_vitals_raise_alerts_at_write_time(day, reading, kinds):
    day.to_observing(pre_dose=(125, 80))
    day.at(40)
    systolic, diastolic, spo2 = reading
    entry = day.ok(day.post("/vitals", vitals(40, systolic, diastolic, spo2=spo2)))
    assert [a["kind"] for a in entry["alerts"]] == kinds
    assert [a["kind"] for a in alerts(day)] == kinds
    assert all(a["rule"] in ("R2.3", "R3.3") for a in entry["alerts"])


def test_R2_1_pre_dose_reading_raises_no_bp_alert(day):
    day.to_checked_in()
    day.at(-5)
    entry = day.ok(day.post("/vitals", vitals(-5, 138, 88, timepoint="pre_dose")))
    assert entry["alerts"] == [] and alerts(day) == []


def test_R3_3_R2_3_observation_alerts_are_raised_and_acknowledged(day, make):
    day.to_observing()
    day.at(30)
    body = observation(30, moaas=2, spo2=88, respiratory_depression=True,
                       symptoms=["chest_pain", "seizure"])
    entry = day.ok(day.post("/observations", body))
    raised = {a["kind"]: a for a in entry["alerts"]}
    assert list(raised) == ["spo2_low", "respiratory_depression", "emergency_symptom"]
    assert raised["emergency_symptom"]["severity"] == "emergency"
    assert "chest pain" in raised["emergency_symptom"]["message"]
    listed = alerts(day)
    assert [a["id"] for a in listed] == sorted(a["id"] for a in entry["alerts"])
    assert listed[0]["session_id"] == day.sid and listed[0]["raised_at"] == iso(at(30))
    prescriber = make.user("prescriber")
    day.at(31)
    ack = day.client.post(f"{API}/alerts/{listed[0]['id']}/acknowledge",
                          headers=make.auth_headers(user=prescriber))
    assert ack.status_code == 200, ack.json
    assert ack.json["acknowledged_by"] == prescriber.id
    assert ack.json["acknowledged_at"] == iso(at(31))
    assert [a["id"] for a in alerts(day)] == [a["id"] for a in listed[1:]]


def test_R3_4_an_unresolved_serious_adverse_event_raises_an_emergency_alert(day):
    day.to_observing()
    day.at(35)
    minor = day.ok(day.post("/adverse-events", {"description": "nausea", "serious": False}))
    assert minor["alerts"] == []
    event = day.ok(day.post("/adverse-events", {"description": "syncope with fall",
                                                "serious": True}))
    [raised] = event["alerts"]
    assert (raised["kind"], raised["rule"], raised["severity"]) == (
        "serious_adverse_event", "R3.4", "emergency")
    assert "syncope with fall" in raised["message"]
    assert [a["kind"] for a in alerts(day)] == ["serious_adverse_event"]
    day.at(50)
    resolved = day.client.patch(day.url(f"/adverse-events/{event['id']}"),
                                json={"resolved_at": iso(at(48))}, headers=day.nurse)
    assert resolved.status_code == 200 and resolved.json["alerts"] == []
    assert [a["kind"] for a in alerts(day)] == ["serious_adverse_event"]  # until acknowledged


def test_alerts_are_for_staff_not_the_front_desk(day):
    response = day.client.get(f"{API}/alerts", query_string={"site_id": day.site.id},
                              headers=day.desk)
    assert response.status_code == 403
    missing = day.client.get(f"{API}/alerts", headers=day.nurse)
    assert missing.status_code == 422 and "site_id" in missing.json["errors"]
    assert day.client.post(f"{API}/alerts/1/acknowledge", headers=day.desk).status_code == 403
    assert day.client.post(f"{API}/alerts/999/acknowledge", headers=day.nurse).status_code == 404


def _events(body):
    found = []
    for block in body.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line
                      and not line.startswith(":"))
        if "id" in fields:
            found.append((int(fields["id"]), fields["event"]))
    return found


def test_alert_stream_sends_open_alerts_as_events_and_honours_last_event_id(app, day):
    day.to_observing()
    day.at(30)
    entry = day.ok(day.post("/observations", observation(30, spo2=88, respiratory_depression=True)))
    ids = [a["id"] for a in entry["alerts"]]
    app.config["ALERT_STREAM_POLL_SECONDS"] = 0.01
    url = f"{API}/alerts/stream"
    response = day.client.get(url, query_string={"site_id": day.site.id, "timeout": 0},
                              headers=day.nurse)
    assert response.status_code == 200 and response.mimetype == "text/event-stream"
    assert _events(response.get_data(as_text=True)) == [(i, "alert") for i in ids]
    resumed = day.client.get(url, query_string={"site_id": day.site.id, "timeout": 0.05},
                             headers={**day.nurse, "Last-Event-ID": str(ids[0])})
    assert _events(resumed.get_data(as_text=True)) == [(ids[1], "alert")]
    assert day.client.get(url, query_string={"site_id": day.site.id, "timeout": 61},
                          headers=day.nurse).status_code == 422
    assert day.client.get(url, query_string={"site_id": day.site.id},
                          headers=day.desk).status_code == 403


def test_alert_stream_is_documented(client):
    spec = client.get(f"{API}/openapi.json").json
    stream = spec["paths"]["/api/v1/alerts/stream"]["get"]
    assert "text/event-stream" in stream["responses"]["200"]["content"]


# --- the board --------------------------------------------------------------------------------

BOARD_KEYS = {"chair", "session_id", "patient_initials", "state", "scheduled_start", "ready",
              "ready_at", "arrived_at", "ride_arrived_at"}


def board(day, headers=None):
    response = day.client.get(f"{API}/board", query_string={"site_id": day.site.id},
                              headers=headers or day.desk)
    assert response.status_code == 200, response.json
    return response.json


def test_board_lists_todays_sessions_by_chair_with_readiness_and_nothing_clinical(day, make):
    b_chair = make.chair(day.site, label="B")
    a_late = make.session(chair=day.chair, site=day.site, scheduled_start=at(180))
    b_early = make.session(chair=b_chair, site=day.site, scheduled_start=at(-60),
                           patient_id=make.patient(first_name="zoe", last_name="quinn").id)
    make.session(chair=b_chair, site=day.site, scheduled_start=at(300), state="cancelled")
    make.session(chair=b_chair, site=day.site, scheduled_start=at(24 * 60))
    day.to_observing()
    day.at(30)
    rows = board(day)
    assert [(r["chair"], r["session_id"]) for r in rows] == [
        ("A", day.sid), ("A", a_late.id), ("B", b_early.id)]
    assert all(set(r) == BOARD_KEYS for r in rows)
    assert rows[0]["state"] == "observing" and rows[0]["ready"] is False
    assert rows[0]["ready_at"] == iso(at(120))
    assert rows[1]["ready_at"] is None and rows[1]["state"] == "scheduled"
    assert rows[2]["patient_initials"] == "ZQ"
    assert rows[0]["scheduled_start"] == iso(T0)


@pytest.mark.parametrize("role", ["admin", "scheduler", "nurse", "prescriber", "front_desk"])
def test_board_is_served_to_every_role(day, make, role):
    assert board(day, make.auth_headers(role)) == board(day) != []


def test_board_drops_discharged_and_withheld_sessions(day):
    day.at(-10)
    day.ok(day.post("/arrival", headers=day.desk), 200)
    day.ok(day.post("/withhold", {"reason": "patient unwell"}), 200)
    assert board(day) == []


def test_board_queries_do_not_grow_with_the_sessions(app, day, make):
    def count_queries():
        statements = []
        engine = get_engine(app)
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            board(day)
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(statements)

    day.at(-30)
    board(day)  # the token is looked up once, then kept
    few = count_queries()
    for label in "CDEFG":
        chair = make.chair(day.site, label=label)
        make.session(chair=chair, site=day.site, scheduled_start=at(0))
    assert count_queries() == few
