"""The rendered text of every reminder template: site-local time and zone, the clinic, the R1.6
preparation, and nothing clinical (phones and inboxes are shared)."""
import re
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest

from spravato_ops.domain.enums import ReminderChannel, ReminderKind
from spravato_ops.services.reminder_text import ReminderText, UnsendableText, template_names

SITE = SimpleNamespace(id=7, name="Riverside Clinic", address="1 River Road, Springfield",
                       phone="555-0100", timezone="America/New_York")
PATIENT = SimpleNamespace(first_name="Alex")
WINTER = datetime(2026, 3, 3, 15, 0, tzinfo=timezone.utc)  # 10:00 EST
SUMMER = datetime(2026, 7, 14, 18, 30, tzinfo=timezone.utc)  # 14:30 EDT
# Stricter than the send-time guard: words that would say what the appointment is for.
NEVER = re.compile(r"spravato|ketamine|depress|rems|suicid|mdsi|\btrd\b|psychiatr|mental|"
                   r"\bdos(e|es|ing)\b|\bmg\b|milligram|treatment|therapy|medication|diagnos|"
                   r"prescri|clinical|dissociat|sedat|infusion", re.IGNORECASE)
CHANNELS = (ReminderChannel.EMAIL, ReminderChannel.SMS)
KINDS_AND_CHANNELS = [(kind, channel) for kind in ReminderKind for channel in CHANNELS]
# Kinds about a booked appointment (a booking nudge has none: it asks the patient to call).
APPOINTMENT_KINDS = [(kind, channel) for kind in (ReminderKind.APPOINTMENT,
                                                  ReminderKind.APPOINTMENT_MOVED)
                     for channel in CHANNELS]
PREPARATION = ("2 hours", "30 min", "nasal sprays at least 1 hour before", "next day",
               "restful sleep")


def render(kind, channel, at=WINTER, site=SITE, text=None):
    return (text or ReminderText()).render(kind=kind, channel=channel, appointment_at=at,
                                           site=site, patient=PATIENT)


def test_every_kind_and_channel_has_a_template():
    names = set(template_names())
    assert {f"{kind}.{channel}.txt" for kind, channel in KINDS_AND_CHANNELS} <= names


@pytest.mark.parametrize(("kind", "channel"), KINDS_AND_CHANNELS)
def test_rendered_text_names_nothing_clinical(kind, channel):
    message = render(kind, channel)
    assert NEVER.findall(f"{message.subject}\n{message.text}") == []


@pytest.mark.parametrize(("kind", "channel"), APPOINTMENT_KINDS)
def test_rendered_text_has_the_local_time_the_clinic_and_the_r1_6_preparation(kind, channel):
    message = render(kind, channel)
    assert "Tuesday, March 3, 2026" in message.text and "10:00 AM EST" in message.text
    assert "Riverside Clinic" in message.text and "555-0100" in message.text
    for item in PREPARATION:
        assert item in message.text
    assert "drive you home" in message.text or "ride home" in message.text
    if channel == ReminderChannel.EMAIL:
        assert "1 River Road, Springfield" in message.text
        assert message.subject.startswith(("Reminder: your appointment", "Your appointment"))
    else:
        assert message.subject == ""


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_booking_nudge_asks_the_patient_to_call_the_clinic(channel):
    message = render(ReminderKind.BOOKING_NUDGE, channel)
    assert "Riverside Clinic" in message.text and "call us on 555-0100" in message.text
    assert "book your next appointment" in f"{message.subject} {message.text}".lower()
    assert "2026" not in message.text  # no appointment yet, so no date


def test_summer_time_shows_its_own_zone():
    message = render(ReminderKind.APPOINTMENT, ReminderChannel.SMS, at=SUMMER)
    assert "Tuesday, July 14, 2026 at 2:30 PM EDT" in message.text


def test_a_site_without_address_or_phone_still_reads_well():
    bare = SimpleNamespace(**(SITE.__dict__ | {"address": None, "phone": None}))
    message = render(ReminderKind.APPOINTMENT, ReminderChannel.EMAIL, site=bare)
    assert "None" not in message.text and "call us" not in message.text


def test_a_site_may_have_templates_of_its_own(tmp_path):
    (tmp_path / "site-7").mkdir()
    (tmp_path / "site-7" / "appointment.sms.txt").write_text(
        "{{ clinic.name }} sees you {{ when.date }} at {{ when.time }} {{ when.zone }}.")
    (tmp_path / "appointment_moved.sms.txt").write_text("Moved: {{ when.date }}.")
    text = ReminderText(tmp_path)
    assert render(ReminderKind.APPOINTMENT, ReminderChannel.SMS, text=text).text == (
        "Riverside Clinic sees you Tuesday, March 3, 2026 at 10:00 AM EST.")
    other = SimpleNamespace(**(SITE.__dict__ | {"id": 8}))
    assert "Before you come" in render(ReminderKind.APPOINTMENT, ReminderChannel.SMS,
                                       site=other, text=text).text
    assert render(ReminderKind.APPOINTMENT_MOVED, ReminderChannel.SMS, site=other,
                  text=text).text == "Moved: Tuesday, March 3, 2026."
    assert "site-7/appointment.sms.txt" in template_names(tmp_path)


@pytest.mark.parametrize("body", ["Your esketamine session {{ when.date }}",
                                  "Your REMS visit", "{{ clinic.nmae }}"])
def test_a_template_that_names_something_private_or_breaks_is_unsendable(tmp_path, body):
    (tmp_path / "appointment.sms.txt").write_text(body)
    with pytest.raises(UnsendableText):
        render(ReminderKind.APPOINTMENT, ReminderChannel.SMS, text=ReminderText(tmp_path))
