"""GET /reminders and POST /reminders/{id}/resend; sweep alerts reach GET /alerts and the
stream with their role and site."""
from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlmodel import select

from scheduler import treatment_day_alerts
from scheduler.context import JobContext, Settings
from spravato_ops.db import get_engine
from spravato_ops.models import AuditEvent, DeviceAdministration, ObservationEntry, Reminder

from ..readback import rows
from .booking_setup import NOW, START, body, clinic
from .test_board_alerts import _events
from .treatment_support import API, T0, at

DESK_KEYS = {"id", "session_id", "channel", "status", "send_at", "sent_at"}


@pytest.fixture
def booked(client, make, auth):
    """A session booked through the API at 10:00 New York tomorrow, with its two reminders."""
    with freeze_time(NOW):
        place = clinic(make)
        course = make.course(start_date=START)
        response = client.post(f"{API}/sessions", json=body(place, course),
                               headers=auth("scheduler"))
    assert response.status_code == 201, response.json
    return response.json


def listed(client, headers, **query):
    response = client.get(f"{API}/reminders", query_string=query, headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def test_staff_see_a_sessions_reminders_and_the_front_desk_only_time_channel_status(
        client, auth, booked):
    found = listed(client, auth("nurse"), session_id=booked["id"])
    assert [(r["kind"], r["status"], r["send_at"]) for r in found] == [
        ("appointment", "pending", "2026-03-02T15:00:00Z"),
        ("appointment", "pending", "2026-03-03T13:00:00Z")]
    assert found[0]["recipient"].endswith("@example.org") and found[0]["attempts"] == 0
    assert listed(client, auth("prescriber"), course_id=booked["course_id"]) == found
    desk = listed(client, auth("front_desk"), session_id=booked["id"])
    assert [set(r) for r in desk] == [DESK_KEYS, DESK_KEYS]
    assert listed(client, auth("scheduler"), status="sent") == []
    refused = client.get(f"{API}/reminders", query_string={"status": "lost"},
                         headers=auth("admin"))
    assert refused.status_code == 422 and "status" in refused.json["errors"]


def test_resend_a_failed_reminder_is_audited_and_refused_otherwise(
        client, auth, booked, db, make):
    [first, second] = rows(db, select(Reminder).order_by(Reminder.send_at))
    first.status, first.attempts = "failed", 5
    db.add(first)
    db.commit()
    nurse = make.user("nurse")
    with freeze_time(NOW + timedelta(hours=3)):  # 10:00 New York, outside quiet hours
        response = client.post(f"{API}/reminders/{first.id}/resend",
                               headers=auth(user=nurse))
        assert response.status_code == 200, response.json
        assert (response.json["status"], response.json["attempts"]) == ("pending", 0)
        assert response.json["next_attempt_at"] == "2026-03-02T15:00:00Z"
        again = client.post(f"{API}/reminders/{second.id}/resend", headers=auth("nurse"))
    assert again.status_code == 409
    assert again.json["violations"][0]["code"] == "reminder_not_failed"
    [event] = rows(db, select(AuditEvent).where(AuditEvent.entity == "reminder"))
    assert (event.action, event.actor_id) == ("resend", nurse.id)
    assert client.post(f"{API}/reminders/{first.id}/resend",
                       headers=auth("front_desk")).status_code == 403
    assert client.post(f"{API}/reminders/4242/resend", headers=auth("nurse")).status_code == 404


def test_sweep_alerts_reach_the_alert_list_and_stream_with_their_role(
        app, client, make, db, auth):
    site = make.site()
    treatment_session = make.session(site=site, scheduled_start=T0, state="observing")
    nurse = make.user("nurse")
    db.add(DeviceAdministration(session_id=treatment_session.id, recorded_by=nurse.id,
                                recorded_at=T0, device_number=1, administered_at=T0,
                                lot_number="LOT-1"))
    db.commit()
    headers = auth(user=nurse)
    ctx = JobContext(get_engine(app), Settings())
    with freeze_time(at(21)):
        treatment_day_alerts.run(ctx)
        found = client.get(f"{API}/alerts", query_string={"site_id": site.id},
                           headers=headers).json
        assert [(a["kind"], a["role"], a["rule"], a["site_id"]) for a in found] == [
            ("observation_overdue", "nurse", "R3.2", site.id)]
        assert client.get(f"{API}/alerts", query_string={"site_id": site.id, "role": "scheduler"},
                          headers=headers).json == []
        app.config["ALERT_STREAM_POLL_SECONDS"] = 0.01
        stream = client.get(f"{API}/alerts/stream", headers=headers,
                            query_string={"site_id": site.id, "timeout": 0, "role": "nurse"})
        assert _events(stream.get_data(as_text=True)) == [(found[0]["id"], "alert")]
    db.add(ObservationEntry(session_id=treatment_session.id, recorded_by=nurse.id,
                            recorded_at=at(22), observed_at=at(22), moaas=5, dissociation="none",
                            respiratory_depression=False, spo2=98))
    db.commit()
    with freeze_time(at(23)):
        treatment_day_alerts.run(ctx)  # observed: the condition cleared
        assert client.get(f"{API}/alerts", query_string={"site_id": site.id},
                          headers=headers).json == []
