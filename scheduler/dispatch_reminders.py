"""Job: send the due patient reminders, each exactly once (services/dispatch.py has the rule).

Batch by batch until none is due or the process is stopping; a stop (SIGTERM) lets the
current batch finish. One bad message or a dead server never holds up the others: a
channel that cannot be reached waits for the next sweep, the rest of the batch goes on.
"""
from spravato_ops.clock import utcnow
from spravato_ops.domain.enums import ReminderChannel
from spravato_ops.domain.reminders import retry_delay
from spravato_ops.services import dispatch
from spravato_ops.services.reminder_text import UnsendableText

from .channels import Outgoing, open_channels
from .locks import sole_dispatcher
from .report import Report

JOB_ID = "dispatch-reminders"
STATUS_COUNTER = {"sent": "sent", "pending": "retried", "failed": "failed",
                  "unknown": "unknown"}


def run(ctx):
    """One sweep: recover what dead dispatchers left, then claim and send until none is due."""
    report = Report(JOB_ID)
    with sole_dispatcher(ctx.engine) as sole:
        if sole is False:
            report.note = "another dispatcher runs on this SQLite database"
            return report
        channels = open_channels(ctx.settings)
        try:
            _recover(ctx, channels, report, expired_only=not sole)
            while not ctx.stopping.is_set():
                with ctx.session() as db:
                    ids = dispatch.claim_due(db, worker=ctx.worker, now=utcnow(),
                                             limit=ctx.settings.batch_size,
                                             rules=ctx.settings.rules)
                if not ids:
                    break
                report.claimed += len(ids)
                send_batch(ctx, channels, ids, report)
        finally:
            for channel in channels.values():
                channel.close()
    return report


def _recover(ctx, channels, report, expired_only):
    redeliverable = {name for name, channel in channels.items() if channel.redelivery_safe}
    with ctx.session() as db:
        found = dispatch.recover(db, now=utcnow(), redeliverable=redeliverable,
                                 expired_only=expired_only)
    report.unknown += found.pop("unknown")
    report.counts.update(found)


def send_batch(ctx, channels, ids, report):
    """Send one claimed batch, in id order, keeping the claim's lease alive as it goes."""
    rules, down, waiting = ctx.settings.rules, set(), []
    lease_until = utcnow() + rules.lease
    with ctx.session() as db, ctx.statement_session() as quick:
        batch = dispatch.load_batch(db, ids)
        db.commit()
        for position, (reminder, treatment_session, site, patient) in enumerate(batch):
            if reminder.channel in down:
                waiting.append(reminder.id)
                continue
            if lease_until - utcnow() < rules.lease / 2:
                lease_until = utcnow() + rules.lease
                dispatch.extend_lease(db, ids=[r.id for r, *_ in batch[position:]],
                                      worker=ctx.worker, until=lease_until)
            delivery = _send_one(ctx, (db, quick), channels, reminder, treatment_session, site,
                                 patient, report)
            if delivery is not None and delivery.channel_down:
                down.add(reminder.channel)
        until = utcnow() + retry_delay(1, rules.retry_base_seconds, rules.retry_cap_seconds)
        dispatch.release(db, ids=waiting, worker=ctx.worker, until=until)


def _send_one(ctx, sessions, channels, reminder, treatment_session, site, patient, report):
    """Render, stamp the attempt, send, record; the Delivery, or None when not attempted.

    `sessions`: (transactional, one statement each): the start and a success are single
    statements; a failure writes the reminder and a staff alert together.
    """
    db, quick = sessions
    appointment_at = (treatment_session.scheduled_start if treatment_session is not None
                      else reminder.appointment_at)
    try:
        message = ctx.text.render(kind=reminder.kind, channel=reminder.channel,
                                  appointment_at=appointment_at, site=site, patient=patient)
        if not reminder.recipient:
            raise UnsendableText(f"the patient has no {_address(reminder.channel)}")
    except UnsendableText as exc:
        dispatch.refuse_unsendable(db, reminder_id=reminder.id, worker=ctx.worker,
                                   error=str(exc), now=utcnow())
        report.failed += 1
        return None
    if not dispatch.begin_attempt(quick, reminder_id=reminder.id, worker=ctx.worker,
                                  now=utcnow()):
        report.counts["skipped"] = report.counts.get("skipped", 0) + 1
        return None
    delivery = channels[reminder.channel].send(Outgoing(
        reminder.id, dispatch.idempotency_key(reminder), reminder.recipient, message.subject,
        message.text))
    status = dispatch.record_delivery(quick if delivery.outcome == "sent" else db,
                                      reminder_id=reminder.id, worker=ctx.worker,
                                      delivery=delivery, now=utcnow(), rules=ctx.settings.rules)
    if status is not None:
        counter = STATUS_COUNTER[status]
        setattr(report, counter, getattr(report, counter) + 1)
    return delivery


def _address(channel):
    return "email address" if channel == ReminderChannel.EMAIL else "phone number"
