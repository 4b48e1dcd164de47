"""The patients' pages in a real browser: a refused date of birth keeps every typed field;
contact details are changed with If-Match."""
from playwright.sync_api import expect

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
