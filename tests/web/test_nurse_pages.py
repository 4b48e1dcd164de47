"""The nurse's pages through the test client: today's chairs, the session screen, access."""
from datetime import timedelta

from sqlmodel import select

from spravato_ops.clock import utcnow
from spravato_ops.models import AuditEvent, Patient, TreatmentCourse
from spravato_ops.services import alerts

from .pages import client_log_in as _log_in


def _today_at(make, site, chair_label="Chair A"):
    chair = make.chair(site, label=chair_label)
    # Now, not a little later: a later start falls on the site's next day near its midnight.
    return make.session(chair=chair, site=site, scheduled_start=utcnow())


def test_a_nurse_lands_on_todays_chairs_of_her_site(client, make):
    site, other = make.site(name="Riverside"), make.site(name="Hillside")
    mine, theirs = _today_at(make, site), _today_at(make, other, "Chair Z")
    _log_in(client, make.user("nurse", site=site))
    response = client.get("/", follow_redirects=True)
    assert response.request.path == "/nurse"
    page = response.get_data(as_text=True)
    assert "Riverside" in page and "Chair A" in page and "scheduled" in page
    assert f"/nurse/sessions/{mine.id}" in page
    assert f"/nurse/sessions/{theirs.id}" not in page and "Chair Z" not in page


def test_a_prescriber_lands_on_the_nurse_page(client, make):
    _log_in(client, make.user("prescriber", site=make.site()))
    assert client.get("/", follow_redirects=True).request.path == "/nurse"


def test_a_nurse_with_two_sites_picks_one_and_it_is_kept(client, make):
    first, second = make.site(name="Aardvark Clinic"), make.site(name="Zebra Clinic")
    nurse = make.user("nurse", site=first)
    _add_site(make, nurse, second)
    _today_at(make, second, "Chair Z")
    _log_in(client, nurse)
    assert "Chair Z" not in client.get("/nurse").get_data(as_text=True)
    assert client.post("/nurse/site", data={"site_id": second.id}).status_code == 302
    page = client.get("/nurse").get_data(as_text=True)
    assert "Today's chairs at Zebra Clinic" in page and "Chair Z" in page


def _add_site(make, user, site):
    from spravato_ops.models import UserSite

    make._save(UserSite(user_id=user.id, site_id=site.id))


def test_the_session_screen_shows_the_header_and_labelled_inputs(client, make):
    site = make.site()
    session = _today_at(make, site)
    course = make.db.get(TreatmentCourse, session.course_id)
    course.start_date = session.local_day - timedelta(days=8)  # R1.1: induction, week 2
    make.db.commit()
    _log_in(client, make.user("nurse", site=site))
    response = client.get(f"/nurse/sessions/{session.id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for words in ("Alex Rivera", "17 May 1980", "TRD, induction week 2, session 1",
                  "56 mg (2 devices)", "Chair A",
                  "REMS patient id", "RP", ">Systolic<", ">Diastolic<", ">Heart rate<", ">SpO2<",
                  ">Lot number<", "MOAA/S", "Dissociation", "Save blood pressure",
                  "Record device", "Record observation", ">Discharge<"):
        assert words in page, words
    assert 'inputmode="numeric"' in page and "<script>" not in page


def test_the_header_numbers_the_session_without_cancelled_ones_and_says_not_enrolled(
        client, make):
    """R1.1/R1.3: the session's number in its course counts the earlier sessions that were not
    cancelled or missed; a patient without a REMS enrollment is shown as not enrolled."""
    site = make.site()
    chair = make.chair(site)
    course = make.course(patient=make.patient(enrolled=False))
    today = utcnow() + timedelta(minutes=5)
    for days, state in ((7, "discharged"), (5, "cancelled"), (4, "no_show"), (3, "discharged")):
        make.session(course=course, chair=chair, site=site, state=state,
                     scheduled_start=today - timedelta(days=days))
    session = make.session(course=course, chair=chair, site=site, scheduled_start=today)
    make.session(course=course, chair=chair, site=site, scheduled_start=today + timedelta(days=3))
    _log_in(client, make.user("nurse", site=site))
    page = client.get(f"/nurse/sessions/{session.id}").get_data(as_text=True)
    assert ", session 3</dd>" in page
    assert "not enrolled" in page


def test_front_desk_gets_the_403_page_for_a_session_screen(client, make):
    site = make.site()
    session = _today_at(make, site)
    _log_in(client, make.user("front_desk", site=site))
    response = client.get(f"/nurse/sessions/{session.id}")
    assert response.status_code == 403 and response.mimetype == "text/html"
    assert "does not use this page" in response.get_data(as_text=True)


def test_a_nurse_of_another_site_gets_the_403_page(client, make):
    session = _today_at(make, make.site())
    _log_in(client, make.user("nurse", site=make.site()))
    response = client.get(f"/nurse/sessions/{session.id}")
    assert response.status_code == 403 and response.mimetype == "text/html"


def test_an_unknown_session_is_a_404_page(client, make):
    _log_in(client, make.user("nurse", site=make.site()))
    response = client.get("/nurse/sessions/999999")
    assert response.status_code == 404 and response.mimetype == "text/html"


def test_without_a_login_the_session_screen_goes_to_login_with_next(client):
    response = client.get("/nurse/sessions/7")
    assert response.headers["Location"] == "/login?next=/nurse/sessions/7"


def test_the_offline_worker_is_served_under_the_nurse_pages_for_its_scope(client):
    response = client.get("/nurse/service-worker.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-store"  # a new version is taken at once
    assert "/nurse/sessions/" in response.get_data(as_text=True)


def test_the_site_alerts_of_the_session_screen_are_the_nurses_sites_alone(client, make):
    """GET /nurse/alerts: the alerts about the site's chairs, by patient and chair (R3.3);
    another site's are 403, and the front desk does not use it."""
    site, other = make.site(name="Riverside"), make.site(name="Hillside")
    session = _today_at(make, site, "Chair B")
    alerts.raise_alert(make.db, site_id=site.id, session_id=session.id,
                       kind="respiratory_depression", message="Respiratory depression (R3.3)",
                       dedupe_key="test:rd")
    alerts.raise_alert(make.db, site_id=site.id, session_id=session.id, kind="rems_form_due",
                       role="nurse", message="The form is due (R4.3)", dedupe_key="test:form")
    make.db.commit()
    patient = make.db.get(Patient, session.patient_id)
    _log_in(client, make.user("nurse", site=site))
    fragment = client.get(f"/nurse/alerts?site_id={site.id}").get_data(as_text=True)
    assert f"{patient.first_name} {patient.last_name}</strong> · Chair B:" in fragment
    assert "Respiratory depression (R3.3)" in fragment and "Emergency" in fragment
    assert "The form is due" not in fragment  # a follow-up: on the chairs page only
    assert "<html" not in fragment  # the list alone, for the page's script
    assert client.get(f"/nurse/alerts?site_id={other.id}").status_code == 403
    _log_in(client, make.user("front_desk", site=site))
    assert client.get(f"/nurse/alerts?site_id={site.id}").status_code == 403


def test_the_day_list_prints_todays_sessions_with_what_the_huddle_needs(client, make, db):
    """R1.1: each session's course phase, week and number in the course, first ones marked;
    cancelled sessions left out; another site's not shown."""
    site = make.site(name="Riverside", timezone="UTC")
    nurse = make.user("nurse", site=site)
    patient = make.patient(first_name="Maria", last_name="Lopez")
    course = make.course(patient=patient, start_date=utcnow().date())
    make.session(course=course, site=site, planned_dose_mg=56, scheduled_start=utcnow())
    make.session(site=site, state="cancelled", scheduled_start=utcnow())
    make.session(site=make.site(name="Hillside"), scheduled_start=utcnow())
    _log_in(client, nurse)
    assert f'href="/nurse/day-list?site_id={site.id}"' in client.get("/nurse").get_data(
        as_text=True)
    page = client.get(f"/nurse/day-list?site_id={site.id}").get_data(as_text=True)
    assert "Lopez, Maria" in page and "56 mg (2 devices)" in page
    assert "TRD, induction week 1, session 1" in page and "First session of the course." in page
    assert "1 session, in time order" in page
    audited = db.exec(select(AuditEvent.entity_id).where(AuditEvent.entity == "day_list")).all()
    assert audited == [str(site.id)]  # who printed whose list, when
    db.rollback()  # SQLite: the test's open transaction would hold the write lock
    _log_in(client, make.user("front_desk"))
    assert client.get("/nurse/day-list").status_code == 403
