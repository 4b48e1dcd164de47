"""The REMS forms queue in a real browser (R4.3): a prescriber signs a complete form and
records its fax submission; days left in words; a nurse records, never signs; axe clean."""
from datetime import datetime, time, timedelta, timezone

from playwright.sync_api import expect

from spravato_ops.clock import utcnow
from spravato_ops.domain.calendar import local_date, zone
from spravato_ops.models import (
    ChecklistEntry, DeviceAdministration, Discharge, ObservationEntry, VitalsEntry,
)
from spravato_ops.services.rems_form_rows import FORM_LOOKBACK, sync_forms

from .conftest import axe_violations, log_in, screenshot


def _charted(server, site, nurse, first, complete=True, **patient):
    """A discharged session whose first device was at `first`, charted as a tablet would."""
    course = server.make.course(patient=server.make.patient(**patient))
    session = server.make.session(site=site, course=course, state="discharged",
                                  scheduled_start=first - timedelta(minutes=20))
    at = lambda minutes: first + timedelta(minutes=minutes)  # noqa: E731
    entries = [
        ChecklistEntry(no_food_2h=True, no_liquids_30m=True, nasal_medication_ok=True,
                       transport_name="Sam Rivera", transport_phone="555-0199"),
        VitalsEntry(timepoint="pre_dose", systolic=128, diastolic=80, heart_rate=72, spo2=98,
                    taken_at=at(-5)),
        DeviceAdministration(device_number=1, administered_at=at(0), lot_number="LOT-7"),
        DeviceAdministration(device_number=2, administered_at=at(5), lot_number="LOT-7"),
        *(ObservationEntry(observed_at=at(m), moaas=5 if m > 30 else 3, dissociation="none",
                           respiratory_depression=False, spo2=97) for m in range(15, 121, 15)),
        Discharge(discharged_at=at(122), clinically_stable=True, ready_to_leave_at=at(95)),
    ]
    if complete:
        entries += [VitalsEntry(timepoint="post_dose", systolic=134, diastolic=84, heart_rate=70,
                                spo2=97, taken_at=at(40)),
                    VitalsEntry(timepoint="pre_discharge", systolic=126, diastolic=80,
                                heart_rate=70, spo2=98, taken_at=at(112))]
    for entry in entries:
        entry.session_id, entry.recorded_by, entry.recorded_at = session.id, nurse.id, first
        server.db.add(entry)
    server.db.commit()
    return session


def _clinic(server):
    site = server.make.site(name="Riverside Clinic", address="1 River Road, Springfield")
    nurse = server.make.user("nurse", site=site, name="Kim Lee")
    now = utcnow()
    today = local_date(now, site.timezone)

    def noon(days_ago):  # the site's noon: the session's day is that day whatever the hour now
        day = today - timedelta(days=days_ago)
        return datetime.combine(day, time(12), zone(site.timezone)).astimezone(timezone.utc)

    _charted(server, site, nurse, noon(9), first_name="Noor", last_name="Haddad")
    _charted(server, site, nurse, noon(6), complete=False, first_name="Jo", last_name="Park")
    ready = _charted(server, site, nurse, now - timedelta(hours=3), first_name="Dana",
                     last_name="Okafor")
    sync_forms(server.db, now=now, lookback=FORM_LOOKBACK)  # the scheduler's sweep
    server.db.commit()
    return site, nurse, ready


def test_a_prescriber_signs_a_form_and_records_its_fax_submission(server, tablet):
    site, _, ready = _clinic(server)
    prescriber = server.make.user("prescriber", site=site, name="Dr Ames")
    page = log_in(tablet.new_page(), server, prescriber)
    page.get_by_role("link", name="REMS forms").click()
    expect(page.get_by_role("heading", name="REMS Patient Monitoring Forms")).to_be_visible()
    cards = page.locator(".form-card")
    expect(cards).to_have_count(3)
    expect(cards.nth(0)).to_contain_text("Overdue by 2 days")
    expect(cards.nth(1)).to_contain_text("1 day left")
    expect(cards.nth(1)).to_contain_text("No blood pressure 30-60 minutes after the first device")
    expect(cards.nth(1).get_by_role("button", name="Sign form")).to_be_disabled()
    # Three hours ago may be yesterday at the site (late at night in UTC): its deadline is
    # seven days from the session's site-local date.
    days = 7 - (local_date(utcnow(), site.timezone) - ready.local_day).days
    expect(cards.nth(2)).to_contain_text(f"{days} days left")
    expect(cards.nth(2)).to_contain_text("Nothing missing: ready to sign.")
    screenshot(page, "rems-forms-queue")
    assert axe_violations(page) == []

    card = page.locator(f'.form-card[data-session-id="{ready.id}"]')
    card.get_by_role("button", name="Sign form").click()
    expect(card.locator(".tag.status-signed")).to_have_text("Signed")
    expect(card).to_contain_text("Dr Ames")
    card.get_by_label("Fax").check()
    card.get_by_role("button", name="Record submission").click()
    expect(card.locator(".error-summary")).to_contain_text("confirmation number")
    card.get_by_label("Confirmation number").fill("FX-4471")
    screenshot(page, "rems-forms-submission")
    card.get_by_role("button", name="Record submission").click()
    expect(page.locator(".form-card")).to_have_count(2)  # submitted: off the queue
    page.get_by_label("Show").select_option("submitted")
    page.get_by_role("button", name="Show forms").click()
    done = page.locator(f'.form-card[data-session-id="{ready.id}"]')
    expect(done).to_contain_text("fax, confirmation FX-4471")
    screenshot(page, "rems-forms-submitted")
    assert axe_violations(page) == []

    done.get_by_role("link", name="Open form").click()
    expect(page.locator("body")).to_contain_text("Submitted fax")
    expect(page.locator("body")).to_contain_text("134/84 mmHg")
    screenshot(page, "rems-form-printable")
    assert axe_violations(page) == []


def test_a_nurse_records_submissions_but_signs_nothing(server, tablet):
    site, nurse, _ = _clinic(server)
    page = log_in(tablet.new_page(), server, nurse)
    page.goto(f"{server.url}/rems-forms")
    expect(page.locator(".form-card")).to_have_count(3)
    expect(page.get_by_role("button", name="Sign form")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("A prescriber signs each form")
    expect(page.get_by_role("link", name="Session record").first).to_be_visible()
