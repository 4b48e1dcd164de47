"""The admin sets a site's opening hours (P-HOURS) in a real browser; a session the new hours
leave outside stays booked and is listed for the schedulers."""
from datetime import datetime, timedelta, timezone

from playwright.sync_api import expect

from spravato_ops.domain.policy import SitePolicy
from spravato_ops.services.sites import list_chairs, site_policy

from .conftest import axe_violations, log_in, screenshot


def test_an_admin_sets_opening_hours_and_sees_the_sessions_left_outside(server, tablet):
    site = server.make.site(name="Riverside", timezone="UTC")
    chair = server.make.chair(site, label="Chair 1")
    tomorrow = (datetime.now(timezone.utc) + timedelta(days=1)).replace(
        hour=7, minute=0, second=0, microsecond=0)
    early = server.make.session(site=site, chair=chair, scheduled_start=tomorrow)
    page = log_in(tablet.new_page(), server, server.make.user("admin"))
    page.get_by_role("link", name="Chairs and opening hours of Riverside").click()
    expect(page.locator("#conflicts")).to_contain_text("None")
    page.get_by_label("Set opening hours").check()
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"):
        page.get_by_label(day).fill("08:00-12:30, 13:00-18:00")
    page.get_by_role("textbox", name="Closed days").fill("2030-12-25 Christmas Day")
    page.get_by_role("button", name="Save opening hours").click()
    expect(page.locator("#hours-status")).to_have_text("Saved.")
    expect(page.locator("#conflicts")).to_contain_text("does not fit the opening hours")
    server.db.expire_all()
    policy = site_policy(server.db, site.id)
    assert dict(policy.opening_hours.weekly)["mon"] == (("08:00", "12:30"), ("13:00", "18:00"))
    assert policy.slot_minutes == SitePolicy().slot_minutes  # the rest of the policy kept
    assert server.db.get(type(early), early.id).state == "scheduled"
    server.db.rollback()
    screenshot(page, "admin-site-hours")
    assert axe_violations(page) == []

    page.get_by_label("Monday").fill("18:00-08:00")
    page.get_by_role("button", name="Save opening hours").click()
    expect(page.locator("section:has(#hours-form) .error-summary")).to_contain_text(
        "must open before it closes")
    assert page.get_by_label("Monday").input_value() == "18:00-08:00"


def test_an_admin_adds_a_chair_to_a_site(server, tablet):
    site = server.make.site(name="Riverside")
    server.make.chair(site, label="Chair 1")
    page = log_in(tablet.new_page(), server, server.make.user("admin"))
    page.get_by_role("link", name="Chairs and opening hours of Riverside").click()
    chairs = page.locator("#chair-list")
    expect(chairs).to_have_text("Chair 1")
    page.get_by_role("button", name="Save opening hours").click()  # the page's other form
    expect(page.locator("#hours-status")).to_have_text("Saved.")
    page.get_by_role("button", name="Add chair").click()
    expect(page.locator("section:has(#chair-form) .error-summary")).to_contain_text("label")
    page.get_by_label("Label of a new chair").fill("Recliner 2")
    page.get_by_role("button", name="Add chair").click()
    expect(page.locator("#chair-status")).to_have_text("Added Recliner 2.")
    page.wait_for_load_state("networkidle")
    expect(page.locator("section:has(#chair-form) .error-summary")).to_be_hidden()
    expect(chairs).to_contain_text("Recliner 2")
    server.db.expire_all()
    assert [c.label for c in list_chairs(server.db, site_id=site.id)] == ["Chair 1", "Recliner 2"]
    server.db.rollback()
    assert axe_violations(page) == []
