"""Sites, chairs and site policy (R4.1, the P-ids of DOMAIN.md)."""
from datetime import date, timedelta

import pytest
from sqlmodel import select

from spravato_ops.clock import utcnow
from spravato_ops.models import AuditEvent, Site, SitePolicyRecord

from ..policy_defaults import DEFAULT_POLICY_JSON as DEFAULT_POLICY
from ..readback import everything, rows

API = "/api/v1"
SITE = {"name": "Riverside Clinic", "timezone": "America/Chicago", "setting_type": "outpatient",
        "rems_certification_id": "RC-100", "rems_certified_until": "2031-06-30",
        "address": "12 River Rd", "phone": "555-0142"}


def test_create_site(client, auth, db):
    response = client.post(f"{API}/sites", headers=auth("admin"), json=SITE)
    assert response.status_code == 201, response.json
    body = response.json
    assert {key: body[key] for key in SITE} == SITE
    assert body["version"] == 1
    assert body["rems_certified"] is True
    assert body["created_at"].endswith("Z")
    [stored] = rows(db, select(Site))
    assert (stored.id, stored.name, stored.rems_certified_until) == (
        body["id"], "Riverside Clinic", date(2031, 6, 30))


@pytest.mark.parametrize(("certification_id", "until", "certified"), [
    ("RC-1", date.today() + timedelta(days=30), True),
    ("RC-1", date.today() - timedelta(days=30), False),
    ("RC-1", None, False),
    (None, date.today() + timedelta(days=30), False),
])
def test_rems_certified_follows_the_certification_dates(client, auth, make, certification_id,
                                                        until, certified):
    site = make.site(rems_certification_id=certification_id, rems_certified_until=until)
    body = client.get(f"{API}/sites/{site.id}", headers=auth("nurse")).json
    assert body["rems_certified"] is certified


@pytest.mark.parametrize(("field", "value"), [
    ("timezone", "Mars/Olympus_Mons"),
    ("setting_type", "home"),
    ("name", "   "),
    ("rems_certified_until", "2031-02-30"),
    ("prescriber_on_site", "yes"),  # R4.1 site facts are JSON booleans
    ("pulse_oximeter_available", 1),
    ("rems_enrollment_required", "false"),
    ("rems_forms_required", 0),
])
def test_create_site_refuses_invalid_fields(client, auth, db, field, value):
    response = client.post(f"{API}/sites", headers=auth("admin"), json={**SITE, field: value})
    assert response.status_code == 422
    assert set(response.json["errors"]) == {field}
    assert rows(db, select(Site)) == []


def test_list_and_get_sites(client, auth, make):
    first, second = make.site(name="North"), make.site(name="South")
    listed = client.get(f"{API}/sites", headers=auth("front_desk"))
    assert [s["name"] for s in listed.json] == ["North", "South"]
    one = client.get(f"{API}/sites/{second.id}", headers=auth("scheduler"))
    assert one.status_code == 200
    assert one.json["id"] == second.id
    assert one.headers["ETag"] == '"1"'
    assert client.get(f"{API}/sites/{second.id + 100}", headers=auth("nurse")).status_code == 404
    assert first.id != second.id


def test_patch_site_with_if_match_bumps_version_and_etag(client, auth, make, db):
    site = make.site(name="Old name", phone="555-0100")
    headers = auth("admin")
    response = client.patch(f"{API}/sites/{site.id}", headers={**headers, "If-Match": '"1"'},
                            json={"name": "New name"})
    assert response.status_code == 200, response.json
    assert response.json["name"] == "New name"
    assert response.json["phone"] == "555-0100"  # a PATCH changes only what it names
    assert response.json["version"] == 2
    assert response.headers["ETag"] == '"2"'
    stale = client.patch(f"{API}/sites/{site.id}", headers={**headers, "If-Match": '"1"'},
                         json={"name": "Lost update"})
    assert stale.status_code == 412
    [stored] = rows(db, select(Site))
    assert (stored.name, stored.version) == ("New name", 2)


def test_patch_without_changes_keeps_the_version(client, auth, make, db):
    site = make.site()
    headers = auth("admin")
    state = everything(db)
    for body in ({}, {"name": site.name}):
        response = client.patch(f"{API}/sites/{site.id}", headers=headers, json=body)
        assert response.status_code == 200
        assert response.json["version"] == 1
    assert everything(db) == state


def test_patch_site_validates_what_it_is_given(client, auth, make):
    site = make.site()
    response = client.patch(f"{API}/sites/{site.id}", headers=auth("admin"),
                            json={"timezone": "Nowhere/Else", "name": None})
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"timezone", "name"}


def test_a_sites_time_zone_is_fixed_once_a_session_is_booked_there(client, auth, make, db):
    empty, busy = make.site(timezone="America/New_York"), make.site(timezone="America/New_York")
    make.session(site=busy)
    headers = auth("admin")
    moved = client.patch(f"{API}/sites/{empty.id}", headers=headers,
                         json={"timezone": "America/Chicago"})
    assert moved.status_code == 200 and moved.json["timezone"] == "America/Chicago"
    state = everything(db)
    refused = client.patch(f"{API}/sites/{busy.id}", headers=headers,
                           json={"timezone": "America/Chicago", "name": "Renamed"})
    assert refused.status_code == 409
    assert "cannot change once sessions are booked" in refused.json["message"]
    assert everything(db) == state
    same = client.patch(f"{API}/sites/{busy.id}", headers=headers,
                        json={"timezone": "America/New_York", "name": "Renamed"})
    assert same.status_code == 200 and same.json["name"] == "Renamed"


def test_chairs_have_unique_labels_per_site(client, auth, make, db):
    site, other = make.site(), make.site()
    headers = auth("admin")
    for label in ("Chair B", "Chair A"):
        created = client.post(f"{API}/sites/{site.id}/chairs", headers=headers,
                              json={"label": label})
        assert created.status_code == 201
        assert created.json["site_id"] == site.id and created.json["active"] is True
    duplicate = client.post(f"{API}/sites/{site.id}/chairs", headers=headers,
                            json={"label": "Chair A"})
    assert duplicate.status_code == 422
    assert "label" in duplicate.json["errors"]
    elsewhere = client.post(f"{API}/sites/{other.id}/chairs", headers=headers,
                            json={"label": "Chair A"})
    assert elsewhere.status_code == 201
    listed = client.get(f"{API}/sites/{site.id}/chairs", headers=auth("front_desk"))
    assert [c["label"] for c in listed.json] == ["Chair A", "Chair B"]
    missing = client.post(f"{API}/sites/{other.id + 100}/chairs", headers=headers,
                          json={"label": "X"})
    assert missing.status_code == 404


def test_policy_defaults_are_domain_md(client, auth, make):
    site = make.site()
    response = client.get(f"{API}/sites/{site.id}/policy", headers=auth("nurse"))
    assert response.status_code == 200
    assert response.json == {**DEFAULT_POLICY, "site_id": site.id, "version": 0}
    assert response.headers["ETag"] == '"0"'


def test_put_policy_replaces_and_versions_it(client, auth, make, db):
    site = make.site()
    headers = auth("admin")
    changed = {"bp_elevated": {"systolic": 150, "diastolic": 95}, "spo2_min": 90,
               "cadence_gap_days": {"induction": 3, "weekly": 8, "every_2_weeks": 16}}
    response = client.put(f"{API}/sites/{site.id}/policy", headers={**headers, "If-Match": '"0"'},
                          json=changed)
    assert response.status_code == 200, response.json
    assert response.json == {**DEFAULT_POLICY, **changed, "site_id": site.id, "version": 1}
    assert response.headers["ETag"] == '"1"'
    read = client.get(f"{API}/sites/{site.id}/policy", headers=headers).json
    assert read["spo2_min"] == 90 and read["version"] == 1
    # Keys left out of a PUT go back to their defaults.
    again = client.put(f"{API}/sites/{site.id}/policy", headers={**headers, "If-Match": '"1"'},
                       json={"fresh_minutes": 20})
    assert again.json == {**DEFAULT_POLICY, "fresh_minutes": 20, "site_id": site.id, "version": 2}
    [record] = rows(db, select(SitePolicyRecord))
    assert record.settings["fresh_minutes"] == 20 and record.settings["spo2_min"] == 92


@pytest.mark.parametrize(("body", "field"), [
    ({"bp_hold": {"systolic": 140, "diastolic": 120}}, "bp_hold"),  # P-BP-HOLD not above
    ({"bp_hold": {"systolic": 130, "diastolic": 80}}, "bp_hold"),
    ({"bp_alert": {"systolic": 170, "diastolic": 90}}, "bp_alert"),  # P-BP-ALERT not above
    ({"bp_elevated": {"systolic": 170, "diastolic": 105}}, "bp_alert"),  # raises past the alert
    ({"spo2_min": 79}, "spo2_min"),  # P-SPO2-MIN outside 80-100
    ({"spo2_min": 101}, "spo2_min"),
    ({"cadence_gap_days": {"induction": 9, "weekly": 9, "every_2_weeks": 17}}, "cadence_gap_days"),
    ({"cadence_gap_days": {"weekly": 20}}, "cadence_gap_days"),  # P-CADENCE not increasing
    ({"reminder_offsets_hours": [24, 24]}, "reminder_offsets_hours"),
    ({"slot_minutes": 90}, "slot_minutes"),  # the 120-minute monitoring must fit
    ({"observation_interval_minutes": 0}, "observation_interval_minutes"),
    ({"bp_elevated": {"systolic": "140", "diastolic": 90}}, "bp_elevated"),
    ({"bp_elevated": {"systolic": 140}}, "bp_elevated"),
    ({"p_bp_sometimes": 3}, "p_bp_sometimes"),  # unknown key
    ({"quiet_hours": {"start": "24:00", "end": "08:00"}}, "quiet_hours"),  # P-QUIET
    ({"quiet_hours": {"start": "21:00"}}, "quiet_hours"),
    ({"opening_hours": {"weekly": {"mon": [["12:00", "08:00"]]}}}, "opening_hours"),  # P-HOURS
    ({"opening_hours": {"weekly": {"mon": [["08:00", "13:00"], ["12:00", "18:00"]]}}},
     "opening_hours"),
    ({"opening_hours": {"weekly": {"mon": [["8am", "18:00"]]}}}, "opening_hours"),
    ({"opening_hours": {"weekly": {"someday": [["08:00", "18:00"]]}}}, "opening_hours"),
    ({"opening_hours": {"closures": [{"date": "2026-12-25", "reason": ""}]}}, "opening_hours"),
])
def test_put_policy_refuses_each_invalid_p_id(client, auth, make, db, body, field):
    site = make.site()
    headers = auth("admin")
    state = everything(db)
    response = client.put(f"{API}/sites/{site.id}/policy", headers=headers, json=body)
    assert response.status_code == 422
    assert field in response.json["errors"]
    assert everything(db) == state
    read = client.get(f"{API}/sites/{site.id}/policy", headers=headers).json
    assert read == {**DEFAULT_POLICY, "site_id": site.id, "version": 0}


def test_policy_of_a_missing_site_is_404(client, auth):
    assert client.get(f"{API}/sites/4242/policy", headers=auth("admin")).status_code == 404
    assert client.put(f"{API}/sites/4242/policy", headers=auth("admin"),
                      json={}).status_code == 404


def test_a_chair_out_of_use_takes_no_booking_and_its_sessions_stay(client, auth, make, db):
    site = make.site()
    chair = make.chair(site, label="Chair 2")
    make.chair(site, label="Chair 3")
    booked = make.session(site=site, chair=chair, scheduled_start=utcnow() + timedelta(days=2))
    elsewhere = make.site()
    headers = {role: auth(role) for role in ("admin", "scheduler", "nurse", "prescriber",
                                             "front_desk")}
    url = f"{API}/sites/{site.id}/chairs/{chair.id}"
    elsewhere_url = f"{API}/sites/{elsewhere.id}/chairs/{chair.id}"
    booked_id = booked.id
    db.rollback()  # SQLite: the test's own open transaction would hold the write lock
    taken = client.patch(url, headers=headers["admin"], json={"active": False})
    assert taken.status_code == 200, taken.json
    assert (taken.json["active"], taken.json["still_booked"]) == (False, 1)
    db.expire_all()
    assert db.get(type(booked), booked_id).state == "scheduled"  # moved by the schedulers
    db.rollback()
    clash = client.patch(url, headers=headers["admin"], json={"label": "Chair 3"})
    assert clash.status_code == 422 and "already exists" in clash.json["errors"]["label"][0]
    other_site = client.patch(elsewhere_url, headers=headers["admin"], json={"active": True})
    assert other_site.status_code == 404
    for role in ("scheduler", "nurse", "prescriber", "front_desk"):
        assert client.patch(url, headers=headers[role], json={"active": True}).status_code == 403
    back = client.patch(url, headers=headers["admin"],
                        json={"active": True, "label": "Recliner 2"})
    assert (back.json["active"], back.json["label"]) == (True, "Recliner 2")
    changes = select(AuditEvent).where(AuditEvent.entity == "chair",
                                       AuditEvent.action == "update")
    assert [event.after["active"] for event in db.exec(changes)] == [False, True]
