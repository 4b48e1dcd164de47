"""The front-desk board page: the frame for the user's site, nothing clinical in it."""
from sqlmodel import select

from spravato_ops.clock import utcnow
from spravato_ops.models import AuditEvent, ChecklistEntry

from .pages import client_log_in as _log_in


def test_front_desk_lands_on_the_board_of_their_site(client, make):
    site = make.site(name="Riverside")
    make.site(name="Hilltop")
    make.session(site=site, planned_dose_mg=84)
    _log_in(client, make.user("front_desk", site=site))
    response = client.get("/", follow_redirects=True)
    assert response.request.path == "/board"
    page = response.get_data(as_text=True)
    assert "<h1>Riverside: today's patients" in page and "Hilltop" not in page
    assert f'data-site-id="{site.id}"' in page
    assert "84 mg" not in page and "dose" not in page.lower()


def test_the_board_refuses_a_site_the_user_does_not_work_at(client, make):
    site, other = make.site(), make.site()
    _log_in(client, make.user("front_desk", site=site))
    assert client.get(f"/board?site_id={other.id}").status_code == 404
    assert client.get(f"/board?site_id={site.id}").status_code == 200


def test_the_board_in_tv_mode_has_no_controls(client, make):
    site = make.site()
    _log_in(client, make.user("admin"))
    page = client.get(f"/board?site_id={site.id}&tv=1").get_data(as_text=True)
    assert 'class="board tv"' in page and "TV mode</a>" not in page


def test_a_sessions_patient_opens_from_the_board_at_ones_own_site_only(client, make):
    here, there = make.site(), make.site()
    mine, other = make.session(site=here), make.session(site=there)
    _log_in(client, make.user("front_desk", site=here))
    answer = client.get(f"/board/sessions/{mine.id}/patient")
    assert answer.status_code == 302 and answer.headers["Location"] == (
        f"/patients/{mine.patient_id}")
    assert client.get(f"/board/sessions/{other.id}/patient").status_code == 403
    assert client.get("/board/sessions/999999/patient").status_code == 404


def test_the_ride_home_page_shows_the_latest_ride_at_ones_own_site_only(client, make, db):
    """R3.5: the ride of the latest checklist entry that no later one corrects."""
    here, there = make.site(), make.site()
    mine, other, empty = (make.session(site=here), make.session(site=there),
                          make.session(site=here))
    nurse = make.user("nurse")
    first = ChecklistEntry(session_id=mine.id, recorded_by=nurse.id, recorded_at=utcnow(),
                           no_food_2h=True, no_liquids_30m=True, nasal_medication_ok=True,
                           transport_name="Sam Rivera", transport_phone="555-0199")
    db.add(first)
    db.commit()
    db.add(ChecklistEntry(session_id=mine.id, recorded_by=nurse.id, recorded_at=utcnow(),
                          no_food_2h=True, no_liquids_30m=True, nasal_medication_ok=True,
                          transport_name="Ana Rivera", transport_phone="555-0142",
                          amends_id=first.id, amend_reason="Wrong person."))
    db.commit()
    _log_in(client, make.user("front_desk", site=here))
    page = client.get(f"/board/sessions/{mine.id}/ride").get_data(as_text=True)
    assert "Ana Rivera" in page and 'href="tel:555-0142"' in page and "Sam Rivera" not in page
    [read] = db.exec(select(AuditEvent.entity_id).where(AuditEvent.action == "read",
                                                        AuditEvent.entity == "ride_home")).all()
    assert read == str(mine.id)  # who saw whose ride, when
    other_ride, empty_ride = (f"/board/sessions/{other.id}/ride",
                              f"/board/sessions/{empty.id}/ride")
    db.rollback()  # SQLite: the test's open transaction would hold the write lock
    assert client.get(other_ride).status_code == 403
    none_yet = client.get(empty_ride).get_data(as_text=True)
    assert "No ride home is recorded yet" in none_yet
