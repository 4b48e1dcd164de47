"""R3.5 ride home: the front desk records when the patient's ride came; the board shows it."""
from sqlmodel import select

from spravato_ops.models import AuditEvent

from .treatment_support import API, at, iso, stored_rows


def test_front_desk_records_the_ride_home_while_the_patient_is_observed(day, db):
    day.to_observing()
    day.at(90)
    answer = day.ok(day.post("/transport", headers=day.desk), 200)
    assert answer["ride_arrived_at"] == iso(at(90)) and answer["state"] == "observing"
    assert "planned_dose_mg" not in answer
    board = day.client.get(f"{API}/board?site_id={day.site.id}", headers=day.desk).json
    assert board[0]["ride_arrived_at"] == iso(at(90))
    assert board[0]["arrived_at"] == iso(at(-20))
    audited = stored_rows(db, select(AuditEvent.after).where(AuditEvent.entity == "session"))
    assert any(after and after.get("ride_arrived_at") for after in audited)


def test_the_ride_home_is_refused_before_check_in(day):
    refused = day.post("/transport", headers=day.desk)
    assert refused.status_code == 409
    assert "Cannot confirm the ride home: the session is scheduled." in str(refused.json)


def test_the_ride_home_time_is_checked_like_every_time(day):
    day.to_checked_in()
    late = day.post("/transport", {"arrived_at": iso(at(600))}, headers=day.desk)
    assert late.status_code == 422 and "arrived_at" in late.json["errors"], late.json


def test_a_scheduler_does_not_record_rides(day, make):
    day.to_checked_in()
    scheduler = make.auth_headers("scheduler", site=day.site)
    assert day.post("/transport", headers=scheduler).status_code == 403
