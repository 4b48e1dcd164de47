"""The report page in a real browser at tablet size: pickers, charts, a bad range, the CSV
download and the print layout."""
import csv
import io
from datetime import datetime, timezone

from playwright.sync_api import expect

from ..report_dataset import NOW, seed_fortnight
from .conftest import axe_violations, log_in, screenshot


def _show(page, site_name, first, last):
    page.get_by_label("Site").select_option(label=site_name)
    page.get_by_label("From (first day)").fill(first)
    page.get_by_label("To (last day)").fill(last)
    page.get_by_role("button", name="Show report").click()
    page.wait_for_load_state("networkidle")


def test_a_medical_director_reads_prints_and_downloads_the_report(server, tablet):
    seed_fortnight(server.make)
    server.move_clock((NOW - datetime.now(timezone.utc)).total_seconds())
    page = log_in(tablet.new_page(), server, server.make.user("prescriber"))
    page.goto(f"{server.url}/reports")
    _show(page, "Report Clinic", "2025-03-03", "2025-03-16")

    expect(page.get_by_role("heading", name="Clinic report: Report Clinic")).to_be_visible()
    expect(page.locator(".headline").nth(1)).to_contain_text(
        "Median 140 minutes, 90th percentile 174 minutes")
    expect(page.get_by_role("img", name="Sessions by minutes from the first device to "
                                        "discharge")).to_be_visible()
    expect(page.get_by_role("table", name="REMS Patient Monitoring Forms (R4.3, due within 7 "
                                          "days)")).to_contain_text("Submitted late")
    screenshot(page, "reports-portrait")
    assert axe_violations(page) == []

    with page.expect_download() as download:
        page.get_by_role("link", name="Download “Sessions by outcome” as CSV").click()
    with open(download.value.path(), encoding="utf-8") as saved:
        rows = list(csv.reader(io.StringIO(saved.read())))
    assert rows[0] == ["Outcome", "Sessions", "Share of all sessions (%)"]
    assert rows[1] == ["Held (dose given)", "5", "55.6"]

    page.emulate_media(media="print")
    expect(page.locator("header.top")).to_be_hidden()
    expect(page.locator(".report-controls")).to_be_hidden()
    screenshot(page, "reports-print")
    page.emulate_media(media="screen")

    _show(page, "Report Clinic", "2025-03-16", "2025-03-03")
    expect(page.locator(".error-summary")).to_contain_text("Must be on or after the start date")
    expect(page.get_by_label("To (last day)")).to_have_attribute("aria-invalid", "true")
    screenshot(page, "reports-bad-range")
    assert axe_violations(page) == []
