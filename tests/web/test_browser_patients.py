"""The patients' pages in a real browser: a refused date of birth keeps every typed field;
contact details are changed with If-Match."""
import re
from datetime import timedelta

from playwright.sync_api import expect

from spravato_ops.clock import utcnow
from spravato_ops.domain.calendar import zone
from spravato_ops.models import Reminder
from spravato_ops.services.courses import update_course

from .conftest import axe_violations, log_in, screenshot


def test_registering_with_an_impossible_birth_date_shows_the_field_error(server, tablet):
    page = log_in(tablet.new_page(), server, server.make.user("scheduler"))
    page.goto(f"{server.url}/patients")
    assert axe_violations(page) == []
    page.get_by_label("MRN", exact=True).fill("MRN-9001")
    page.get_by_label("First name").fill("Robin")
    page.get_by_label("Last name").fill("Okafor")
    page.get_by_label("Date of birth").fill("1850-01-01")
    page.get_by_label("Phone", exact=True).fill("555-0142")
    page.get_by_role("button", name="Register patient").click()
    message = page.locator('[data-error="date_of_birth"]')
    expect(message).to_be_visible()
    expect(page.locator(".error-summary")).to_contain_text("date of birth")
    assert page.get_by_label("First name").input_value() == "Robin"
    assert page.get_by_label("Phone", exact=True).input_value() == "555-0142"
    screenshot(page, "patients-register-error")
    assert axe_violations(page) == []

    page.get_by_label("Date of birth").fill("1981-04-02")
    page.get_by_role("button", name="Register patient").click()
    expect(page.get_by_role("heading", name="Robin Okafor")).to_be_visible()
    expect(page.locator("body")).to_contain_text("MRN-9001")
    screenshot(page, "patient-record")
    assert axe_violations(page) == []

    page.get_by_label("Phone", exact=True).fill("555-0199")
    page.get_by_role("button", name="Save contact details").click()
    expect(page.locator(".facts")).to_contain_text("555-0199")


def test_a_prescriber_enrolls_screens_and_starts_a_course(server, tablet):
    """R4.2 enrollment, R5 screening and a new course, each on the patient's page; the course
    then shows its weeks (R1.1) with this week due."""
    prescriber = server.make.user("prescriber")
    patient = server.make.patient(screened=False, enrolled=False, first_name="Robin",
                                  last_name="Okafor")
    page = log_in(tablet.new_page(), server, prescriber)
    page.goto(f"{server.url}/patients/{patient.id}")
    expect(page.locator("#rems-heading + p")).to_contain_text("Not enrolled")
    page.get_by_label("REMS patient id").fill("RP-5521")
    page.get_by_label("Enrolled on").fill("2031-01-01")
    page.get_by_role("button", name="Record enrollment").click()
    expect(page.locator('[data-error="enrolled_on"]')).to_be_visible()
    assert page.get_by_label("REMS patient id").input_value() == "RP-5521"
    page.get_by_label("Enrolled on").fill("2026-01-05")
    page.get_by_role("button", name="Record enrollment").click()
    expect(page.locator("#rems-heading + p")).to_contain_text("Enrolled REMS patient id RP-5521")

    page.get_by_text("Opioid", exact=True).click()
    page.get_by_role("button", name="Save screening").click()
    expect(page.locator("#screening-heading + p")).to_contain_text("Recorded")
    expect(page.get_by_label("Opioid", exact=True)).to_be_checked()

    started = utcnow().date() - timedelta(days=3)  # week 1 in every time zone
    page.get_by_label("First week starts on").fill(started.isoformat())
    page.get_by_role("button", name="Start the course").click()
    weeks = page.locator("table.course-weeks")
    expect(weeks).to_contain_text("induction")
    expect(weeks.locator("tr.current")).to_contain_text("due this week")
    screenshot(page, "patient-course-weeks")
    assert axe_violations(page) == []


def test_a_scheduler_gets_no_screening_form_and_a_stale_change_is_said_in_words(server, tablet):
    patient = server.make.patient()
    page = log_in(tablet.new_page(), server, server.make.user("scheduler"))
    page.goto(f"{server.url}/patients/{patient.id}")
    expect(page.get_by_role("button", name="Start the course")).to_be_visible()
    assert page.get_by_role("button", name="Save screening").count() == 0
    server.make.db.get(type(patient), patient.id).phone = "555-0000"
    server.make.db.get(type(patient), patient.id).version += 1
    server.make.db.commit()
    page.get_by_label("Phone", exact=True).fill("555-0123")
    page.get_by_role("button", name="Save contact details").click()
    expect(page.locator(".error-summary").first).to_contain_text("Someone else changed this")
    assert page.get_by_label("Phone", exact=True).input_value() == "555-0123"
    tablet.set_offline(True)
    page.get_by_role("button", name="Save contact details").click()
    expect(page.locator(".error-summary").first).to_contain_text("the connection was lost")
    tablet.set_offline(False)


def test_a_prescriber_moves_a_course_to_every_two_weeks_then_stops_it(server, tablet):
    """R1.1: the continuation interval and the course's status are changed on the patient's
    page with If-Match; a stopped course's sessions still booked are cancelled from there."""
    prescriber = server.make.user("prescriber")
    patient = server.make.patient(first_name="Robin", last_name="Okafor")
    course = server.make.course(patient=patient, prescriber=prescriber,
                                start_date=utcnow().date() - timedelta(weeks=10))
    booked = server.make.session(course=course, scheduled_start=utcnow() + timedelta(days=8))
    booked_day = f"/schedule?site_id={booked.site_id}&date={booked.local_day.isoformat()}"
    page = log_in(tablet.new_page(), server, prescriber)
    page.goto(f"{server.url}/patients/{patient.id}")
    article = page.locator("article.course")
    expect(article).to_contain_text("Continuation every 1 week(s).")
    expect(page.get_by_role("button", name="Start the course")).to_have_count(0)
    article.get_by_text("Change this course").click()
    article.get_by_label("Continuation").select_option("2")
    screenshot(page, "patient-course-change")
    article.get_by_role("button", name="Save the course").click()
    expect(article).to_contain_text("Continuation every 2 week(s).")
    assert axe_violations(page) == []

    article.get_by_text("Change this course").click()
    article.get_by_label("Status").select_option("stopped")
    article.get_by_role("button", name="Save the course").click()
    expect(article.get_by_text("stopped", exact=True)).to_be_visible()
    expect(article).to_contain_text("1 session of this stopped course is still booked.")
    article.locator(".still-booked").scroll_into_view_if_needed()
    screenshot(page, "patient-course-stopped", full_page=False)
    expect(page.get_by_role("button", name="Start the course")).to_be_visible()
    server.db.expire_all()
    stored = server.db.get(type(course), course.id)
    assert (stored.status, stored.continuation_interval_weeks, stored.version) == ("stopped", 2, 3)
    server.db.rollback()
    day = page.get_by_role("region", name="Sessions").get_by_role("link")
    expect(day).to_have_attribute("href", booked_day)
    page.once("dialog", lambda dialog: dialog.accept())
    article.get_by_role("button", name="Cancel the booked session").click()
    expect(page.get_by_role("region", name="Sessions")).to_contain_text("cancelled")
    expect(article).not_to_contain_text("still booked")
    server.db.expire_all()
    cancelled = server.db.get(type(booked), booked.id)
    assert (cancelled.state, cancelled.state_reason) == ("cancelled", "Course stopped")
    server.db.rollback()

    # A change made elsewhere after the page was read is refused, not overwritten.
    update_course(server.db, course_id=course.id, changes={"oral_antidepressant": "sertraline"},
                  actor=None)
    article.get_by_text("Change this course").click()
    article.get_by_label("Status").select_option("active")
    article.get_by_role("button", name="Save the course").click()
    expect(article.locator(".error-summary")).to_be_visible()
    server.db.expire_all()
    assert server.db.get(type(course), course.id).status == "stopped"


def test_a_scheduler_sees_a_failed_reminder_and_sends_it_again(server, tablet):
    """The patient's reminders on their page, each in the site's time; a failed one is sent
    again from there (and the front desk sees none of them)."""
    site = server.make.site(name="Riverside", timezone="America/New_York")
    patient = server.make.patient(first_name="Robin", last_name="Okafor")
    course = server.make.course(patient=patient)
    booked = server.make.session(course=course, site=site,
                                 scheduled_start=utcnow() + timedelta(days=2))
    sent_at = utcnow() - timedelta(hours=3)
    for status, error in (("sent", None), ("failed", "550 mailbox unavailable")):
        server.db.add(Reminder(session_id=booked.id, course_id=course.id, patient_id=patient.id,
                               site_id=site.id, channel="sms", kind="appointment",
                               recipient="555-0101", send_at=sent_at, next_attempt_at=sent_at,
                               appointment_at=booked.scheduled_start, status=status,
                               last_error=error, attempts=1, created_at=sent_at,
                               dedupe_key=f"test:{status}"))
        sent_at += timedelta(minutes=1)
    server.db.commit()
    page = log_in(tablet.new_page(), server, server.make.user("scheduler", site=site))
    page.goto(f"{server.url}/patients/{patient.id}")
    reminders = page.get_by_role("region", name="Reminders")
    expect(reminders.locator("tbody tr")).to_have_count(2)
    expect(reminders.locator("tbody tr").first).to_contain_text("failed")
    expect(reminders).to_contain_text("550 mailbox unavailable")
    local = sent_at.astimezone(zone("America/New_York")) - timedelta(minutes=1)
    expect(reminders.locator("tbody tr").first).to_contain_text(local.strftime("%a %d %b %H:%M"))
    reminders.locator("tbody tr").first.scroll_into_view_if_needed()
    screenshot(page, "patient-reminders", full_page=False)
    assert axe_violations(page) == []
    reminders.get_by_role("button", name=re.compile("^Send again")).click()
    expect(reminders.locator("tbody tr").first).to_contain_text("to be sent")
    expect(reminders.get_by_role("button", name=re.compile("^Send again"))).to_have_count(0)

    desk = log_in(tablet.new_page(), server, server.make.user("front_desk"))
    desk.goto(f"{server.url}/patients/{patient.id}")
    expect(desk.get_by_role("region", name="Reminders")).to_have_count(0)
