"""The schedule's capacity panel in a real browser: the 4-week chart with a day over capacity
in words, the "needs booking" list, its Book button filling the booking form, and the list
following the booking (P-HOURS, R1.7)."""
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from spravato_ops.models import SitePolicyRecord

from .conftest import LANDSCAPE, PORTRAIT, axe_violations, log_in, screenshot

ZONE = "America/New_York"


def _site_day(days_ahead):
    return (datetime.now(ZoneInfo(ZONE)) + timedelta(days=days_ahead)).date()


def _at(day, hour):
    return datetime.combine(day, time(hour), ZoneInfo(ZONE)).astimezone(timezone.utc)


def _clinic(server):
    """Two chairs, no opening hours set (08:00-18:00 counted) but a closure in 3 days that
    leaves a session outside; Jordan Lee's new course is due from today, nothing booked."""
    make = server.make
    site = make.site(name="Riverside", timezone=ZONE)
    chairs = [make.chair(site, label=label) for label in ("Chair A", "Chair B")]
    closed = _site_day(3)
    server.db.add(SitePolicyRecord(site_id=site.id, updated_at=datetime.now(timezone.utc),
                                   settings={"opening_hours": {"weekly": None, "closures": [
                                       {"date": closed.isoformat(), "reason": "Boiler repair"}]}}))
    server.db.commit()
    make.session(course=make.course(status="completed"), site=site, chair=chairs[1],
                 scheduled_start=_at(closed, 10))
    jordan = make.patient(first_name="Jordan", last_name="Lee")
    make.session(course=make.course(patient=jordan, status="completed"), site=site,
                 chair=chairs[0], scheduled_start=_at(_site_day(-400), 10), state="discharged")
    course = make.course(patient=jordan, start_date=_site_day(0))
    return site, course, closed


def test_the_chart_and_the_needs_booking_list_drive_the_booking_form(server, browser):
    site, course, closed = _clinic(server)
    tomorrow = _site_day(1)
    context = browser.new_context(viewport=LANDSCAPE)
    page = log_in(context.new_page(), server, server.make.user("scheduler", site=site))
    page.goto(f"{server.url}/schedule?site_id={site.id}&date={tomorrow.isoformat()}")
    expect(page.locator("#grid-status")).to_contain_text("on this day")
    panel = page.locator("#capacity-panel")
    expect(panel.locator(".needs-list li")).to_have_count(1)
    expect(panel.locator(".needs-list li")).to_contain_text("Lee, Jordan")
    expect(panel.locator(".needs-list li")).to_contain_text("Due now")
    expect(panel.locator("svg.capacity-chart")).to_be_visible()
    expect(panel.locator("svg .over-label")).to_have_count(1)
    expect(panel.locator("#capacity-over")).to_contain_text(
        f"Over capacity on 1 day: {closed:%a} {closed.day} {closed:%b} (needs 2.5 h, 0 h open; "
        "closed: Boiler repair).")
    assert panel.locator("svg.capacity-chart").bounding_box()["width"] > 500
    assert axe_violations(page) == []
    panel.scroll_into_view_if_needed()
    screenshot(page, "schedule-capacity-landscape")
    page.set_viewport_size(PORTRAIT)
    screenshot(page, "schedule-capacity-portrait")
    assert axe_violations(page) == []

    page.get_by_role("button", name="Book Jordan Lee").click()
    expect(page.locator("#patient-chosen")).to_contain_text("Chosen: Lee, Jordan")
    expect(page.locator("#course-plan")).to_contain_text("Course week")
    assert page.locator("#course_id").input_value() == str(course.id)
    assert page.locator("#booking-date").input_value() == tomorrow.isoformat()
    expect(page.locator("#chair_id")).to_be_focused()
    page.get_by_role("button", name="Book session").click()
    expect(page.locator("#grid-status")).to_contain_text("Booked J.L. at 09:00")
    expect(panel).to_contain_text("No course is waiting to be booked.")
    screenshot(page, "schedule-capacity-booked")
    context.close()
