"""Every user's own account in a real browser: the password changed (a typo and the policy
caught first), this browser kept, the user's other sessions ended."""
from playwright.sync_api import expect

from tests.factories import PASSWORD

from .conftest import PORTRAIT, axe_violations, log_in, screenshot


def test_a_front_desk_clerk_changes_their_password_and_stays_logged_in(server, browser, tablet):
    site = server.make.site(name="Riverside")
    clerk = server.make.user("front_desk", site=site, name="Sam Ortiz")
    elsewhere = log_in(browser.new_context(viewport=PORTRAIT).new_page(), server, clerk)
    page = log_in(tablet.new_page(), server, clerk)
    page.get_by_role("link", name="Sam Ortiz (front desk)").click()
    expect(page.locator("main")).to_contain_text("Riverside")
    form = page.locator("#password-form")
    form.get_by_label("Current password").fill(PASSWORD)
    form.get_by_label("New password", exact=True).fill("lantern-quiet-meadow-58")
    form.get_by_label("New password again").fill("lantern-quiet-meadow-85")
    form.get_by_role("button", name="Change password").click()
    expect(form.locator('[data-error="repeat_password"]')).to_have_text(
        "The two new passwords differ.")
    form.get_by_label("New password", exact=True).fill("1qaz2wsx3edc")
    form.get_by_label("New password again").fill("1qaz2wsx3edc")
    form.get_by_role("button", name="Change password").click()
    expect(form.locator('[data-error="new_password"]')).to_be_visible()
    form.get_by_label("New password", exact=True).fill("lantern-quiet-meadow-58")
    form.get_by_label("New password again").fill("lantern-quiet-meadow-58")
    form.get_by_role("button", name="Change password").click()
    expect(page.locator("#password-status")).to_have_text(
        "Your password is changed. 1 other session ended.")
    screenshot(page, "account-password")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Board").click()
    expect(page).to_have_url(f"{server.url}/board")  # still logged in here
    elsewhere.reload()
    assert "/login" in elsewhere.url  # the other session ended
    again = log_in(browser.new_context(viewport=PORTRAIT).new_page(), server, clerk,
                   password="lantern-quiet-meadow-58")
    assert "/login" not in again.url
