"""Patient reminders follow the booking: created, moved and cancelled in its transaction
(P-REMINDERS, P-QUIET)."""
from datetime import datetime, timedelta, timezone

import pytest
from freezegun import freeze_time
from sqlmodel import select

from spravato_ops.models import AuditEvent, Reminder, StaffAlert
from spravato_ops.services import booking, dispatch, patients, reminders
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


def test_reschedule_back_to_the_first_day_plans_its_reminders_again(db, make, clock):
    record = book(db, make)  # Tuesday 3 March
    moved = reschedule(db, make, record, local(3, hour=10))
    reschedule(db, make, moved, local(1, hour=10))
    assert [(status, at) for kind, status, at in summary(db, record.id)] == [
        ("pending", "02 10:00"), ("pending", "03 08:00"), ("cancelled", "04 10:00"),
        ("cancelled", "05 08:00")]


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


def change_contact(db, make, record, **changes):
    """PATCH the session's patient as staff would; the reminders of the session after it."""
    patients.update_patient(db, patient_id=record.patient_id, changes=changes,
                            actor=make.user("scheduler"))
    return reminders_of(db, record.id)


def reminder_audit(db):
    return rows(db, select(AuditEvent).where(AuditEvent.entity == "reminder",
                                             AuditEvent.action == "follow_contact")
                .order_by(AuditEvent.id))


def test_a_new_email_readdresses_the_pending_reminders_not_the_sent_one(db, make, clock):
    record = book(db, make)
    old = reminders_of(db, record.id)[0].recipient
    mark(db, record.id, "sent")
    found = change_contact(db, make, record, email="new@example.org")
    assert [(r.status, r.channel, r.recipient) for r in found] == [
        ("sent", "email", old), ("pending", "email", "new@example.org")]
    [event] = reminder_audit(db)
    assert (event.entity_id, event.before["recipient"], event.after["recipient"]) == (
        str(found[1].id), old, "new@example.org")
    patient_events = rows(db, select(AuditEvent).where(AuditEvent.entity == "patient",
                                                       AuditEvent.action == "update"))
    assert [e.after["email"] for e in patient_events] == ["new@example.org"]


def test_a_new_phone_leaves_email_reminders_alone(db, make, clock):
    record = book(db, make)
    before = [(r.channel, r.recipient, r.status) for r in reminders_of(db, record.id)]
    found = change_contact(db, make, record, phone="555-0199")
    assert [(r.channel, r.recipient, r.status) for r in found] == before
    assert reminder_audit(db) == []


def test_a_change_to_sms_sends_the_pending_reminders_to_the_phone(db, make, clock):
    record = book(db, make)
    found = change_contact(db, make, record, reminder_channel="sms", phone="555-0142")
    assert [(r.channel, r.recipient, r.status) for r in found] == [
        ("sms", "555-0142", "pending")] * 2
    assert len(reminder_audit(db)) == 2


def test_channel_none_cancels_the_pending_reminders_and_back_plans_them_again(
        db, make, clock):
    """P-REMINDERS: the keys cancelled at `none` are taken up again when email comes back."""
    record = book(db, make)
    mark(db, record.id, "sent")
    assert [r.status for r in change_contact(db, make, record, reminder_channel="none")] == [
        "sent", "cancelled"]
    found = change_contact(db, make, record, reminder_channel="email")
    assert summary(db, record.id) == [("appointment", "sent", "02 10:00"),
                                      ("appointment", "pending", "03 08:00")]
    assert found[1].attempts == 0 and found[1].recipient.endswith("@example.org")
    events = reminder_audit(db)
    assert [(e.before["status"], e.after["status"]) for e in events] == [
        ("pending", "cancelled"), ("cancelled", "pending")]


def test_from_none_the_reminders_are_planned_as_at_booking(db, make, clock):
    """P-REMINDERS at 24 h and 2 h, P-QUIET kept, none whose send time has passed."""
    place = clinic(make)
    early = book(db, make, site=place, channel="none", when=local(1, hour=7, minute=30))
    later = book(db, make, site=place, channel="none", when=local(2, hour=11))
    assert reminders_of(db, early.id) == reminders_of(db, later.id) == []
    clock.move_to(ny(2, 9))  # the early session's 24 h reminder time (2 March 08:00) passed
    patients.update_patient(db, patient_id=early.patient_id, changes={"reminder_channel": "sms"},
                            actor=make.user("scheduler"))
    patients.update_patient(db, patient_id=later.patient_id,
                            changes={"reminder_channel": "email"}, actor=make.user("scheduler"))
    # 2 h before 07:30 is inside P-QUIET, whose end is after the appointment: the evening before.
    assert [(r.channel, r.status, r.send_at) for r in reminders_of(db, early.id)] == [
        ("sms", "pending", ny(2, 21))]
    assert summary(db, later.id) == [("appointment", "pending", "03 11:00"),
                                     ("appointment", "pending", "04 09:00")]
    [event, *_] = reminder_audit(db)
    assert event.before is None and event.after["status"] == "pending"


def test_past_and_cancelled_sessions_keep_their_reminders(db, make, clock):
    place = clinic(make)
    course = make.course(patient=make.patient(reminder_channel="email"), start_date=START)
    cancelled = book(db, make, site=place, course=course)
    booking.cancel_session(db, session_id=cancelled.id, reason="patient asked",
                           actor=make.user("scheduler"))
    change_contact(db, make, cancelled, reminder_channel="none")
    change_contact(db, make, cancelled, reminder_channel="email", email="new@example.org")
    assert {r.status for r in reminders_of(db, cancelled.id)} == {"cancelled"}
    assert reminder_audit(db) == []


def test_a_reminder_claimed_but_not_started_is_taken_back_and_goes_to_the_new_address(
        db, make, clock):
    record = book(db, make)
    first = reminders_of(db, record.id)[0]
    first.next_attempt_at = NOW
    db.add(first)
    db.commit()
    [claimed] = dispatch.claim_due(db, worker="w1", now=NOW, limit=10,
                                   rules=dispatch.DispatchRules())
    change_contact(db, make, record, email="new@example.org")
    assert not dispatch.begin_attempt(db, reminder_id=claimed, worker="w1", now=NOW)
    [again] = dispatch.claim_due(db, worker="w2", now=NOW, limit=10,
                                 rules=dispatch.DispatchRules())
    [batch] = dispatch.load_batch(db, [again])
    assert (batch[0].recipient, batch[0].status) == ("new@example.org", "sending")


def test_a_patients_reminders_for_their_page_are_those_of_the_viewers_sites(make, db):
    """Newest first, each with its site's time zone; a nurse of one site sees only its own."""
    here, there = make.site(timezone="America/Chicago"), make.site()
    patient = make.patient()
    sent_at = datetime(2026, 3, 2, 14, tzinfo=timezone.utc)
    for n, site in enumerate((here, there, here)):
        db.add(Reminder(patient_id=patient.id, site_id=site.id, channel="sms", kind="appointment",
                        send_at=sent_at + timedelta(hours=n), next_attempt_at=sent_at,
                        created_at=sent_at, dedupe_key=f"test:{n}"))
    db.commit()
    seen = reminders.patient_reminders(db, viewer=make.user("nurse", site=here),
                                       patient_id=patient.id)
    chicago = "America/Chicago"
    assert [(r.send_at.hour, tz) for r, tz in seen] == [(16, chicago), (14, chicago)]
    everyone = reminders.patient_reminders(db, viewer=make.user("scheduler"),
                                           patient_id=patient.id)
    assert len(everyone) == 3
