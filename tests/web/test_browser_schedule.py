"""The schedule in a real browser: find a patient, book through the form, see the block; the
R1.8 and chair clash messages; soft stops overridden by a prescriber only (R1.1)."""
import json
import urllib.request
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from playwright.sync_api import expect
from sqlmodel import select

from spravato_ops.models import StaffAlert
from spravato_ops.services import alerts as alert_service

from .conftest import LANDSCAPE, axe_violations, log_in, screenshot

ZONE = "America/New_York"


def _site_day(days_ahead):
    return (datetime.now(ZoneInfo(ZONE)) + timedelta(days=days_ahead)).date()


def _at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), ZoneInfo(ZONE)).astimezone(timezone.utc)


def _open_day(page, server, site, day):
    page.goto(f"{server.url}/schedule?site_id={site.id}&date={day.isoformat()}")
    expect(page.locator("#grid-status")).to_contain_text("on this day")


def _choose(page, typed, shown):
    page.get_by_label("Patient (name, MRN or date of birth)").fill(typed)
    page.get_by_role("button", name=shown).click()
    expect(page.locator("#course-plan")).to_contain_text("Course week")


def test_a_scheduler_books_through_the_form_and_reads_R1_8_and_chair_clashes(server, browser):
    site = server.make.site(name="Riverside", timezone=ZONE)
    chair_a = server.make.chair(site, label="Chair A")
    chair_b = server.make.chair(site, label="Chair B")
    jordan = server.make.patient(first_name="Jordan", last_name="Lee")
    server.make.course(patient=jordan, start_date=_site_day(0))
    sam = server.make.patient(first_name="Sam", last_name="Park")
    server.make.course(patient=sam, start_date=_site_day(0))
    day = _site_day(1)
    server.make.session(chair=chair_b, site=site, scheduled_start=_at(day, 11))
    context = browser.new_context(viewport=LANDSCAPE)
    page = log_in(context.new_page(), server, server.make.user("scheduler", site=site))
    _open_day(page, server, site, day)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Book Chair A at 10:00").click()
    _choose(page, "jord", "Lee, Jordan")
    assert page.locator("#chair_id").input_value() == str(chair_a.id)
    assert page.locator("#override-reason").count() == 0
    page.get_by_role("button", name="Book session").click()
    expect(page.locator("#grid-status")).to_contain_text("Booked J.L. at 10:00")
    expect(page.locator(".session-block", has_text="J.L.")).to_contain_text("56 mg")
    page.locator("#booking-time").fill("14:00")
    page.get_by_role("button", name="Book session").click()
    errors = page.locator("#booking-errors")
    expect(errors).to_contain_text("R1.8: The patient already has a session on")
    _choose(page, "park", "Park, Sam")
    page.locator("#chair_id").select_option(str(chair_b.id))
    page.locator("#booking-time").fill("11:30")
    page.get_by_role("button", name="Book session").click()
    expect(errors).to_contain_text(f"Chair 'Chair B' is booked {day.isoformat()} 11:00-13:30")
    screenshot(page, "schedule-landscape")
    page.set_viewport_size({"width": 768, "height": 1024})
    screenshot(page, "schedule-portrait")
    assert axe_violations(page) == []
    context.close()


def test_only_a_prescriber_overrides_the_R1_1_soft_stop_with_a_reason(server, browser):
    site = server.make.site(name="Riverside", timezone=ZONE)
    chair = server.make.chair(site, label="Chair A")
    patient = server.make.patient(first_name="Jordan", last_name="Lee")
    course = server.make.course(patient=patient, start_date=_site_day(0))
    for days_ahead in (1, 2):
        server.make.session(course=course, chair=chair, site=site,
                            scheduled_start=_at(_site_day(days_ahead), 9))
    day = _site_day(3)
    context = browser.new_context(viewport=LANDSCAPE)
    page = log_in(context.new_page(), server, server.make.user("scheduler", site=site))
    _open_day(page, server, site, day)
    page.get_by_role("button", name="Book Chair A at 10:00").click()
    _choose(page, "lee", "Lee, Jordan")
    page.get_by_role("button", name="Book session").click()
    expect(page.locator("#booking-errors")).to_contain_text("R1.1")
    expect(page.locator("#booking-errors")).to_contain_text("A prescriber may override")
    assert page.locator("#override-reason").count() == 0

    page = log_in(context.new_page(), server, server.make.user("prescriber", site=site))
    _open_day(page, server, site, day)
    page.get_by_role("button", name="Book Chair A at 10:00").click()
    _choose(page, "lee", "Lee, Jordan")
    page.get_by_role("button", name="Book session").click()
    expect(page.locator("#booking-errors")).to_contain_text("R1.1")
    page.get_by_label("Reason to override the soft stops").fill("Relapse: third session agreed")
    page.get_by_role("button", name="Book session").click()
    expect(page.locator("#grid-status")).to_contain_text("Booked J.L. at 10:00")
    screenshot(page, "schedule-override")
    context.close()


def _patch(server, session_id, body, version):
    """Change a session through the API as another scheduler would."""
    token = server.make.token(server.make.user("scheduler"))
    request = urllib.request.Request(
        f"{server.url}/api/v1/sessions/{session_id}", method="PATCH",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}",
                 "If-Match": f'"{version}"'})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


def test_a_dragged_session_moves_chair_and_a_stale_drag_is_refused(server, browser):
    site = server.make.site(name="Riverside", timezone=ZONE)
    chair_a = server.make.chair(site, label="Chair A")
    server.make.chair(site, label="Chair B")
    day = _site_day(1)
    booked = server.make.session(chair=chair_a, site=site, scheduled_start=_at(day, 10))
    context = browser.new_context(viewport=LANDSCAPE)
    page = log_in(context.new_page(), server, server.make.user("scheduler", site=site))
    _open_day(page, server, site, day)
    page.locator(".session-block").drag_to(page.get_by_role("button", name="Book Chair B at 10:00"))
    expect(page.locator("#grid-status")).to_contain_text("Moved")
    server.db.expire_all()
    moved = server.db.get(type(booked), booked.id)
    assert moved.chair_id != chair_a.id
    server.db.rollback()

    _patch(server, booked.id, {"scheduled_start": _at(day, 10, 30).isoformat()}, moved.version)
    page.locator(".session-block").drag_to(page.get_by_role("button", name="Book Chair A at 12:00"))
    expect(page.locator("#change-errors")).to_be_visible()
    expect(page.locator("#change-errors")).to_contain_text("Someone else changed this")
    expect(page.locator(".session-block")).to_contain_text("10:30")
    screenshot(page, "schedule-stale-drag")

    page.locator(".session-block").click()
    page.get_by_label("Reason to cancel, or why the patient did not come").fill("Patient asked")
    page.get_by_role("button", name="Cancel session").click()
    expect(page.locator("#grid-status")).to_contain_text("cancelled")
    expect(page.locator(".session-block")).to_have_count(0)
    context.close()


def test_the_scheduler_acknowledges_a_follow_up_on_the_schedule_page_r1_7(server, browser):
    site = server.make.site(name="Riverside", timezone=ZONE)
    server.make.chair(site, label="Chair A")
    jordan = server.make.patient(first_name="Jordan", last_name="Lee")
    for number in (1, 2):
        alert_service.raise_alert(
            server.db, site_id=site.id, patient_id=jordan.id, kind="cadence_gap",
            role="scheduler", message=f"Next session needed ({number})",
            dedupe_key=f"test:gap:{number}")
    server.db.commit()
    page = log_in(browser.new_context(viewport=LANDSCAPE).new_page(), server,
                  server.make.user("scheduler", site=site))
    follow_ups = page.locator(".follow-ups")
    expect(follow_ups.locator("h2")).to_have_text("Follow-ups (2)")
    expect(follow_ups).to_contain_text("Jordan Lee: Next session needed (1)")
    screenshot(page, "schedule-follow-ups")
    assert axe_violations(page) == []
    for number in (1, 2):
        page.get_by_role("button",
                         name=f"Acknowledge: Jordan Lee: Next session needed ({number})").click()
    expect(follow_ups.locator("h2")).to_have_text("Follow-ups (0)")
    expect(follow_ups).to_contain_text("No follow-ups.")
    server.db.expire_all()
    assert all(alert.acknowledged_at for alert in server.db.exec(select(StaffAlert)))
    server.db.rollback()  # SQLite: the page's requests write
    page.reload()
    expect(follow_ups).to_contain_text("No follow-ups.")
