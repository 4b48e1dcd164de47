"""Patient reminders follow the booking: created, moved and cancelled in its transaction
(P-REMINDERS, P-QUIET)."""
from datetime import datetime, timedelta, timezone

import pytest
from freezegun import freeze_time
from sqlmodel import select

from spravato_ops.models import AuditEvent, Reminder, StaffAlert
from spravato_ops.services import booking, reminders
from spravato_ops.services.failures import RuleRefusal

from ..api.booking_setup import NEW_YORK, NOW, START, clinic, local
from ..readback import rows

NO_SKEW = timedelta(0)


@pytest.fixture
def clock():
    with freeze_time(NOW) as frozen:
        yield frozen


def ny(day, hour, minute=0):
    return datetime(2026, 3, day, hour, minute, tzinfo=NEW_YORK)


def book(db, make, when=None, channel="email", site=None, course=None):
    place = site or clinic(make)
    course = course or make.course(patient=make.patient(reminder_channel=channel),
                                   start_date=START)
    start = datetime.fromisoformat(when or local()).astimezone(timezone.utc)
    data = dict(course_id=course.id, site_id=place.site.id, chair_id=place.chairs[0].id,
                scheduled_start=start, planned_dose_mg=56)
    return booking.book(db, data=data, actor=make.user("scheduler"), clock_skew=NO_SKEW).record


def reminders_of(db, session_id):
    return rows(db, select(Reminder).where(Reminder.session_id == session_id)
                .order_by(Reminder.send_at, Reminder.id))


def summary(db, session_id):
    return [(r.kind, r.status, r.send_at.astimezone(NEW_YORK).strftime("%d %H:%M"))
            for r in reminders_of(db, session_id)]


def reschedule(db, make, record, when):
    start = datetime.fromisoformat(when).astimezone(timezone.utc)
    moved, _ = booking.reschedule_session(db, session_id=record.id,
                                          changes={"scheduled_start": start},
                                          expected_version=None, actor=make.user("scheduler"),
                                          clock_skew=NO_SKEW)
    return moved


def mark(db, session_id, status, hours=24):
    reminder = next(r for r in reminders_of(db, session_id) if r.dedupe_key.endswith(f":{hours}h"))
    reminder.status = status
    db.add(reminder)
    db.commit()


def test_booking_creates_the_p_reminders_at_24_and_2_hours(db, make, clock):
    record = book(db, make)  # Tuesday 3 March, 10:00 New York
    found = reminders_of(db, record.id)
    assert [(r.send_at, r.next_attempt_at) for r in found] == [
        (ny(2, 10), ny(2, 10)), (ny(3, 8), ny(3, 8))]
    patient_email = found[0].recipient
    assert all(r.kind == "appointment" and r.status == "pending" and r.channel == "email"
               and r.appointment_at == record.scheduled_start and r.site_id == record.site_id
               and r.course_id == record.course_id and r.recipient == patient_email
               for r in found)
    assert patient_email.endswith("@example.org")
    assert {r.dedupe_key for r in found} == {f"appointment:{record.id}:2026-03-03:24h",
                                             f"appointment:{record.id}:2026-03-03:2h"}


def test_sms_reminders_go_to_the_phone_and_none_creates_none(db, make, clock):
    place = clinic(make)
    sms = book(db, make, site=place, channel="sms")
    assert {(r.channel, r.recipient) for r in reminders_of(db, sms.id)} == {("sms", "555-0101")}
    quiet = book(db, make, site=place, channel="none", when=local(2))
    assert reminders_of(db, quiet.id) == []


def test_p_quiet_moves_an_early_morning_reminder_to_the_evening_before(db, make, clock):
    record = book(db, make, when=local(1, hour=7, minute=30))
    assert summary(db, record.id) == [("appointment", "pending", "02 08:00"),
                                      ("appointment", "pending", "02 21:00")]


def test_a_reminder_whose_time_has_passed_at_booking_is_not_created(db, make, clock):
    clock.move_to(ny(3, 5))  # 05:00: the 24 h reminder's time has passed
    record = book(db, make, when=local(1, hour=11))
    assert summary(db, record.id) == [("appointment", "pending", "03 09:00")]


def test_booking_across_spring_forward_keeps_the_local_time(db, make):
    with freeze_time(datetime(2026, 3, 6, 15, 0, tzinfo=timezone.utc)):
        record = book(db, make, when=ny(8, 10).isoformat())  # Sunday, first day of EDT
    assert summary(db, record.id) == [("appointment", "pending", "07 10:00"),
                                      ("appointment", "pending", "08 08:00")]
    assert reminders_of(db, record.id)[0].send_at == datetime(2026, 3, 7, 15, tzinfo=timezone.utc)


def test_reschedule_on_the_same_day_moves_pending_reminders_and_keeps_sent_ones(db, make, clock):
    record = book(db, make)
    mark(db, record.id, "sent")
    reschedule(db, make, record, local(1, hour=14))
    assert summary(db, record.id) == [("appointment", "sent", "02 10:00"),
                                      ("appointment", "pending", "03 12:00")]
    assert all(r.appointment_at == ny(3, 14) for r in reminders_of(db, record.id)
               if r.status == "pending")


def test_reschedule_to_another_day_after_a_reminder_went_sends_one_moved_message(
        db, make, clock):
    record = book(db, make)
    mark(db, record.id, "sent")
    clock.move_to(ny(2, 11))
    moved = reschedule(db, make, record, local(3, hour=10))  # Thursday 5 March
    assert summary(db, record.id) == [
        ("appointment", "sent", "02 10:00"), ("appointment_moved", "pending", "02 11:00"),
        ("appointment", "cancelled", "03 08:00"), ("appointment", "pending", "04 10:00"),
        ("appointment", "pending", "05 08:00")]
    # Moved again before the message went: still one message, about the newest time.
    reschedule(db, make, moved, local(4, hour=10))
    messages = [r for r in reminders_of(db, record.id) if r.kind == "appointment_moved"]
    assert [(m.status, m.appointment_at) for m in messages] == [("pending", ny(6, 10))]


def test_reschedule_to_another_day_before_any_reminder_went_sends_no_moved_message(
        db, make, clock):
    record = book(db, make)
    reschedule(db, make, record, local(3, hour=10))
    assert [kind for kind, status, _ in summary(db, record.id) if status == "pending"] == [
        "appointment", "appointment"]
    assert "appointment_moved" not in {kind for kind, _, _ in summary(db, record.id)}


@pytest.mark.parametrize("change", [booking.cancel_session, booking.mark_no_show])
def test_cancel_and_no_show_cancel_the_reminders_not_sent(db, make, clock, change):
    record = book(db, make)
    mark(db, record.id, "sent")
    change(db, session_id=record.id, reason="patient asked", actor=make.user("scheduler"))
    assert [status for _, status, _ in summary(db, record.id)] == ["sent", "cancelled"]


def test_resend_a_failed_reminder_to_the_current_address_is_audited(db, make, clock):
    record = book(db, make)
    reminder = reminders_of(db, record.id)[1]
    reminder.status, reminder.attempts, reminder.recipient = "failed", 5, "old@example.org"
    db.add(StaffAlert(site_id=record.site_id, kind="reminder_failed", message="failed",
                      dedupe_key=f"reminder_failed:{reminder.id}:1", raised_at=NOW))
    db.add(reminder)
    db.commit()
    resent = reminders.resend(db, reminder_id=reminder.id, actor=make.user("nurse"))
    # 07:00 is inside P-QUIET: it goes at 08:00
    assert (resent.status, resent.attempts, resent.next_attempt_at) == ("pending", 0, ny(2, 8))
    assert resent.recipient != "old@example.org"
    [alert] = rows(db, select(StaffAlert))
    assert alert.resolved_at == NOW
    [event] = rows(db, select(AuditEvent).where(AuditEvent.entity == "reminder"))
    assert (event.action, event.before["status"], event.after["status"]) == (
        "resend", "failed", "pending")


def test_only_a_failed_reminder_can_be_resent(db, make, clock):
    record = book(db, make)
    reminder = reminders_of(db, record.id)[0]
    with pytest.raises(RuleRefusal, match="only a failed or unknown"):
        reminders.resend(db, reminder_id=reminder.id, actor=make.user("nurse"))
