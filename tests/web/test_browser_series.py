"""The series dialog on /schedule in a real browser: weekdays, time and span for the chosen
course; the preview's rows with their checks (a chair moved, a chair clash, a closed day);
rows unticked; a slot taken before confirming refuses the whole series, then it books."""
import json
import urllib.request
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from playwright.sync_api import expect
from sqlmodel import select

from spravato_ops.domain.policy import SitePolicy
from spravato_ops.models import SitePolicyRecord, TreatmentSession

from .conftest import LANDSCAPE, PORTRAIT, axe_violations, log_in, screenshot

ZONE = "America/New_York"


def _next_monday():
    today = datetime.now(ZoneInfo(ZONE)).date()
    return today + timedelta(days=7 - today.weekday())


def _at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), ZoneInfo(ZONE)).astimezone(timezone.utc)


def _close(server, site, day, reason):
    settings = SitePolicy.from_mapping({"opening_hours": {
        "weekly": None, "closures": [{"date": day.isoformat(), "reason": reason}]}}).to_mapping()
    server.db.add(SitePolicyRecord(site_id=site.id, settings=settings, version=1,
                                   updated_at=datetime.now(timezone.utc)))
    server.db.commit()


def _book(server, user, body):
    """Book a session through the API as another scheduler would."""
    request = urllib.request.Request(
        f"{server.url}/api/v1/sessions", method="POST", data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json",
                 "Authorization": f"Bearer {server.make.token(user)}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201


def test_a_scheduler_previews_unticks_and_books_a_series(server, browser):
    monday = _next_monday()
    site = server.make.site(name="Riverside", timezone=ZONE)
    chairs = [server.make.chair(site, label=f"Chair {name}") for name in "ABC"]
    jordan = server.make.patient(first_name="Jordan", last_name="Lee")
    course = server.make.course(patient=jordan, start_date=monday)
    server.make.session(chair=chairs[0], site=site, scheduled_start=_at(monday + timedelta(3), 10))
    for chair in chairs:  # the third Thursday is full at 10:00
        server.make.session(chair=chair, site=site, scheduled_start=_at(monday + timedelta(17), 9))
    _close(server, site, monday + timedelta(days=7), "Staff training")
    scheduler = server.make.user("scheduler", site=site)
    context = browser.new_context(viewport=LANDSCAPE)
    page = log_in(context.new_page(), server, scheduler)
    page.goto(f"{server.url}/schedule?site_id={site.id}&date={monday.isoformat()}")
    expect(page.locator("#grid-status")).to_contain_text("on this day")

    page.get_by_role("button", name="Book a series").click()
    expect(page.locator("#series-needs-course")).to_be_visible()
    page.get_by_label("Patient (name, MRN or date of birth)").fill("jord")
    page.get_by_role("button", name="Lee, Jordan").click()
    expect(page.locator("#course-plan")).to_contain_text("Course week")
    page.get_by_role("button", name="Book a series").click()
    dialog = page.get_by_role("dialog", name="Book a series")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Lee, Jordan")
    dialog.get_by_role("button", name="Preview").click()
    expect(dialog.locator("#series-errors")).to_contain_text("Choose at least one weekday")
    dialog.get_by_label("Monday").check()
    dialog.get_by_label("Thursday").check()
    dialog.get_by_label(f"Time ({ZONE})").fill("10:00")
    screenshot(page, "schedule-series-form", full_page=False)
    dialog.get_by_role("button", name="Preview").click()

    rows = dialog.locator("#series-rows tr")
    expect(rows).to_have_count(7)  # 8 of induction, less the closed Monday
    expect(dialog.locator("#series-skipped")).to_contain_text("P-HOURS")
    expect(dialog.locator("#series-skipped")).to_contain_text("Staff training")
    expect(rows.nth(1)).to_contain_text("Chair B")
    expect(rows.nth(1)).to_contain_text("not the preferred chair")
    full = rows.nth(4)
    expect(full).to_contain_text("Cannot be booked")
    expect(full).to_contain_text("Chair clash")
    expect(full.get_by_role("checkbox")).to_be_disabled()
    expect(dialog.get_by_role("button", name="Book these 6 sessions")).to_be_enabled()
    rows.nth(6).get_by_role("checkbox").uncheck()
    book = dialog.get_by_role("button", name="Book these 5 sessions")
    expect(book).to_be_visible()
    screenshot(page, "schedule-series-landscape", full_page=False)
    assert axe_violations(page) == []
    page.set_viewport_size(PORTRAIT)
    screenshot(page, "schedule-series-portrait", full_page=False)
    assert axe_violations(page) == []

    # Another scheduler takes the last Monday's chair before this one confirms.
    _book(server, server.make.user("scheduler"), dict(
        course_id=server.make.course(start_date=monday).id, site_id=site.id,
        chair_id=chairs[0].id, scheduled_start=_at(monday + timedelta(21), 11).isoformat(),
        planned_dose_mg=56))
    book.click()
    errors = dialog.locator("#series-confirm-errors")
    expect(errors).to_contain_text("Nothing was booked")
    last_monday = (monday + timedelta(days=21)).isoformat()
    expect(errors).to_contain_text(f"Chair clash: {last_monday}: Chair 'Chair A' is booked")
    expect(errors).to_contain_text("Untick the dates named")
    expect(rows.nth(5)).to_contain_text("Not booked just now: Chair clash")
    screenshot(page, "schedule-series-refused", full_page=False)
    rows.nth(5).get_by_role("checkbox").uncheck()
    dialog.get_by_role("button", name="Book these 4 sessions").click()

    expect(dialog).to_be_hidden()
    expect(page.locator("#grid-status")).to_contain_text("Booked 4 sessions for J.L.")
    expect(page.locator(".session-block", has_text="J.L.")).to_contain_text("10:00")
    booked = server.db.exec(select(TreatmentSession.local_day).where(
        TreatmentSession.course_id == course.id).order_by(TreatmentSession.local_day)).all()
    server.db.rollback()
    assert [day.isoformat() for day in booked] == [
        (monday + timedelta(days=d)).isoformat() for d in (0, 3, 10, 14)]
    context.close()
