"""Send each due reminder exactly once: claim, mark the attempt's start, send, record.

The rule, in the order the dispatcher (scheduler/dispatch_reminders.py) follows it:
1. `claim_due` moves due `pending` rows to `sending` under the dispatcher's name and a lease,
   atomically (PostgreSQL: FOR UPDATE SKIP LOCKED, so two dispatchers never claim one row;
   SQLite: the claim runs in one BEGIN IMMEDIATE transaction and one dispatcher runs at a
   time, scheduler/locks.py). A row whose appointment has started expires instead.
2. `begin_attempt` stamps `send_started_at` and commits, only while the row is still the
   dispatcher's (a cancel or reschedule in between takes it back), just before sending.
3. The channel sends it with the reminder's own key (Message-ID, Idempotency-Key).
4. `record_delivery` commits the outcome: sent; retry later with backoff (nothing was
   delivered); failed (refused, or out of attempts) with a staff alert; or unknown.
A dispatcher that dies leaves `sending` rows whose lease expires; `recover` returns those
never started to `pending`. One started but not recorded is in doubt: it is sent again
only on a channel whose provider drops a repeated key (the SMS webhook's contract),
otherwise it becomes `unknown` with a staff alert. Never silently twice.
"""
import hashlib
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import select

from ..domain.enums import AlertKind, ReminderStatus as S, Role
from ..domain.reminders import retry_delay
from ..models import Patient, Reminder, Site, TreatmentSession
from . import alerts

REMINDERS = Reminder.__table__


@dataclass(frozen=True)
class Delivery:
    """A channel's answer for one message: sent, retry (nothing delivered), refused
    (permanent), or in_doubt (it may have been delivered). `channel_down`: the server could
    not be reached, so the batch's other messages on the channel wait for the next sweep."""

    outcome: str
    provider_id: str | None = None
    error: str | None = None
    channel_down: bool = False


@dataclass(frozen=True)
class DispatchRules:
    """How long a claim holds, how often a reminder is tried, and the backoff between tries."""

    lease: timedelta = timedelta(minutes=5)
    max_attempts: int = 5
    retry_base_seconds: int = 60
    retry_cap_seconds: int = 3600


def idempotency_key(reminder):
    """The reminder's own key for providers: the same on every attempt, unique per reminder."""
    digest = hashlib.sha256(reminder.dedupe_key.encode()).hexdigest()[:16]
    return f"reminder-{reminder.id}-{digest}"


def claim_due(session, *, worker, now, limit, rules):
    """Claim up to `limit` due reminders for `worker`; return their ids (see the module rule).

    Those whose appointment has started are not sent: expired, or failed with a staff alert
    when earlier attempts failed.
    """
    due = session.exec(
        select(Reminder)
        .where(Reminder.status == S.PENDING, Reminder.next_attempt_at <= now)
        .order_by(Reminder.next_attempt_at, Reminder.id).limit(limit)
        .with_for_update(skip_locked=True)).all()
    late = [r for r in due if r.appointment_at is not None and r.appointment_at <= now]
    for reminder in late:
        if reminder.attempts:
            _fail(session, reminder, now, "the appointment started before it could be sent; "
                  f"last error: {reminder.last_error}")
        else:
            reminder.status = S.EXPIRED
        session.add(reminder)
    ids = [r.id for r in due if r not in late]
    if ids:
        session.exec(update(Reminder).where(Reminder.id.in_(ids)).values(
            status=S.SENDING, claimed_by=worker, lease_until=now + rules.lease))
    session.commit()
    return ids


def load_batch(session, ids):
    """The claimed reminders with their session, site and patient, in id order."""
    return session.exec(
        select(Reminder, TreatmentSession, Site, Patient)
        .outerjoin(TreatmentSession, TreatmentSession.id == Reminder.session_id)
        .join(Site, Site.id == Reminder.site_id)
        .join(Patient, Patient.id == Reminder.patient_id)
        .where(Reminder.id.in_(ids)).order_by(Reminder.id)).all()


def begin_attempt(session, *, reminder_id, worker, now):
    """Stamp the attempt's start, if the row is still this worker's; True when it is.

    One statement: `session` may be in autocommit (scheduler/context.py). This and
    record_sent run per message, so they go to the database as plain statements.
    """
    result = session.connection().execute(update(REMINDERS).where(
        *_mine(reminder_id, worker), REMINDERS.c.send_started_at.is_(None),
    ).values(send_started_at=now, attempts=REMINDERS.c.attempts + 1))
    session.commit()
    return result.rowcount == 1


def record_sent(session, *, reminder_id, worker, provider_id, now):
    """Record a delivered message in one statement (`session` may be in autocommit)."""
    done = session.connection().execute(update(REMINDERS).where(*_mine(reminder_id, worker))
                                        .values(status=S.SENT, sent_at=now,
                                                provider_message_id=provider_id,
                                                last_error=None, claimed_by=None,
                                                lease_until=None, send_started_at=None))
    session.commit()
    return S.SENT if done.rowcount == 1 else None


def record_delivery(session, *, reminder_id, worker, delivery, now, rules):
    """Record an attempt's outcome (its start was stamped by begin_attempt) and commit.

    Returns the reminder's new status (None if it was no longer this worker's).
    """
    if delivery.outcome == "sent":
        return record_sent(session, reminder_id=reminder_id, worker=worker,
                           provider_id=delivery.provider_id, now=now)
    reminder = session.get(Reminder, reminder_id, populate_existing=True, with_for_update=True)
    if reminder.claimed_by != worker or reminder.status != S.SENDING:
        session.rollback()
        return None
    _unclaim(reminder)
    if delivery.outcome == "retry" and reminder.attempts < rules.max_attempts:
        reminder.status, reminder.last_error = S.PENDING, _clip(delivery.error)
        reminder.next_attempt_at = now + retry_delay(reminder.attempts, rules.retry_base_seconds,
                                                     rules.retry_cap_seconds)
    elif delivery.outcome == "in_doubt":
        _in_doubt(session, reminder, now, delivery.error)
    else:
        _fail(session, reminder, now, delivery.error if delivery.outcome == "refused" else
              f"{reminder.attempts} attempts failed; last error: {delivery.error}")
    session.add(reminder)
    session.commit()
    return S(reminder.status)


def _mine(reminder_id, worker):
    return (REMINDERS.c.id == reminder_id, REMINDERS.c.status == S.SENDING,
            REMINDERS.c.claimed_by == worker)


def refuse_unsendable(session, *, reminder_id, worker, error, now):
    """Fail a claimed reminder that cannot be sent at all (no address, a text that names
    something private) before any attempt, with a staff alert."""
    reminder = session.get(Reminder, reminder_id, populate_existing=True, with_for_update=True)
    if reminder.claimed_by == worker and reminder.status == S.SENDING:
        _unclaim(reminder)
        _fail(session, reminder, now, error)
        session.add(reminder)
    session.commit()


def release(session, *, ids, worker, until):
    """Give claimed reminders not yet attempted back, due again at `until`."""
    if ids:
        session.exec(update(Reminder).where(
            Reminder.id.in_(ids), Reminder.status == S.SENDING, Reminder.claimed_by == worker,
            Reminder.send_started_at.is_(None),
        ).values(status=S.PENDING, claimed_by=None, lease_until=None, next_attempt_at=until))
    session.commit()


def extend_lease(session, *, ids, worker, until):
    """Keep holding claimed reminders that a long batch has not reached yet."""
    session.exec(update(Reminder).where(
        Reminder.id.in_(ids), Reminder.status == S.SENDING, Reminder.claimed_by == worker,
    ).values(lease_until=until))
    session.commit()


def recover(session, *, now, redeliverable, expired_only=True):
    """Take back the `sending` rows of dispatchers that died (their lease expired; all of
    them when `expired_only` is False: the caller knows no other dispatcher runs).

    Never started: pending again. Started but not recorded: sent again, with the same key,
    on a channel in `redeliverable`; else unknown with a staff alert. Returns the counts.
    """
    query = select(Reminder).where(Reminder.status == S.SENDING)
    if expired_only:
        query = query.where(Reminder.lease_until < now)
    found = session.exec(query.with_for_update(skip_locked=True)).all()
    counts = {"released": 0, "redelivered": 0, "unknown": 0}
    for reminder in found:
        started = reminder.send_started_at is not None
        if started and reminder.channel not in redeliverable:
            _unclaim(reminder)
            _in_doubt(session, reminder, now, "the dispatcher stopped between sending and "
                      "recording it")
            counts["unknown"] += 1
        else:
            _unclaim(reminder)
            reminder.status, reminder.next_attempt_at = S.PENDING, now
            counts["redelivered" if started else "released"] += 1
        session.add(reminder)
    session.commit()
    return counts


def _unclaim(reminder):
    reminder.claimed_by = reminder.lease_until = reminder.send_started_at = None


def _clip(text):
    return None if text is None else str(text)[:1000]


def _fail(session, reminder, now, error):
    reminder.status, reminder.last_error = S.FAILED, _clip(error)
    _alert(session, reminder, AlertKind.REMINDER_FAILED, now,
           f"A {reminder.channel} reminder to the patient could not be sent: {error}. Check the "
           "patient's contact details, then resend it.")


def _in_doubt(session, reminder, now, error):
    reminder.status, reminder.last_error = S.UNKNOWN, _clip(error)
    _alert(session, reminder, AlertKind.REMINDER_UNKNOWN, now,
           f"A {reminder.channel} reminder may or may not have reached the patient ({error}). "
           "It is not sent again by itself: confirm with the patient, or resend it.")


def _alert(session, reminder, kind, now, message):
    alerts.raise_alert(session, site_id=reminder.site_id, session_id=reminder.session_id,
                       patient_id=reminder.patient_id, kind=kind, role=Role.SCHEDULER,
                       message=message[:1000],
                       dedupe_key=f"{kind}:{reminder.id}:{int(now.timestamp() * 1000)}")
