"""GET /reminders and POST /reminders/{id}/resend; a patient's new contact details reach
their reminders; sweep alerts reach GET /alerts and the stream with their role and site."""
import threading
from datetime import datetime, time, timedelta

import pytest
from freezegun import freeze_time
from sqlmodel import select

from scheduler import treatment_day_alerts
from scheduler.context import JobContext, Settings
from spravato_ops.clock import utcnow
from spravato_ops.db import get_engine
from spravato_ops.domain.calendar import local_date
from spravato_ops.models import AuditEvent, DeviceAdministration, ObservationEntry, Reminder

from ..readback import rows
from .booking_setup import NEW_YORK, NOW, START, body, clinic
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


def test_a_patients_new_contact_details_reach_their_pending_reminders(client, auth, booked):
    """PATCH /patients/{id}: new address, channel none cancels, back to SMS plans them again;
    each reminder changed is audited."""
    patient_url, scheduler = f"{API}/patients/{booked['patient_id']}", auth("scheduler")

    def patched(**changes):
        with freeze_time(NOW):
            response = client.patch(patient_url, json=changes, headers=scheduler)
        assert response.status_code == 200, response.json
        return [(r["channel"], r["recipient"], r["status"])
                for r in listed(client, auth("nurse"), session_id=booked["id"])]

    assert patched(email="moved@example.org") == [("email", "moved@example.org", "pending")] * 2
    assert patched(reminder_channel="none") == [("email", "moved@example.org", "cancelled")] * 2
    assert patched(reminder_channel="sms", phone="555-0177") == [
        ("sms", "555-0177", "pending")] * 2
    [first, _] = listed(client, auth("nurse"), session_id=booked["id"])
    trail = client.get(f"{API}/audit", query_string={"entity": "reminder",
                                                     "entity_id": first["id"]},
                       headers=auth("admin")).json  # newest first
    assert [(e["action"], e["after"]["status"], e["after"]["recipient"])
            for e in reversed(trail)] == [
        ("follow_contact", "pending", "moved@example.org"),
        ("follow_contact", "cancelled", "moved@example.org"),
        ("follow_contact", "pending", "555-0177")]


def test_a_booking_and_a_contact_change_at_once_leave_the_reminders_at_the_new_address(
        app, client, make, auth):
    """The two take turns on the patient's row: whichever goes first, the new session's
    reminders end at the new address."""
    place, tomorrow = clinic(make, chairs=4), _tomorrow_at_ten()
    headers = auth("scheduler")
    for attempt in range(4):
        course = make.course(start_date=local_date(utcnow(), "America/New_York"))
        new_address = f"moved{attempt}@example.org"
        calls = [("post", f"{API}/sessions",
                  body(place, course, chair=attempt, when=tomorrow.isoformat())),
                 ("patch", f"{API}/patients/{course.patient_id}", {"email": new_address})]
        results = _at_once(app, headers, calls)
        assert [status for status, _ in results] == [201, 200], results
        found = listed(client, auth("nurse"), session_id=results[0][1]["id"])
        assert found and {(r["recipient"], r["status"]) for r in found} == {
            (new_address, "pending")}, (attempt, found)


def _at_once(app, headers, calls):
    """Make each (method, url, json) call from a thread of its own, all released together."""
    barrier, results = threading.Barrier(len(calls)), [None] * len(calls)

    def call(index, method, url, payload):
        try:
            client = app.test_client()
            barrier.wait(timeout=30)
            response = getattr(client, method)(url, json=payload, headers=headers)
            results[index] = (response.status_code, response.get_json())
        except Exception as exc:  # reported by the assertions, not lost in the thread
            results[index] = ("exception", repr(exc))

    threads = [threading.Thread(target=call, args=(n, *c)) for n, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _tomorrow_at_ten():
    day = local_date(utcnow(), "America/New_York") + timedelta(days=1)
    return datetime.combine(day, time(10), tzinfo=NEW_YORK)


def _reminder(db, treatment_session, hours, status="pending"):
    start = treatment_session.scheduled_start
    reminder = Reminder(
        session_id=treatment_session.id, course_id=treatment_session.course_id,
        patient_id=treatment_session.patient_id, site_id=treatment_session.site_id,
        channel="email", kind="appointment", recipient="patient@example.org",
        send_at=start - timedelta(hours=hours), next_attempt_at=start - timedelta(hours=hours),
        appointment_at=start, status=status, created_at=utcnow(),
        dedupe_key=f"appointment:{treatment_session.id}:{treatment_session.local_day}:{hours}h")
    db.add(reminder)
    db.commit()
    return reminder


@pytest.fixture
def two_sites(make, db):
    """One course with a session at each of two sites, each session with two reminders."""
    here, there = make.site(), make.site()
    course = make.course()
    soon = utcnow() + timedelta(days=2)
    mine = make.session(course=course, site=here, scheduled_start=soon)
    other = make.session(course=course, site=there, scheduled_start=soon + timedelta(days=3))
    ids = {site.id: [_reminder(db, s, 24).id, _reminder(db, s, 2, status="sent").id]
           for site, s in ((here, mine), (there, other))}
    return here, there, mine, other, ids


@pytest.mark.parametrize("role", ["nurse", "scheduler", "prescriber", "front_desk"])
def test_staff_of_one_site_see_only_its_reminders(client, make, two_sites, role):
    here, there, mine, other, ids = two_sites
    headers = make.auth_headers(role, site=here)
    mine_only = sorted(ids[here.id])
    assert sorted(r["id"] for r in listed(client, headers)) == mine_only
    assert sorted(r["id"] for r in listed(client, headers, course_id=mine.course_id)) == mine_only
    assert [r["id"] for r in listed(client, headers, status="sent")] == [ids[here.id][1]]
    assert sorted(r["id"] for r in listed(client, headers, session_id=mine.id)) == mine_only
    refused = client.get(f"{API}/reminders", query_string={"session_id": other.id},
                         headers=headers)
    assert refused.status_code == 403, refused.json
    assert f"not assigned to site {there.id}" in refused.json["message"]
    if role == "front_desk":  # time, channel and status only
        assert {frozenset(r) for r in listed(client, headers)} == {frozenset(DESK_KEYS)}


@pytest.mark.parametrize("role, assigned", [("admin", True), ("nurse", False)])
def test_admins_and_staff_without_sites_see_every_sites_reminders(client, make, two_sites,
                                                                  role, assigned):
    here, _there, _mine, other, ids = two_sites
    headers = make.auth_headers(role, site=here if assigned else None)
    assert sorted(r["id"] for r in listed(client, headers)) == sorted(sum(ids.values(), []))
    assert len(listed(client, headers, session_id=other.id)) == 2


def test_a_reminder_of_another_site_cannot_be_resent(client, make, db, two_sites):
    here, there, _mine, _other, ids = two_sites
    failed = db.get(Reminder, ids[there.id][0])
    failed.status = "failed"
    db.add(failed)
    db.commit()
    url = f"{API}/reminders/{failed.id}/resend"
    assert client.post(url, headers=make.auth_headers("nurse", site=here)).status_code == 403
    [stored] = rows(db, select(Reminder).where(Reminder.id == failed.id))
    assert stored.status == "failed"
    assert client.post(url, headers=make.auth_headers("nurse", site=there)).status_code == 200


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
