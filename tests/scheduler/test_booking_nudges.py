"""Booking nudges (R1.7): one reminder per course and due window when the window opens with no
session booked, P-QUIET kept, none on channel none or once a session is booked; the clock
moved through the window by freezegun."""
from datetime import date, datetime, time, timedelta, timezone
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time
from sqlmodel import select

from scheduler import booking_nudges, dispatch_reminders
from spravato_ops.models import Reminder, SitePolicyRecord
from spravato_ops.services import booking
from spravato_ops.services.courses import update_course
from spravato_ops.services.failures import StaleVersion
from spravato_ops.services.reminder_text import ReminderText

from ..readback import rows
from .conftest import settings
from .servers import Mailbox, SmtpServer
from .test_reminder_text import NEVER

NEW_YORK = ZoneInfo("America/New_York")
START = date(2026, 1, 26)  # course week 6 runs 2-8 March 2026: maintenance, weekly


def local(day, hour, minute=0):
    return datetime.combine(date.fromisoformat(day), time(hour, minute), NEW_YORK)


@pytest.fixture
def clock():
    with freeze_time(local("2026-03-01", 12)) as frozen:
        yield frozen


class Course:
    """A TRD course in maintenance at a New York site, its last session held on 24 February:
    the next is due from Monday 2 March (week 6) to Thursday 5 March (P-CADENCE 9 days)."""

    def __init__(self, make, channel="email"):
        self.make = make
        self.site = make.site(name="Riverside Clinic", phone="555-0100")
        self.chair = make.chair(self.site)
        self.patient = make.patient(reminder_channel=channel, phone="+15550101")
        self.course = make.course(patient=self.patient, start_date=START)
        self.session("2026-02-24", state="discharged")

    def session(self, day, hour=10, **fields):
        return self.make.session(course=self.course, site=self.site, chair=self.chair,
                                 scheduled_start=local(day, hour), **fields)


def sweep(context):
    return booking_nudges.run(context(settings()))


def nudges(db):
    return rows(db, select(Reminder).where(Reminder.kind == "booking_nudge")
                .order_by(Reminder.id))


def test_r1_7_one_nudge_per_window_from_its_opening_after_quiet_hours(db, make, context, clock):
    course = Course(make)
    assert sweep(context).counts == {"planned": 0, "cancelled": 0}  # Sunday: not due yet
    clock.move_to(local("2026-03-02", 0, 30))  # the window opens, in P-QUIET (21:00-08:00)
    assert sweep(context).counts["planned"] == 1
    [nudge] = nudges(db)
    assert (nudge.dedupe_key, nudge.course_id, nudge.session_id, nudge.site_id) == (
        f"nudge:{course.course.id}:2026-03-02", course.course.id, None, course.site.id)
    assert (nudge.channel, nudge.recipient, nudge.status, nudge.appointment_at) == (
        "email", course.patient.email, "pending", None)
    assert nudge.send_at == local("2026-03-02", 8).astimezone(timezone.utc)
    assert sweep(context).counts["planned"] == 0
    clock.move_to(local("2026-03-02", 8, 1))
    report = dispatch_reminders.run(context(settings(delivery="log")))
    assert (report.claimed, report.sent) == (1, 1)
    for day in ("2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06"):
        clock.move_to(local(day, 10))
        assert sweep(context).counts["planned"] == 0, day
    assert [n.status for n in nudges(db)] == ["sent"]
    # A session held on 9 March (week 7): the next window opens on 16 March (week 8).
    course.session("2026-03-09", state="discharged")
    clock.move_to(local("2026-03-15", 23))
    assert sweep(context).counts["planned"] == 0
    clock.move_to(local("2026-03-16", 9))
    assert sweep(context).counts["planned"] == 1
    assert [n.dedupe_key.rsplit(":", 1)[1] for n in nudges(db)] == ["2026-03-02", "2026-03-16"]
    assert nudges(db)[-1].send_at == local("2026-03-16", 9).astimezone(timezone.utc)


def test_r1_7_no_nudge_when_a_session_is_booked_or_the_channel_is_none(
        db, make, context, clock):
    booked = Course(make)
    booked.session("2026-03-04")
    Course(make, channel="none")
    texted = Course(make, channel="sms")
    clock.move_to(local("2026-03-02", 10))
    assert sweep(context).counts["planned"] == 1
    [nudge] = nudges(db)
    assert (nudge.course_id, nudge.channel, nudge.recipient) == (texted.course.id, "sms",
                                                                 "+15550101")


def test_r1_7_booking_cancels_a_nudge_waiting_for_quiet_hours_to_end(db, make, context, clock):
    course = Course(make)
    clock.move_to(local("2026-03-02", 1))
    sweep(context)
    clock.move_to(local("2026-03-02", 7))
    booking.book(db, data=dict(course_id=course.course.id, site_id=course.site.id,
                               chair_id=course.chair.id, planned_dose_mg=56,
                               scheduled_start=local("2026-03-03", 10)),
                 actor=make.user("scheduler"), clock_skew=timedelta(0))
    assert [n.status for n in nudges(db)] == ["cancelled"]
    clock.move_to(local("2026-03-02", 10, 1))
    report = dispatch_reminders.run(context(settings(delivery="log")))
    assert (report.claimed, report.sent) == (1, 1)  # the appointment's 24-hour reminder
    assert sweep(context).counts == {"planned": 0, "cancelled": 0}
    assert [n.status for n in nudges(db)] == ["cancelled"]


def test_r1_7_a_nudge_not_sent_follows_the_bookings_made_elsewhere(db, make, context, clock):
    """The sweep cancels a nudge whose course got a session by another way than booking, and
    plans the same window's nudge again when that session is cancelled before it went."""
    course = Course(make)
    clock.move_to(local("2026-03-02", 2))
    sweep(context)
    later = course.session("2026-03-03")
    assert sweep(context).counts == {"planned": 0, "cancelled": 1}
    later.state = "cancelled"
    db.add(later)
    db.commit()
    assert sweep(context).counts == {"planned": 1, "cancelled": 0}
    [nudge] = nudges(db)
    assert (nudge.status, nudge.dedupe_key.endswith(":2026-03-02")) == ("pending", True)


def test_the_nudge_arrives_once_by_email_and_names_nothing_clinical(db, make, context):
    """Real time, a real SMTP server on loopback: the text asks the patient to call the clinic."""
    site = make.site(name="Riverside Clinic", phone="555-0100")
    db.add(SitePolicyRecord(site_id=site.id, settings={"quiet_hours": {"start": "00:00",
                                                                       "end": "00:00"}},
                            updated_at=datetime.now(timezone.utc)))
    db.commit()
    patient = make.patient(first_name="Alex")
    make.session(course=make.course(patient=patient, status="completed"), site=site,
                 scheduled_start=datetime.now(timezone.utc) - timedelta(days=400),
                 state="discharged")
    make.course(patient=patient, start_date=datetime.now(NEW_YORK).date())  # due today
    assert sweep(context).counts["planned"] == 1
    with SmtpServer(Mailbox()) as mailbox:
        report = dispatch_reminders.run(context(settings(mailbox.port)))
        assert (report.claimed, report.sent) == (1, 1)
        [message] = mailbox.handler.messages
    text = message.get_payload(decode=True).decode()
    assert message["To"] == patient.email
    assert "Hello Alex" in text and "call us on 555-0100" in text
    assert NEVER.findall(f"{message['Subject']}\n{text}") == []
    assert sweep(context).counts["planned"] == 0
    assert dispatch_reminders.run(context(settings(mailbox.port))).claimed == 0


def test_nudge_templates_render_without_an_appointment():
    site = SimpleNamespace(id=7, name="Riverside Clinic", address=None, phone=None,
                           timezone="America/New_York")
    for channel in ("email", "sms"):
        message = ReminderText().render(kind="booking_nudge", channel=channel,
                                        appointment_at=None, site=site,
                                        patient=SimpleNamespace(first_name="Alex"))
        assert "Riverside Clinic" in message.text and "contact us to book" in message.text
        assert "None" not in message.text and NEVER.findall(message.text) == []


def test_r1_7_a_course_stopped_cancels_its_nudge_not_yet_sent_at_once(db, make, context, clock):
    """A patient who has ended treatment is not asked to book: the nudge waiting for P-QUIET to
    end is cancelled with the course's stop, in its transaction, before any sweep."""
    course = Course(make)
    clock.move_to(local("2026-03-02", 1))
    sweep(context)
    assert [n.status for n in nudges(db)] == ["pending"]
    update_course(db, course_id=course.course.id, changes={"status": "stopped"},
                  actor=make.user("prescriber"), expected_version=course.course.version)
    assert [n.status for n in nudges(db)] == ["cancelled"]
    clock.move_to(local("2026-03-02", 8, 1))
    assert dispatch_reminders.run(context(settings(delivery="log"))).claimed == 0


def test_a_stale_course_change_cancels_nothing(db, make, context, clock):
    course = Course(make)
    clock.move_to(local("2026-03-02", 1))
    sweep(context)
    with pytest.raises(StaleVersion):
        update_course(db, course_id=course.course.id, changes={"status": "stopped"},
                      actor=None, expected_version=course.course.version + 1)
    db.rollback()
    assert [n.status for n in nudges(db)] == ["pending"]
