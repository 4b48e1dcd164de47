"""The front-desk board in a real browser: it follows a treatment day made through the API."""
import json
import re
import urllib.request
from datetime import datetime, timedelta, timezone

from playwright.sync_api import expect

from .conftest import LANDSCAPE, axe_violations, log_in, screenshot

CHECKLIST = {"no_food_2h": True, "no_liquids_30m": True, "nasal_medication_ok": True,
             "transport_name": "Sam Rivera", "transport_phone": "555-0199"}


def _morning_zone(now):
    """A fixed-offset zone where it is about 08:00, so that two more hours stay on today."""
    offset = (8 - now.hour + 12) % 24 - 12
    return f"Etc/GMT{-offset:+d}" if offset else "UTC"


class Nurse:
    """A nurse's entries through the HTTP API of the live server, each at its server time."""

    def __init__(self, server, session_id, start):
        self.server, self.start = server, start
        self.url = f"{server.url}/api/v1/sessions/{session_id}"
        self.token = server.make.token(server.make.user("nurse"))

    def send(self, method, tail, body):
        request = urllib.request.Request(
            f"{self.url}{tail}", method=method, data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status in (200, 201)

    def at(self, minutes, method, tail, body):
        """Move the server's clock to `minutes` after the start, then send the entry."""
        self.server.move_clock(minutes * 60 + 1)
        self.send(method, tail, body)

    def when(self, minutes):
        return (self.start + timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z")

    def vitals(self, minutes, timepoint):
        self.at(minutes, "POST", "/vitals", {
            "timepoint": timepoint, "systolic": 126, "diastolic": 80, "heart_rate": 72,
            "spo2": 98, "taken_at": self.when(minutes)})

    def observe(self, minutes):
        self.at(minutes, "POST", "/observations", {
            "observed_at": self.when(minutes), "moaas": 5, "dissociation": "none",
            "respiratory_depression": False, "spo2": 98, "symptoms": []})

    def treat_until_ready(self):
        """R3.1-R3.4: checklist, pre-dose BP, three devices (84 mg), BP, observations to 120 min."""
        self.send("PUT", "/checklist", CHECKLIST)
        self.vitals(0, "pre_dose")
        for minutes in (1, 6, 11):
            self.at(minutes, "POST", "/devices", {"administered_at": self.when(minutes),
                                                  "lot_number": "LOT-1"})
        for minutes in range(16, 122, 15):
            self.observe(minutes)
            if minutes == 46:
                self.vitals(minutes, "post_dose")
        self.vitals(118, "pre_discharge")
        self.observe(121)
        self.server.move_clock(122 * 60)


def test_board_follows_arrival_readiness_and_discharge_without_a_reload(server, browser):
    site = server.make.site(name="Riverside", timezone=_morning_zone(datetime.now(timezone.utc)))
    chair = server.make.chair(site, label="Chair 1")
    patient = server.make.patient(first_name="Jordan", last_name="Lee")
    course = server.make.course(patient=patient, indication="TRD")
    booked = server.make.session(course=course, chair=chair, site=site, planned_dose_mg=84)
    context = browser.new_context(viewport=LANDSCAPE)
    page = log_in(context.new_page(), server, server.make.user("front_desk", site=site))
    rows = page.locator("#board-rows")
    expect(rows).to_contain_text("Expected")
    expect(page.locator("#board-status")).to_contain_text("Updated at")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Mark JL arrived").click()
    expect(rows).to_contain_text("Arrived, waiting 0 min")
    server.move_clock(7 * 60)
    expect(rows).to_contain_text("Arrived, waiting 7 min", timeout=15000)
    screenshot(page, "board-landscape")

    nurse = Nurse(server, booked.id, datetime.now(timezone.utc))
    nurse.treat_until_ready()
    expect(rows).to_contain_text("Ready now", timeout=15000)
    page.get_by_role("link", name="Call the ride of JL").click()  # R3.5, recorded by the nurse
    expect(page.get_by_role("link", name="555-0199")).to_have_attribute("href", "tel:555-0199")
    expect(page.locator(".facts")).to_contain_text("Sam Rivera")
    screenshot(page, "board-ride")
    assert axe_violations(page) == []
    page.go_back()
    expect(rows).to_contain_text("Ready now", timeout=15000)
    page.get_by_role("button", name="Ride home for JL is here").click()
    expect(rows).to_contain_text("Ride here since")
    page.set_viewport_size({"width": 768, "height": 1024})
    screenshot(page, "board-portrait")
    nurse.send("POST", "/discharge", {"clinically_stable": True,
                                      "ready_to_leave_at": nurse.when(100)})
    expect(rows).to_contain_text("Discharged", timeout=15000)
    html = page.content()
    assert "JL" in html and not re.search(r"\bmg\b|TRD|systolic|SpO|dose", html, re.I)
    context.close()


def test_board_tv_mode_has_large_rows_and_no_controls(server, browser):
    site = server.make.site(name="Riverside")
    server.make.session(site=site)
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = log_in(context.new_page(), server, server.make.user("front_desk", site=site))
    page.goto(f"{server.url}/board?site_id={site.id}&tv=1")
    expect(page.locator("#board-rows")).to_contain_text("Expected")
    assert page.get_by_role("button").count() == 0 and page.get_by_role("navigation").count() == 0
    screenshot(page, "board-tv")
    assert axe_violations(page) == []
    context.close()


def test_an_expected_patient_ten_minutes_past_their_time_shows_late(server, browser):
    now = datetime.now(timezone.utc)
    site = server.make.site(name="Riverside", timezone=_morning_zone(now))  # both today there
    server.make.session(site=site, scheduled_start=now - timedelta(minutes=25))
    server.make.session(site=site, scheduled_start=now - timedelta(minutes=5))
    context = browser.new_context(viewport=LANDSCAPE)
    page = log_in(context.new_page(), server, server.make.user("front_desk", site=site))
    page.goto(f"{server.url}/board?site_id={site.id}")
    rows = page.locator("#board-rows tr")
    expect(rows.filter(has_text="Late 25 min")).to_have_count(1)
    expect(rows.filter(has_text="Expected")).to_have_count(1)  # 5 minutes: not yet late
    expect(rows.filter(has_text="Late 25 min").locator(".tag.state")).to_have_class(
        re.compile(r"\bdue\b"))
    expect(rows.filter(has_text="Expected").get_by_role("link")).to_have_count(0)
    screenshot(page, "board-late")
    rows.filter(has_text="Late 25 min").get_by_role("link", name=re.compile("^Phone number")
                                                    ).click()
    expect(page.get_by_role("heading", name="Contact")).to_be_visible()  # name and phone only
    expect(page.locator("body")).to_contain_text("555-0101")
    context.close()
