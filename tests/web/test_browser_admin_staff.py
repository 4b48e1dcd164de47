"""The admin's staff in a real browser: a staff member added (the password policy's refusal
beside its field first), deactivated (their bearer token refused at once), reactivated, and
their sessions ended; a nurse moved to another site."""
import json
import urllib.error
import urllib.request

from playwright.sync_api import expect
from sqlmodel import select

from spravato_ops.models import Site, User, UserSite

from .conftest import axe_violations, log_in, screenshot


def _me_status(server, token, path="/users/me"):
    request = urllib.request.Request(f"{server.url}/api/v1{path}",
                                     headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_an_admin_adds_a_nurse_then_deactivates_and_reactivates_her(server, tablet):
    site = server.make.site(name="Riverside")
    server.make.site(name="Hillside")
    page = log_in(tablet.new_page(), server, server.make.user("admin"))
    page.get_by_role("link", name="Admin", exact=True).click()
    form = page.locator("#add-staff-form")
    form.get_by_label("Name").fill("Rosa Diaz")
    form.get_by_label("Email").fill("rosa.diaz@clinic.example")
    form.get_by_label("Role").select_option("nurse")
    form.get_by_label("Riverside").check()
    form.get_by_label("First password").fill("password1234")
    form.get_by_role("button", name="Add staff member").click()
    expect(page.get_by_role("region", name="Add a staff member").locator(".error-summary")
           ).to_contain_text("breaches")
    expect(form.locator('[data-error="password"]')).to_be_visible()
    form.get_by_label("First password").fill("teal-otter-harbour-91")
    form.get_by_role("button", name="Add staff member").click()
    expect(page.locator("#admin-status")).to_have_text("Added Rosa Diaz (nurse).")
    sites = page.locator("table.staff tr", has_text="Rosa Diaz").locator(".site-names")
    expect(sites).to_have_text("Riverside")
    screenshot(page, "admin-staff")
    assert axe_violations(page) == []
    server.db.expire_all()
    rosa = server.db.exec(select(User).where(User.email == "rosa.diaz@clinic.example")).one()
    assert rosa.role == "nurse" and rosa.active
    assert server.db.exec(select(UserSite.site_id).where(UserSite.user_id == rosa.id)).all() == [
        site.id]
    token = server.make.token(rosa)
    assert _me_status(server, token) == 200

    page.get_by_role("button", name="Deactivate Rosa Diaz").click()
    expect(page.locator("#admin-status")).to_have_text(
        "Deactivated Rosa Diaz: logged out everywhere.")
    assert _me_status(server, token) == 401  # at once
    expect(page.locator("table.staff tr", has_text="Rosa Diaz")).to_contain_text("no")
    page.get_by_role("button", name="Reactivate Rosa Diaz").click()
    expect(page.locator("#admin-status")).to_have_text("Reactivated Rosa Diaz.")
    fresh = server.make.token(rosa)
    assert _me_status(server, fresh) == 200
    page.locator("tr", has_text="Rosa Diaz").get_by_text("New password", exact=True).click()
    page.get_by_label("New password for Rosa Diaz").fill("short")
    page.get_by_role("button", name="Set password").click()
    expect(page.locator("#admin-status")).to_contain_text("Password not set")
    page.get_by_label("New password for Rosa Diaz").fill("copper-willow-station-64")
    page.get_by_role("button", name="Set password").click()
    expect(page.locator("#admin-status")).to_contain_text(
        "Set a new password for Rosa Diaz: their sessions ended.")
    assert _me_status(server, fresh) == 401
    fresh = server.make.token(rosa)
    page.get_by_role("button", name="End the sessions of Rosa Diaz").click()
    expect(page.locator("#admin-status")).to_have_text("Ended 1 session of Rosa Diaz.")
    assert _me_status(server, fresh) == 401
    expect(page.get_by_role("row", name="you")).to_have_count(1)  # the admin cannot deactivate


def test_an_admin_adds_a_site_and_a_wrong_time_zone_is_named(server, tablet):
    page = log_in(tablet.new_page(), server, server.make.user("admin"))
    form = page.locator("#add-site-form")
    form.get_by_label("Name").fill("Lakeside Clinic")
    form.get_by_label("Time zone").fill("America/Nowhere")
    form.get_by_role("button", name="Add site").click()
    expect(form.locator('[data-error="timezone"]')).to_contain_text("Not an IANA time zone")
    form.get_by_label("Time zone").fill("America/Chicago")
    form.get_by_label("REMS certification id").fill("REMS-4417")
    form.get_by_label("Phone (printed on the REMS form)").fill("555-0177")
    form.get_by_role("button", name="Add site").click()
    expect(page.locator("#admin-status")).to_contain_text("Added the site Lakeside Clinic")
    expect(page.locator("table").first).to_contain_text("America/Chicago")
    server.db.expire_all()
    site = server.db.exec(select(Site).where(Site.name == "Lakeside Clinic")).one()
    assert (site.timezone, site.rems_certification_id, site.phone, site.address) == (
        "America/Chicago", "REMS-4417", "555-0177", None)
    server.db.rollback()
    page.get_by_role("link", name="Details, chairs, opening hours and policy of Lakeside Clinic"
                     ).click()
    expect(page.locator("#chair-list")).to_contain_text("No chairs yet")


def test_an_admin_moves_a_nurse_to_another_site(server, tablet):
    riverside = server.make.site(name="Riverside")
    hillside = server.make.site(name="Hillside")
    nurse = server.make.user("nurse", site=riverside, name="Ana Lima")
    token = server.make.token(nurse)
    board = "/board?site_id={}"
    assert _me_status(server, token, board.format(hillside.id)) == 403
    page = log_in(tablet.new_page(), server, server.make.user("admin"))
    page.goto(f"{server.url}/admin")
    row = page.locator("table.staff tr", has_text="Ana Lima")
    row.get_by_text("Change sites").click()
    sites = row.get_by_role("group", name="Sites Ana Lima works at")
    expect(sites.get_by_label("Riverside")).to_be_checked()
    sites.get_by_label("Riverside").uncheck()
    sites.get_by_label("Hillside").check()
    screenshot(page, "admin-staff-sites")
    row.get_by_role("button", name="Save sites").click()
    expect(page.locator("#admin-status")).to_have_text("Ana Lima now works at Hillside.")
    expect(page.locator("table.staff tr", has_text="Ana Lima").locator(".site-names")
           ).to_have_text("Hillside")
    # Her own token, at once: Hillside opens and Riverside closes.
    assert _me_status(server, token, board.format(hillside.id)) == 200
    assert _me_status(server, token, board.format(riverside.id)) == 403
    server.db.expire_all()
    assert server.db.exec(select(UserSite.site_id).where(UserSite.user_id == nurse.id)).all() == [
        hillside.id]


def test_an_admin_puts_right_a_role_picked_by_mistake(server, tablet):
    nurse = server.make.user("nurse", name="Ben Okafor")
    token = server.make.token(nurse)
    page = log_in(tablet.new_page(), server, server.make.user("admin"))
    page.goto(f"{server.url}/admin")
    page.locator("table.staff tr", has_text="Ben Okafor").get_by_text("Name and role",
                                                                      exact=True).click()
    page.get_by_label("Name of Ben Okafor").fill(" ")
    page.get_by_role("button", name="Save name and role").click()
    expect(page.locator("#admin-status")).to_contain_text("Not changed")
    page.get_by_label("Name of Ben Okafor").fill("Ben Okafor-Reyes")
    page.get_by_label("Role of Ben Okafor").select_option("prescriber")
    screenshot(page, "admin-staff-role")
    page.get_by_role("button", name="Save name and role").click()
    expect(page.locator("#admin-status")).to_have_text("Saved: Ben Okafor-Reyes, prescriber.")
    expect(page.locator("table.staff tr", has_text="Ben Okafor-Reyes")).to_contain_text(
        "prescriber")
    # His own token, at once: the new role.
    request = urllib.request.Request(f"{server.url}/api/v1/users/me",
                                     headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request) as response:
        assert json.load(response)["role"] == "prescriber"
