"""The admin sets a site's opening hours (P-HOURS) in a real browser; a session the new hours
leave outside stays booked and is listed for the schedulers."""
from datetime import datetime, timedelta, timezone

from playwright.sync_api import expect

from spravato_ops.clock import utcnow
from spravato_ops.domain.policy import SitePolicy
from spravato_ops.services.sites import list_chairs, replace_policy, site_policy

from .conftest import PORTRAIT, axe_violations, log_in, screenshot


def test_an_admin_sets_opening_hours_and_sees_the_sessions_left_outside(server, tablet):
    site = server.make.site(name="Riverside", timezone="UTC")
    chair = server.make.chair(site, label="Chair 1")
    tomorrow = (datetime.now(timezone.utc) + timedelta(days=1)).replace(
        hour=7, minute=0, second=0, microsecond=0)
    early = server.make.session(site=site, chair=chair, scheduled_start=tomorrow)
    page = log_in(tablet.new_page(), server, server.make.user("admin"))
    page.get_by_role("link", name="Details, chairs, opening hours and policy of Riverside").click()
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
    page.get_by_role("link", name="Details, chairs, opening hours and policy of Riverside").click()
    chairs = page.locator("#chair-list")
    expect(chairs.locator(".chair-label")).to_have_text(["Chair 1"])
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


def test_an_admin_takes_a_chair_out_of_use_and_back(server, tablet):
    """A broken chair takes no new booking; the session booked on it stays, and is said, for
    the schedulers to move; the schedule shows the chair out of use."""
    site = server.make.site(name="Riverside")
    chair = server.make.chair(site, label="Chair 1")
    server.make.chair(site, label="Chair 2")
    server.make.session(site=site, chair=chair, scheduled_start=utcnow() + timedelta(days=1))
    page = log_in(tablet.new_page(), server, server.make.user("admin"))
    page.goto(f"{server.url}/admin/sites/{site.id}")
    page.get_by_role("button", name="Take out of use: Chair 1").click()
    expect(page.locator("#chair-status")).to_have_text(
        "Chair 1 is out of use: no new booking on it. 1 session is still booked on it: move it "
        "on the schedule.")
    expect(page.locator("li", has_text="Chair 1")).to_contain_text("not in use")
    screenshot(page, "admin-site-chairs")
    assert axe_violations(page) == []
    page.reload()  # as stored
    expect(page.locator("li", has_text="Chair 1")).to_contain_text("not in use")
    desk = page.context.browser.new_context(viewport=PORTRAIT)  # the scheduler's own browser
    schedule = log_in(desk.new_page(), server, server.make.user("scheduler"))
    schedule.goto(f"{server.url}/schedule?site_id={site.id}")
    expect(schedule.locator(".chair-head").first).to_have_text("Chair 1 (not in use)")
    expect(schedule.locator("#chair_id option")).to_have_text(["Chair 2"])
    expect(schedule.get_by_role("button", name="Book Chair 1 at 09:00 (not in use)")
           ).to_be_disabled()
    desk.close()
    page.get_by_role("button", name="Back in use: Chair 1").click()
    expect(page.locator("#chair-status")).to_have_text("Chair 1 is back in use.")
    server.db.expire_all()
    assert [c.active for c in list_chairs(server.db, site_id=site.id)] == [True, True]
    server.db.rollback()


def test_an_admin_changes_the_clinical_policy_and_a_change_made_meanwhile_is_kept(
        server, tablet):
    """The P-ids (DOMAIN.md) on the site's page: a wrong value is named beside its P-id, the
    opening hours stay as they are, and a change by someone else since the page was read is
    refused (412) and shown."""
    site = server.make.site(name="Riverside")
    admin = server.make.user("admin")
    page = log_in(tablet.new_page(), server, admin)
    page.get_by_role("link", name="Details, chairs, opening hours and policy of Riverside").click()
    page.get_by_label("Set opening hours").check()
    page.get_by_label("Monday").fill("08:00-18:00")
    page.get_by_role("button", name="Save opening hours").click()
    expect(page.locator("#hours-status")).to_have_text("Saved.")
    policy = page.locator("#policy-form")
    expect(page.locator("#policy-spo2_min")).to_have_value("92")
    page.locator("#policy-spo2_min").fill("90")  # P-SPO2-MIN
    page.locator("#policy-bp_alert\\.systolic").fill("16o")  # P-BP-ALERT, a typo
    policy.get_by_role("button", name="Save clinical policy").click()
    expect(policy.locator('[data-error="bp_alert"]')).to_have_text("systolic: Not a valid integer.")
    page.locator("#policy-bp_alert\\.systolic").fill("165")
    policy.get_by_role("button", name="Save clinical policy").click()
    expect(page.locator("#policy-status")).to_have_text("Saved.")
    screenshot(page, "admin-site-policy")
    assert axe_violations(page) == []
    server.db.expire_all()
    saved = site_policy(server.db, site.id)
    assert (saved.spo2_min, saved.bp_alert.systolic, saved.bp_alert.diastolic) == (90, 165, 100)
    assert dict(saved.opening_hours.weekly)["mon"] == (("08:00", "18:00"),)  # kept
    # Another admin lowers P-OBS meanwhile: this page's next save is refused and shows it.
    mapping = saved.to_mapping() | {"observation_interval_minutes": 10}
    replace_policy(server.db, site_id=site.id, settings=mapping, actor=admin)
    page.locator("#policy-spo2_min").fill("91")
    policy.get_by_role("button", name="Save clinical policy").click()
    expect(page.get_by_role("region", name="Clinical policy").locator(".error-summary")
           ).to_contain_text("Someone else changed this")
    expect(page.locator("#policy-observation_interval_minutes")).to_have_value("10")
    server.db.expire_all()
    assert site_policy(server.db, site.id).spo2_min == 90
    server.db.rollback()
