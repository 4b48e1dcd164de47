"""The patients' pages: search, and a record the front desk sees as name and contact only."""
from freezegun import freeze_time

from .pages import client_log_in as _log_in


def test_search_finds_a_patient_by_part_of_the_name(client, make):
    make.patient(first_name="Jordan", last_name="Lee", mrn="MRN-77")
    make.patient(first_name="Sam", last_name="Park")
    _log_in(client, make.user("scheduler"))
    page = client.get("/patients?q=jor").get_data(as_text=True)
    assert "Lee, Jordan" in page and "MRN-77" in page and "Park" not in page
    assert 'id="register-form"' in page


def test_the_record_shows_courses_sessions_and_enrollment_to_staff(client, make):
    record = make.session(planned_dose_mg=84)
    _log_in(client, make.user("prescriber"))
    page = client.get(f"/patients/{record.patient_id}").get_data(as_text=True)
    assert "84 mg" in page and "TRD" in page and "Enrolled" in page


def test_the_front_desk_sees_name_and_contact_only(client, make):
    record = make.session(planned_dose_mg=84)
    _log_in(client, make.user("front_desk"))
    page = client.get(f"/patients/{record.patient_id}").get_data(as_text=True)
    assert "555-0101" in page
    assert not any(word in page for word in ("84 mg", "TRD", "MRN", "REMS", "Screening"))
    assert 'id="register-form"' not in client.get("/patients?q=a").get_data(as_text=True)


def test_an_unknown_patient_is_a_404(client, make):
    _log_in(client, make.user("scheduler"))
    assert client.get("/patients/999999").status_code == 404


def test_the_screening_day_is_the_sites_day_r5(client, make):
    """Recorded at 03:00 UTC on 4 Dec is the evening of 3 Dec at a New York site."""
    with freeze_time("2026-12-04T03:00:00Z"):
        site = make.site(timezone="America/New_York")
        record = make.session(site=site, chair=make.chair(site))
    _log_in(client, make.user("prescriber"))
    page = client.get(f"/patients/{record.patient_id}").get_data(as_text=True)
    assert "Recorded</span> on 2026-12-03" in page
