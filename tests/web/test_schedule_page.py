"""The schedule page: the day's grid frame for schedulers and prescribers."""
from datetime import timedelta

from spravato_ops.clock import utcnow
from spravato_ops.domain.calendar import local_date
from spravato_ops.models import Patient, SitePolicyRecord
from spravato_ops.services import alerts

from .pages import client_log_in as _log_in


def test_a_scheduler_lands_on_the_day_grid_with_chairs_and_lines(client, make):
    site = make.site(name="Riverside")
    make.chair(site, label="Chair A")
    make.chair(site, label="Chair B")
    _log_in(client, make.user("scheduler", site=site))
    response = client.get("/", follow_redirects=True)
    assert response.request.path == "/schedule"
    page = response.get_data(as_text=True)
    assert "Chair A" in page and "Chair B" in page
    assert 'aria-label="Book Chair B at 07:15"' in page
    assert "override-reason" not in page


def test_a_prescriber_gets_the_override_field_and_any_day(client, make):
    site = make.site()
    _log_in(client, make.user("prescriber"))
    page = client.get(f"/schedule?site_id={site.id}&date=2026-03-02").get_data(as_text=True)
    assert 'data-day="2026-03-02"' in page and "override-reason" in page
    assert "date=2026-03-09" in page and "date=2026-03-01" in page


def test_the_front_desk_does_not_use_the_schedule_page(client, make):
    _log_in(client, make.user("front_desk"))
    assert client.get("/schedule").status_code == 403


def test_the_grid_shades_the_hours_the_site_is_closed_p_hours(client, make):
    site = make.site(name="Riverside")
    make.chair(site, label="Chair A")
    make.db.add(SitePolicyRecord(site_id=site.id, version=1, updated_at=utcnow(), settings={
        "opening_hours": {"weekly": {"mon": [["06:30", "12:00"], ["13:00", "21:00"]]},
                          "closures": [{"date": "2026-12-25", "reason": "Christmas Day"}]}}))
    make.db.commit()
    _log_in(client, make.user("scheduler", site=site))
    monday = client.get(f"/schedule?site_id={site.id}&date=2026-12-07").get_data(as_text=True)
    assert 'aria-label="Book Chair A at 06:30"' in monday  # the grid starts at opening
    assert 'aria-label="Book Chair A at 06:15 (the site is closed then)"' in monday
    assert 'aria-label="Book Chair A at 12:15 (the site is closed then)"' in monday  # lunch
    assert 'aria-label="Book Chair A at 13:00"' in monday
    assert 'aria-label="Book Chair A at 20:45"' in monday
    assert "closed (opening hours)" in monday
    christmas = client.get(f"/schedule?site_id={site.id}&date=2026-12-25").get_data(as_text=True)
    assert "Closed: Christmas Day" in christmas


def test_the_schedulers_follow_ups_name_the_patient_and_link_to_them_r1_7(client, make):
    """Cadence gaps and failed reminders are the scheduler's follow-ups; others are counted."""
    site = make.site()
    session = make.session(site=site, chair=make.chair(site))
    patient = make.db.get(Patient, session.patient_id)
    for kind, role in (("cadence_gap", "scheduler"), ("rems_form_due", "nurse")):
        alerts.raise_alert(make.db, site_id=site.id, patient_id=patient.id, kind=kind, role=role,
                           message=f"{kind} message", dedupe_key=f"test:{kind}")
    make.db.commit()
    _log_in(client, make.user("scheduler", site=site))
    page = client.get(f"/schedule?site_id={site.id}").get_data(as_text=True)
    follow_ups = page[page.index('id="follow-ups"'):]
    assert f"{patient.first_name} {patient.last_name}</strong>:" in follow_ups
    assert f'href="/patients/{patient.id}" class="alert-message">cadence_gap message' in follow_ups
    assert "rems_form_due message" not in page and "1 more is for nurses." in page


def test_the_schedule_says_when_the_sites_rems_certification_ends_r4_1(client, make):
    today = local_date(utcnow(), "America/New_York")
    ending = make.site(name="Riverside", rems_certified_until=today + timedelta(days=9))
    lapsed = make.site(name="Hillside", rems_certified_until=today - timedelta(days=1))
    fine = make.site(name="Lakeside")
    _log_in(client, make.user("scheduler"))
    page = client.get(f"/schedule?site_id={ending.id}").get_data(as_text=True)
    assert (f"The REMS certification of Riverside ends on {today + timedelta(days=9)}, in 9 "
            "days: sessions after that day cannot be booked") in page
    page = client.get(f"/schedule?site_id={lapsed.id}").get_data(as_text=True)
    assert (f"No session can be booked at Hillside: its REMS certification ended on "
            f"{today - timedelta(days=1)} (R4.1)") in page
    page = client.get(f"/schedule?site_id={fine.id}").get_data(as_text=True)
    assert 'id="certification-status"' not in page
