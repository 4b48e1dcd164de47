"""Patient reminders of a session: planned at booking, moved and cancelled with it in the same
transaction, following the patient's contact details, listed for staff and resent on request.
The scheduler sends them (dispatch.py).
"""
from collections import defaultdict

from sqlalchemy import bindparam, or_, update
from sqlmodel import select

from ..clock import utcnow
from ..domain.enums import (
    AlertKind, ReminderChannel, ReminderKind, ReminderStatus as S, SessionState,
)
from ..domain.reminders import planned_reminders, send_time
from ..domain.violations import hard_stop
from ..models import Patient, Reminder, Site, TreatmentSession
from . import alerts, audit
from .failures import NotFound, RuleRefusal
from .sites import at_sites_of, policy_from, select_with_policy, site_with_policy

# The patient's fields a reminder is addressed by (follow_contact).
CONTACT_FIELDS = ("email", "phone", "reminder_channel")

# Rows a booking change may still move or cancel: not yet claimed, or claimed by a dispatcher
# that has not started sending it (its start is conditional on the row still being its own).
_NOT_STARTED = or_(Reminder.status == S.PENDING,
                   (Reminder.status == S.SENDING) & Reminder.send_started_at.is_(None))
# A reminder of the session that has (or may have) reached the patient.
_REACHED = frozenset({S.SENT, S.UNKNOWN})


def _appointment_key(record, hours):
    return f"appointment:{record.id}:{record.local_day}:{hours}h"


def recipient_of(patient, channel):
    """The patient's address on a channel: email, or phone for SMS."""
    return patient.email if channel == ReminderChannel.EMAIL else patient.phone


def _new(record, patient, kind, at, key, now):
    return Reminder(session_id=record.id, course_id=record.course_id, patient_id=patient.id,
                    site_id=record.site_id, channel=patient.reminder_channel, kind=kind,
                    recipient=recipient_of(patient, patient.reminder_channel), send_at=at,
                    appointment_at=record.scheduled_start, next_attempt_at=at,
                    status=S.PENDING, dedupe_key=key, created_at=now)


def _wanted(record, patient, site, policy, now):
    """{dedupe key: send time} of the session's P-REMINDERS reminders still to come."""
    if patient.reminder_channel == ReminderChannel.NONE:
        return {}
    return {_appointment_key(record, hours): at for hours, at in
            planned_reminders(record.scheduled_start, policy, site.timezone, now)}


def plan_for_session(session, *, record, patient, site, policy):
    """Add a booked session's reminders at the P-REMINDERS offsets still to come, P-QUIET
    respected (none for `reminder_channel: none`), and cancel the course's booking nudges not
    sent yet; the booking's commit writes them."""
    now = utcnow()
    cancel_nudges(session, course_id=record.course_id)
    created = [_new(record, patient, ReminderKind.APPOINTMENT, at, key, now)
               for key, at in _wanted(record, patient, site, policy, now).items()]
    session.add_all(created)
    return created


def move_for_session(session, *, record, patient, site, policy, previous_day):
    """Follow a reschedule: move the reminders not sent yet, plan those of a new day, and
    when the day changed after a reminder reached the patient, add one "moved" message.

    A reminder already sent is not sent again for the same day.
    """
    now = utcnow()
    existing = session.exec(select(Reminder).where(Reminder.session_id == record.id)
                            .with_for_update()).all()
    wanted = _wanted(record, patient, site, policy, now)
    for reminder in existing:
        if reminder.kind == ReminderKind.APPOINTMENT and _not_started(reminder):
            if reminder.dedupe_key in wanted:
                _reschedule(reminder, wanted[reminder.dedupe_key], record.scheduled_start)
            else:
                _cancel(reminder)
        elif reminder.kind == ReminderKind.APPOINTMENT_MOVED and _not_started(reminder):
            reminder.appointment_at = record.scheduled_start
        session.add(reminder)
    _add_missing(session, record, patient, wanted, existing, now)
    if record.local_day != previous_day:
        _tell_of_move(session, record, patient, site, policy, existing, now)


def _add_missing(session, record, patient, wanted, existing, now):
    """Plan the wanted reminders the session lacks: a new row, or a cancelled one of the same
    key taken up again (its dedupe key is taken). Returns [(reminder, snapshot before)]."""
    by_key = {reminder.dedupe_key: reminder for reminder in existing}
    added = []
    for key, at in wanted.items():
        reminder = by_key.get(key)
        if reminder is None:
            added.append((_new(record, patient, ReminderKind.APPOINTMENT, at, key, now), None))
        elif reminder.status == S.CANCELLED:
            before = audit.snapshot(reminder)
            _reschedule(reminder, at, record.scheduled_start)
            _address(reminder, patient)
            reminder.attempts, reminder.last_error = 0, None
            added.append((reminder, before))
    session.add_all(reminder for reminder, _ in added)
    return added


def _address(reminder, patient):
    reminder.channel = patient.reminder_channel
    reminder.recipient = recipient_of(patient, patient.reminder_channel)


def _not_started(reminder):
    return reminder.status == S.PENDING or (reminder.status == S.SENDING
                                            and reminder.send_started_at is None)


def _reschedule(reminder, at, appointment_at):
    reminder.status, reminder.claimed_by, reminder.lease_until = S.PENDING, None, None
    reminder.send_at = reminder.next_attempt_at = at
    reminder.appointment_at = appointment_at


def _cancel(reminder):
    reminder.status, reminder.claimed_by, reminder.lease_until = S.CANCELLED, None, None


def _tell_of_move(session, record, patient, site, policy, existing, now):
    """One "your appointment moved" message, once a reminder of the old day reached them."""
    if patient.reminder_channel == ReminderChannel.NONE:
        return
    reached = any(r.kind == ReminderKind.APPOINTMENT and r.status in _REACHED for r in existing)
    waiting = any(r.kind == ReminderKind.APPOINTMENT_MOVED and _not_started(r) for r in existing)
    at = send_time(now, record.scheduled_start, now, policy, site.timezone)
    if reached and not waiting and at is not None:
        key = f"appointment_moved:{record.id}:v{record.version}"
        session.add(_new(record, patient, ReminderKind.APPOINTMENT_MOVED, at, key, now))


def follow_contact(session, *, patient, actor):
    """Make the reminders not yet sending of the patient's upcoming sessions follow a change
    of email, phone or reminder_channel, in the caller's transaction (audited, not committed).

    They go on the new channel to the new address; `none` cancels them; from `none` the
    session's missing P-REMINDERS reminders are planned as at booking (P-QUIET kept, none
    whose send time has passed). A reminder claimed but not started is taken back, so the
    dispatcher holding it skips it and sends it again from the row as changed.
    """
    now = utcnow()
    upcoming = session.exec(
        select_with_policy(TreatmentSession, Site, site_id=TreatmentSession.site_id)
        .join(Site, Site.id == TreatmentSession.site_id)
        .where(TreatmentSession.patient_id == patient.id,
               TreatmentSession.state == SessionState.SCHEDULED,
               TreatmentSession.scheduled_start > now)).all()
    existing = defaultdict(list)
    if upcoming:
        for reminder in session.exec(select(Reminder).where(
                Reminder.session_id.in_([record.id for record, _, _ in upcoming]))
                .order_by(Reminder.id).with_for_update()):
            existing[reminder.session_id].append(reminder)
    changed = []
    for record, site, settings in upcoming:
        changed += _readdress(existing[record.id], patient)
        wanted = _wanted(record, patient, site, policy_from(settings), now)
        changed += _add_missing(session, record, patient, wanted, existing[record.id], now)
    session.flush()
    for reminder, before in changed:
        audit.record(session, action="follow_contact", entity="reminder", entity_id=reminder.id,
                     actor=actor, before=before, after=audit.snapshot(reminder))
    return [reminder for reminder, _ in changed]


def _readdress(of_session, patient):
    """Point a session's reminders not started yet at the patient's channel and address, or
    cancel them for `none`. Returns [(reminder, snapshot before)] of those changed."""
    changed, recipient = [], recipient_of(patient, patient.reminder_channel)
    for reminder in of_session:
        if not _not_started(reminder):
            continue
        if patient.reminder_channel == ReminderChannel.NONE:
            changed.append((reminder, audit.snapshot(reminder)))
            _cancel(reminder)
        elif (reminder.channel, reminder.recipient) != (patient.reminder_channel, recipient):
            changed.append((reminder, audit.snapshot(reminder)))
            _address(reminder, patient)
            reminder.status, reminder.claimed_by, reminder.lease_until = S.PENDING, None, None
    return changed


def cancel_for_session(session, *, session_id):
    """Cancel a session's reminders not sent yet (cancel, no-show); the caller commits."""
    session.exec(update(Reminder).where(Reminder.session_id == session_id, _NOT_STARTED)
                 .values(status=S.CANCELLED, claimed_by=None, lease_until=None))


def cancel_nudges(session, *, course_id=None, keep=None):
    """Cancel booking nudges not sent yet: the course's (a session was just booked), or all
    those whose dedupe key is not in `keep` (the nudge sweep's). Returns how many."""
    if course_id is not None:
        query, params = _CANCEL_COURSE_NUDGES, {"of_course": course_id}
    else:
        query, params = _cancel_nudges(), {}
        if keep is not None:
            query = query.where(Reminder.dedupe_key.not_in(list(keep)))
    session.flush()  # what the session holds is in the database before the UPDATE reads it
    # A plain UPDATE on the session's connection (the ORM's would also look for the rows in
    # the session: a reminder it holds keeps its status there).
    return session.connection().execute(query, params).rowcount


def _cancel_nudges():
    return (update(Reminder).where(Reminder.kind == ReminderKind.BOOKING_NUDGE, _NOT_STARTED)
            .values(status=S.CANCELLED, claimed_by=None, lease_until=None))


# Built once: every booking sends it.
_CANCEL_COURSE_NUDGES = _cancel_nudges().where(Reminder.course_id == bindparam("of_course"))


def list_reminders(session, *, viewer, session_id=None, course_id=None, status=None, limit=100,
                   offset=0):
    """Reminders by send time at the sites `viewer` works at, filtered by session, course and
    status."""
    query = select(Reminder).where(at_sites_of(viewer, Reminder.site_id))
    for column, value in ((Reminder.session_id, session_id), (Reminder.course_id, course_id),
                          (Reminder.status, status)):
        if value is not None:
            query = query.where(column == value)
    return session.exec(query.order_by(Reminder.send_at, Reminder.id)
                        .offset(offset).limit(limit)).all()


def patient_reminders(session, *, viewer, patient_id, limit=30):
    """The patient's latest reminders at the sites `viewer` works at, newest first, each with
    its site's time zone (None for a course's nudge before any booking): the patient's page."""
    query = (select(Reminder, Site.timezone).outerjoin(Site, Site.id == Reminder.site_id)
             .where(Reminder.patient_id == patient_id, at_sites_of(viewer, Reminder.site_id))
             .order_by(Reminder.send_at.desc(), Reminder.id.desc()).limit(limit))
    return session.exec(query).all()


def resend(session, *, reminder_id, actor):
    """Send a failed (or in doubt) reminder again, to the patient's current address (audited).

    It goes now, or at the end of P-QUIET hours when that is still before the appointment.
    """
    reminder = session.get(Reminder, reminder_id, with_for_update=True)
    if reminder is None:
        raise NotFound(f"Reminder {reminder_id} not found.")
    now = utcnow()
    at = _resend_time(session, reminder, now)
    before = audit.snapshot(reminder)
    patient = session.get(Patient, reminder.patient_id)
    reminder.recipient = recipient_of(patient, reminder.channel)
    reminder.status, reminder.attempts = S.PENDING, 0
    reminder.next_attempt_at = at
    reminder.claimed_by = reminder.lease_until = reminder.send_started_at = None
    session.add(reminder)
    alerts.resolve_by_prefix(session, kinds=(AlertKind.REMINDER_FAILED, AlertKind.REMINDER_UNKNOWN),
                             prefix=f":{reminder.id}:", now=now)
    audit.record(session, action="resend", entity="reminder", entity_id=reminder.id, actor=actor,
                 before=before, after=audit.snapshot(reminder))
    session.commit()
    return reminder


def _resend_time(session, reminder, now):
    """409 unless the reminder failed (or is in doubt) and can still go before the appointment."""
    if reminder.status not in (S.FAILED, S.UNKNOWN):
        raise RuleRefusal([hard_stop("state", "reminder_not_failed",
                                     f"Reminder {reminder.id} is {reminder.status}; only a "
                                     "failed or unknown reminder can be resent.")])
    site, policy = site_with_policy(session, reminder.site_id)
    appointment = reminder.appointment_at
    at = send_time(now, appointment, now, policy, site.timezone) if appointment else now
    if at is None:
        raise RuleRefusal([hard_stop("P-QUIET", "reminder_too_late",
                                     "The appointment has started, or starts before the "
                                     "site's quiet hours end: the reminder cannot be sent.")])
    return at
