"""The nurse's tablet in a real browser: a whole session, flaky Wi-Fi, access, accessibility."""
import json
import urllib.request

from playwright.sync_api import expect
from sqlmodel import select

from spravato_ops.clock import utcnow
from spravato_ops.models import ObservationEntry, Patient, Site, StaffAlert
from spravato_ops.services import alerts as alert_service

from .conftest import LANDSCAPE, PORTRAIT, axe_violations, log_in, screenshot


def _day(server):
    site = server.make.site(name="Riverside")
    chair = server.make.chair(site, label="Chair 1")
    session = server.make.session(chair=chair, site=site, scheduled_start=utcnow())
    return session, server.make.user("nurse", site=site)


def _session_screen(server, tablet):
    """A nurse logged in on the session screen of today's session, its script ready."""
    session, nurse = _day(server)
    page = log_in(tablet.new_page(), server, nurse)
    page.goto(f"{server.url}/nurse/sessions/{session.id}")
    _ready(page)
    return session, page


def _at(page, server, session, minutes):
    """Move the server's clock to `minutes` after now and reopen the session screen."""
    server.move_clock(minutes * 60)
    page.goto(f"{server.url}/nurse/sessions/{session.id}")
    _ready(page)


def _ready(page):
    """Wait until the page's script has drawn the readiness panel (its forms are live)."""
    expect(page.locator("#readiness-summary")).not_to_have_text("Loading…")


def _save(page, form_id, button):
    page.locator(f"#{form_id}").get_by_role("button", name=button).click()
    expect(page.locator(f"#{form_id} .entry-status")).to_have_text("Saved.")


def _blood_pressure(page, timepoint, systolic=128, diastolic=80):
    page.get_by_label("Time point").select_option(timepoint)
    for label, value in (("Systolic", systolic), ("Diastolic", diastolic), ("Heart rate", 72)):
        page.get_by_label(label, exact=True).fill(str(value))
    page.locator("#vitals_spo2").fill("98")
    _save(page, "vitals-form", "Save blood pressure")


def _observation(page):
    form = page.locator("#observation-form")
    form.get_by_text("Responds readily to name").click()
    form.get_by_label("none").check()
    form.get_by_label("SpO2").fill("98")
    _save(page, "observation-form", "Record observation")


def _first_device(page):
    """Arrival, the R1.6 checklist with the ride home, pre-dose BP and the first device."""
    _save(page, "arrival-form", "Mark as arrived")
    for toggle in ("No food for 2 hours", "No liquids for 30 minutes", "Nasal medication"):
        page.get_by_text(toggle).click()
    page.get_by_label("Ride home: name").fill("Sam Rivera")
    page.get_by_label("Ride home: phone").fill("555-0199")
    _save(page, "checklist-form", "Save checklist")
    page.get_by_label("Systolic", exact=True).fill("150")
    page.get_by_label("Diastolic", exact=True).fill("80")
    expect(page.locator("#bp-verdict")).to_contain_text("Soft stop (R2.1)")
    _blood_pressure(page, "pre_dose")
    expect(page.locator("#bp-verdict")).to_contain_text("ok for dosing")
    page.get_by_label("Lot number").fill("LOT-7")
    _save(page, "device-form", "Record device")


def _timer(page, name):
    return page.locator("#timers li", has_text=name)


def _both_orientations(page, name):
    screenshot(page, f"{name}-portrait")
    page.set_viewport_size(LANDSCAPE)
    screenshot(page, f"{name}-landscape")
    page.set_viewport_size(PORTRAIT)


def test_a_nurse_runs_a_whole_session_and_discharges_the_patient(server, tablet):
    """R1.6, R2.1, R1.5, R3.2, R2.2, R3.4: the session screen from arrival to discharge."""
    session, nurse = _day(server)
    page = log_in(tablet.new_page(), server, nurse)
    assert page.url.endswith("/nurse")
    expect(page.locator("#chairs")).to_contain_text("Chair 1")
    _both_orientations(page, "nurse-chairs")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Alex").click()
    _ready(page)
    time_point = page.get_by_label("Time point")
    expect(time_point).to_have_value("pre_dose")  # the form offers the reading due next
    parts = page.get_by_role("navigation", name="Parts of this session")
    parts.get_by_role("link", name="Observation").click()
    expect(page.get_by_role("heading", name="Observation")).to_be_in_viewport()
    expect(parts).to_be_in_viewport()  # it stays in view
    _first_device(page)
    expect(time_point).to_have_value("post_dose")
    expect(_timer(page, "Next device")).to_contain_text("in 4 min")
    _at(page, server, session, 5.1)
    expect(page.get_by_label("Lot number")).to_have_value("LOT-7")
    expect(_timer(page, "Next device")).to_contain_text("due")
    _save(page, "device-form", "Record device")
    expect(page.locator("#devices-done")).to_have_text("2 devices recorded.")
    for minutes in (15, 30):
        _at(page, server, session, minutes)
        _observation(page)
    _at(page, server, session, 47)
    expect(_timer(page, "40-minute blood pressure")).to_contain_text("due now")
    expect(_timer(page, "Next observation")).to_contain_text("due")
    _at(page, server, session, 55)
    expect(_timer(page, "40-minute blood pressure")).to_contain_text("overdue by")
    expect(time_point).to_have_value("post_dose")
    _blood_pressure(page, "post_dose")  # late, outside 30-60 would be refused by R2.2
    expect(time_point).to_have_value("pre_discharge")
    for minutes in (60, 75, 90, 105):
        _at(page, server, session, minutes)
        _observation(page)
    two_hours = page.locator("#readiness li", has_text="2 hours since the first device (R3.1):")
    expect(two_hours).to_contain_text("not met")
    expect(page.locator("#readiness-summary")).to_contain_text("Not ready yet")
    _at(page, server, session, 121)
    _observation(page)
    _blood_pressure(page, "pre_discharge")
    expect(page.locator("#readiness-summary")).to_have_text("Ready to go")
    _both_orientations(page, "nurse-session")
    assert axe_violations(page) == []
    page.get_by_text("The patient is clinically stable").click()
    _save(page, "discharge-form", "Discharge")
    expect(page.locator("#state")).to_have_text("discharged")
    page.get_by_role("link", name="This session's REMS monitoring form (R4.3)").click()
    expect(page.locator(f"#form-{session.id}")).to_contain_text("Alex")  # its card, outlined


def test_an_observation_saved_offline_is_stored_once_when_the_network_returns(server, tablet):
    """The entry keeps its Idempotency-Key through a lost answer, offline and a reload offline."""
    session, page = _session_screen(server, tablet)
    _first_device(page)
    # The first answer is lost on the way back: the server has written, the tablet does not know.
    lost = []

    def lose_the_answer(route):
        if lost:  # only the first answer is lost
            route.continue_()
            return
        request = route.request
        lost.append(request.headers["idempotency-key"])
        headers = {k: v for k, v in request.all_headers().items() if not k.startswith(":")}
        with urllib.request.urlopen(urllib.request.Request(
                request.url, data=request.post_data_buffer, headers=headers,
                method="POST"), timeout=10) as answer:
            assert answer.status == 201
        route.abort("internetdisconnected")

    page.route("**/observations", lose_the_answer)
    form = page.locator("#observation-form")
    form.get_by_text("Responds readily to name").click()
    form.get_by_label("none").check()
    form.get_by_label("SpO2").fill("97")
    form.get_by_role("button", name="Record observation").click()
    expect(form.locator(".entry-status")).to_contain_text("Not saved yet")
    page.wait_for_function("async () => Boolean(navigator.serviceWorker.controller"
                           " && await caches.match(location.href))")
    tablet.set_offline(True)
    page.unroute("**/observations")
    expect(page.locator("#connection")).to_be_visible()
    stored = json.loads(page.evaluate(f"localStorage.getItem('outbox:session:{session.id}')"))
    assert [item["key"] for item in stored] == lost[:1]
    # Reloaded offline: the screen comes from the tablet's copy, the entry still waiting.
    reloaded = page.reload()
    assert reloaded is not None and reloaded.from_service_worker
    expect(page.locator("#connection")).to_be_visible()
    expect(form.locator(".entry-status")).to_contain_text("Not saved yet")
    tablet.set_offline(False)
    expect(page.locator("#entries li", has_text="SpO2 97%")).to_have_count(1)
    page.wait_for_function(f"localStorage.getItem('outbox:session:{session.id}') === '[]'")
    server.db.expire_all()
    rows = server.db.exec(select(ObservationEntry)
                          .where(ObservationEntry.session_id == session.id)).all()
    assert len(rows) == 1 and rows[0].spo2 == 97
    server.db.rollback()  # SQLite: the logout below writes
    page.get_by_role("button", name="Log out").click()
    page.wait_for_function("async () => !(await caches.has('nurse-offline'))")


def test_a_refused_entry_is_shown_beside_its_fields_and_not_retried(server, tablet):
    """A 422 answer names the field next to it and leaves nothing waiting in the outbox."""
    session, page = _session_screen(server, tablet)
    _save(page, "arrival-form", "Mark as arrived")
    page.get_by_label("Systolic", exact=True).fill("12x")
    page.get_by_role("button", name="Save blood pressure").click()
    form = page.locator("#vitals-form")
    expect(form.locator(".entry-status")).to_contain_text("Not saved")
    expect(form.locator(".error-message").first).to_be_visible()
    expect(page.get_by_label("Systolic", exact=True)).to_have_attribute("aria-invalid", "true")
    assert page.evaluate(f"localStorage.getItem('outbox:session:{session.id}')") == "[]"


def test_front_desk_opening_a_session_screen_gets_the_403_page(server, tablet):
    session, _ = _day(server)
    desk = server.make.user("front_desk")
    page = log_in(tablet.new_page(), server, desk)
    response = page.goto(f"{server.url}/nurse/sessions/{session.id}")
    assert response.status == 403
    expect(page.locator("main")).to_contain_text("does not use this page")
    assert axe_violations(page) == []


def _raise(server, session, kind, message, role=None):
    alert_service.raise_alert(server.db, site_id=session.site_id, session_id=session.id,
                              patient_id=session.patient_id, kind=kind, message=message,
                              role=role, dedupe_key=f"test:{kind}:{session.id}")
    server.db.commit()


def test_the_nurse_sees_open_alerts_acknowledges_one_and_hears_of_a_new_one(server, tablet):
    """The alerts about the chairs come first, each naming its patient and chair; the
    follow-ups (R4.3 forms) come after the chairs, without the sound; others' are counted."""
    session, nurse = _day(server)
    patient = server.db.get(Patient, session.patient_id)
    name = f"{patient.first_name} {patient.last_name}"
    _raise(server, session, "observation_overdue", "Observation overdue (R3.2)")
    _raise(server, session, "rems_form_due", "The REMS form is due (R4.3)", role="nurse")
    _raise(server, session, "cadence_gap", "Next session needed (R1.7)", role="scheduler")
    page = log_in(tablet.new_page(), server, nurse)
    alerts, follow_ups = page.locator("#open-alerts"), page.locator("#follow-ups")
    expect(alerts).to_contain_text(f"{name} · Chair 1: Observation overdue (R3.2)")
    expect(alerts).to_contain_text("Warning")
    expect(follow_ups).to_contain_text(f"{name}: The REMS form is due (R4.3)")
    expect(page.locator(".follow-ups")).to_contain_text("1 more is for schedulers.")
    expect(page.locator("body")).not_to_contain_text("Next session needed")
    form_link = follow_ups.get_by_role("link", name="The REMS form is due (R4.3)")
    assert form_link.get_attribute("href").endswith(f"#form-{session.id}")
    screenshot(page, "nurse-day-alerts-portrait")
    assert axe_violations(page) == []
    page.get_by_role("button", name=f"Acknowledge: {name}: Observation overdue (R3.2)").click()
    expect(alerts).to_contain_text("Nothing needs attention now.")
    expect(page.locator("#open-alerts-title")).to_have_text("Needs attention now (0)")
    server.db.expire_all()
    acknowledged = server.db.exec(select(StaffAlert).where(
        StaffAlert.kind == "observation_overdue")).one()
    assert acknowledged.acknowledged_by == nurse.id and acknowledged.acknowledged_at is not None
    server.db.rollback()
    _raise(server, session, "rems_form_overdue", "The REMS form is overdue (R4.3)", role="nurse")
    expect(follow_ups).to_contain_text("The REMS form is overdue (R4.3)", timeout=15000)
    expect(page.locator("#alert-banner")).to_be_hidden()
    _raise(server, session, "respiratory_depression", "Respiratory depression (R3.3)")
    expect(page.locator("#alert-banner")).to_be_visible(timeout=15000)
    expect(page.locator("#alert-text")).to_contain_text(f"{name} · Chair 1: Respiratory depression")
    expect(alerts).to_contain_text("Emergency")


def test_the_session_screen_tells_of_an_emergency_at_another_chair(server, tablet):
    """On one patient's screen the nurse still sees and hears a new alert about any chair of
    the site (R3.3), names it by patient and chair, and acknowledges it there."""
    session, page = _session_screen(server, tablet)
    other = server.make.session(chair=server.make.chair(server.db.get(Site, session.site_id),
                                                        label="Chair 2"),
                                site=server.db.get(Site, session.site_id),
                                scheduled_start=utcnow())
    patient = server.db.get(Patient, other.patient_id)
    name = f"{patient.first_name} {patient.last_name}"
    server.db.rollback()
    site_alerts = page.locator("#site-alerts")
    expect(site_alerts).to_be_hidden()
    _raise(server, other, "respiratory_depression", "Respiratory depression (R3.3)")
    expect(page.locator("#alert-banner")).to_be_visible(timeout=15000)
    expect(page.locator("#alert-text")).to_contain_text(
        f"{name} · Chair 2: Respiratory depression (R3.3)")
    expect(site_alerts).to_contain_text("Emergency")
    link = site_alerts.get_by_role("link", name="Respiratory depression (R3.3)")
    assert link.get_attribute("href") == f"/nurse/sessions/{other.id}"
    screenshot(page, "nurse-session-site-alert", full_page=False)
    assert axe_violations(page) == []
    page.get_by_role("button", name=f"Acknowledge: {name}: Respiratory depression (R3.3)").click()
    expect(site_alerts).to_be_hidden()
    expect(page.locator("#alert-banner")).to_be_hidden()


def test_the_nurse_corrects_the_ride_home_and_resolves_an_adverse_event(server, tablet):
    """Corrections are new entries (the struck one stays): the checklist, an adverse event."""
    session, page = _session_screen(server, tablet)
    _first_device(page)
    entries = page.locator("#entries")
    page.get_by_role("button", name="Amend: Checklist; ride home Sam Rivera").click()
    page.get_by_label("Ride home: name").fill("Kim Rivera")
    page.get_by_label("Reason for the correction").fill("Sister drives instead")
    _save(page, "checklist-form", "Save checklist")
    expect(entries.locator("li.amended del")).to_have_text("Checklist; ride home Sam Rivera")
    expect(entries).to_contain_text("Checklist; ride home Kim Rivera")
    page.get_by_label("Description").fill("Nausea")
    _save(page, "adverse-form", "Record adverse event")
    page.get_by_role("button", name="Mark resolved: Adverse event: Nausea").click()
    expect(entries).to_contain_text("Adverse event: Nausea, resolved")
    expect(page.get_by_role("button", name="Mark resolved: Adverse event: Nausea")).to_have_count(0)
    screenshot(page, "nurse-session-corrections")


def test_the_blood_pressure_form_offers_the_recheck_an_alerting_reading_calls_for(server,
                                                                                  tablet):
    """R2.3: after a post-dose reading above P-BP-ALERT the next reading offered is the
    recheck, until one no longer alerts; then the reading before discharge (R2.4)."""
    session, page = _session_screen(server, tablet)
    _first_device(page)
    time_point = page.get_by_label("Time point")
    _at(page, server, session, 40)
    expect(time_point).to_have_value("post_dose")
    _blood_pressure(page, "post_dose", systolic=172, diastolic=104)
    expect(time_point).to_have_value("recheck")
    expect(_timer(page, "Blood pressure recheck")).to_be_visible()
    _at(page, server, session, 55)
    expect(time_point).to_have_value("recheck")
    _blood_pressure(page, "recheck", systolic=132, diastolic=82)
    expect(time_point).to_have_value("pre_discharge")


def test_the_day_list_prints_without_the_pages_controls(server, tablet):
    session, nurse = _day(server)
    page = log_in(tablet.new_page(), server, nurse)
    page.get_by_role("link", name="Today's list to print").click()
    expect(page.locator("table.day-list tbody tr")).to_have_count(1)
    assert axe_violations(page) == []
    page.emulate_media(media="print")
    expect(page.locator("header.top")).to_be_hidden()
    expect(page.get_by_role("button", name="Print the day list")).to_be_hidden()
    screenshot(page, "nurse-day-list-print")
