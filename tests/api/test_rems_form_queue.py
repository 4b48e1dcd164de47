"""The REMS form work queue (R4.3): every form that is due, oldest deadline first, by status
and site, limited to the sites a user works at; forms written by the sweep."""
from datetime import date, datetime, timedelta, timezone

import pytest
from freezegun import freeze_time
from sqlmodel import select

from spravato_ops.models import Discharge, ObservationEntry, RemsForm, VitalsEntry
from spravato_ops.services.rems_form_rows import FORM_LOOKBACK, sync_forms

from .treatment_support import API

NOW = datetime(2026, 3, 12, 15, 0, tzinfo=timezone.utc)


def discharged(make, site, day):
    """A session of `day` (10:00 in New York) stored as discharged, with no entries."""
    start = datetime(day.year, day.month, day.day, 15, tzinfo=timezone.utc)
    return make.session(site=site, state="discharged", scheduled_start=start).id


def sweep(db):
    """What the scheduler's rems-form-alerts job does first: write the missing forms."""
    written = sync_forms(db, now=NOW, lookback=FORM_LOOKBACK)
    db.commit()
    return written


@pytest.fixture
def clinics(make, db):
    north, south = make.site(name="North"), make.site(name="South")
    with freeze_time(NOW):
        ids = {"north_10": discharged(make, north, date(2026, 3, 10)),
               "north_2": discharged(make, north, date(2026, 3, 2)),
               "south_6": discharged(make, south, date(2026, 3, 6)),
               "north_11": discharged(make, north, date(2026, 3, 11))}
        make.session(site=north, state="scheduled", scheduled_start=NOW + timedelta(days=1))
        inpatient = make.site(name="Ward", setting_type="inpatient")
        discharged(make, inpatient, date(2026, 3, 9))  # R4.2: inpatient sites file no form
        assert sweep(db) == (4, 0)
        yield north, south, ids


def listed(client, headers, **query):
    response = client.get(f"{API}/rems-forms", headers=headers, query_string=query)
    assert response.status_code == 200, response.json
    return response.json


def test_R4_3_the_queue_lists_every_form_due_oldest_deadline_first(client, make, clinics):
    _, _, ids = clinics
    with freeze_time(NOW):
        forms = listed(client, make.auth_headers("nurse"))
    assert [f["session_id"] for f in forms] == [ids["north_2"], ids["south_6"],
                                                ids["north_10"], ids["north_11"]]
    assert [f["status"] for f in forms] == ["overdue", "draft", "draft", "draft"]
    assert [f["days_left"] for f in forms] == [-3, 1, 5, 6]
    assert {p["code"] for p in forms[0]["problems"]} >= {"bp_40_minutes_missing",
                                                         "pre_discharge_bp_missing"}
    assert forms[0]["patient_name"].startswith("Alex ")


def test_the_queue_by_status_and_site(client, make, db, clinics):
    north, south, ids = clinics
    headers = make.auth_headers("prescriber")
    row = db.exec(select(RemsForm).where(RemsForm.session_id == ids["north_10"])).one()
    row.status, row.submitted_at = "submitted", NOW
    db.add(row)
    db.commit()
    with freeze_time(NOW):
        assert [f["session_id"] for f in listed(client, headers, status="overdue")] == [
            ids["north_2"]]
        assert [f["session_id"] for f in listed(client, headers, status="draft")] == [
            ids["south_6"], ids["north_11"]]
        assert [f["session_id"] for f in listed(client, headers, status="submitted")] == [
            ids["north_10"]]
        assert listed(client, headers, status="ready") == []
        assert [f["session_id"] for f in listed(client, headers, site_id=south.id)] == [
            ids["south_6"]]
        assert [f["session_id"] for f in listed(client, headers, limit=1, offset=1)] == [
            ids["south_6"]]
    bad = client.get(f"{API}/rems-forms", headers=headers, query_string={"status": "late"})
    assert bad.status_code == 422 and set(bad.json["errors"]) == {"status"}


def test_the_queue_keeps_to_the_sites_a_user_works_at(client, make, clinics):
    north, south, ids = clinics
    headers = make.auth_headers("nurse", site=north)
    with freeze_time(NOW):
        assert {f["site_id"] for f in listed(client, headers)} == {north.id}
        other = client.get(f"{API}/rems-forms", headers=headers,
                           query_string={"site_id": south.id})
    assert other.status_code == 403


def test_a_second_sweep_writes_no_form_again(db, clinics):
    assert sweep(db) == (0, 0)
    assert len(db.exec(select(RemsForm)).all()) == 4


def test_R4_3_readings_stored_without_spo2_leave_pulse_oximetry_missing(client, make, db):
    """Rows from before SpO2 was required (schemas: every new reading has one, R3.3)."""
    site = make.site()
    nurse = make.user("nurse")
    first = datetime(2026, 3, 2, 14, 0, tzinfo=timezone.utc)
    session_id = make.session(site=site, state="discharged", scheduled_start=first).id
    rows = [VitalsEntry(timepoint="pre_dose", systolic=128, diastolic=80, heart_rate=70,
                        taken_at=first - timedelta(minutes=5)),
            ObservationEntry(observed_at=first + timedelta(minutes=30), moaas=5,
                             dissociation="none", respiratory_depression=False),
            Discharge(discharged_at=first + timedelta(minutes=125), clinically_stable=True,
                      ready_to_leave_at=first + timedelta(minutes=90))]
    for row in rows:
        row.session_id, row.recorded_by, row.recorded_at = session_id, nurse.id, first
        db.add(row)
    db.commit()
    with freeze_time(first + timedelta(hours=3)):
        body = client.get(f"{API}/sessions/{session_id}/rems-form",
                          headers=make.auth_headers("nurse")).json
    assert "pulse_oximetry_missing" in [p["code"] for p in body["problems"]]
    assert body["fields"]["pulse_oximetry"] is False
    assert body["form_id"] is None  # not written yet: the sweep or a signature writes it
