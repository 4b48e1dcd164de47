"""An admin keeps a site's details and its REMS certification (R4.1) on the site's page, in a
real browser: told weeks ahead that the certification is ending and how many sessions are
booked past it, the renewal entered, a wrong value named beside its field, and a change made
by someone else meanwhile refused rather than overwritten."""
from datetime import timedelta

from playwright.sync_api import expect

from spravato_ops.clock import utcnow
from spravato_ops.domain.calendar import local_date
from spravato_ops.models import Site
from spravato_ops.services.sites import update_site

from .conftest import axe_violations, log_in, screenshot

ZONE = "America/New_York"


def _site_row(page, name):
    """The site's row of the admin's table of sites."""
    return page.get_by_role("region", name="Sites", exact=True).locator("tr", has_text=name)


def test_an_admin_renews_a_sites_rems_certification_before_it_ends(server, tablet):
    today = local_date(utcnow(), ZONE)
    site = server.make.site(name="Riverside", timezone=ZONE,
                            rems_certified_until=today + timedelta(days=20))
    server.make.session(site=site, scheduled_start=utcnow() + timedelta(days=25))
    server.make.session(site=site, scheduled_start=utcnow() + timedelta(days=5))  # covered
    page = log_in(tablet.new_page(), server, server.make.user("admin"))
    page.goto(f"{server.url}/admin")
    expect(_site_row(page, "Riverside")).to_contain_text("ends in 20 days")
    page.get_by_role("link", name="Details, chairs, opening hours and policy of Riverside"
                     ).click()
    status = page.locator("#certification-status")
    expect(status).to_contain_text(
        f"The REMS certification ends in 20 days, on {today + timedelta(days=20)}")
    expect(status).to_contain_text("1 session is booked after that day")
    screenshot(page, "admin-site-details")
    assert axe_violations(page) == []

    form = page.locator("#site-form")
    form.get_by_label("Name").fill("")
    form.get_by_role("button", name="Save site details").click()
    expect(form.locator('[data-error="name"]')).to_be_visible()
    renewed = today + timedelta(days=385)
    form.get_by_label("Name").fill("Riverside Clinic")
    form.get_by_label("REMS certified until").fill(renewed.isoformat())
    form.get_by_label("A pulse oximeter is on site").uncheck()
    form.get_by_role("button", name="Save site details").click()
    expect(page.locator("#site-status")).to_have_text("Saved the site's details.")
    expect(status).to_have_text(f"REMS certified until {renewed}.")
    server.db.expire_all()
    saved = server.db.get(Site, site.id)
    assert (saved.name, saved.rems_certified_until, saved.pulse_oximeter_available,
            saved.prescriber_on_site, saved.address) == (
        "Riverside Clinic", renewed, False, True, "1 Main St")
    server.db.rollback()

    # Someone else changes the site after this page was read: the save is refused (412) and
    # their change stands.
    update_site(server.db, site_id=site.id, changes={"phone": "555-0199"}, actor=None)
    form.get_by_label("Address (printed on the REMS form)").fill("2 River Rd")
    form.get_by_role("button", name="Save site details").click()
    expect(page.locator("section:has(#site-form) .error-summary")).to_be_visible()
    server.db.expire_all()
    assert (server.db.get(Site, site.id).address,
            server.db.get(Site, site.id).phone) == ("1 Main St", "555-0199")


def test_a_lapsed_certification_says_nothing_can_be_booked(server, tablet):
    today = local_date(utcnow(), ZONE)
    site = server.make.site(name="Hillside", timezone=ZONE,
                            rems_certified_until=today - timedelta(days=1))
    page = log_in(tablet.new_page(), server, server.make.user("admin"))
    page.goto(f"{server.url}/admin")
    expect(_site_row(page, "Hillside")).to_contain_text("lapsed: no booking")
    page.goto(f"{server.url}/admin/sites/{site.id}")
    expect(page.locator("#certification-status")).to_have_text(
        f"The REMS certification ended on {today - timedelta(days=1)}: no session can be "
        "booked here until the renewal is entered.")
