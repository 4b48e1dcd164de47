"""Reminder dispatch against real servers on loopback: each due reminder arrives once; refusals,
hangs and webhook errors are retried, then failed with a staff alert; the others still go."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import create_engine
from sqlmodel import select

from scheduler import dispatch_reminders
from scheduler.context import JobContext
from scheduler.locks import sole_dispatcher
from spravato_ops.clock import utcnow
from spravato_ops.db import make_engine
from spravato_ops.models import Reminder
from spravato_ops.services import dispatch, reminders

from ..readback import rows
from .conftest import SENDER, add_due, alerts, appointment, settings, statuses
from .servers import Mailbox, SilentServer, SmtpServer, Webhook


@pytest.fixture
def mailbox():
    with SmtpServer(Mailbox()) as server:
        yield server


@pytest.fixture
def webhook():
    with Webhook() as hook:
        yield hook


def test_due_reminders_arrive_once_by_email_and_by_sms(db, make, context, mailbox, webhook):
    emails = add_due(db, appointment(make), 3)
    texts = add_due(db, appointment(make, channel="sms"), 2, channel="sms")
    later = add_due(db, appointment(make), 1, first=9)[0]
    later.next_attempt_at = utcnow() + timedelta(hours=1)
    db.add(later)
    db.commit()
    ctx = context(settings(mailbox.port, webhook.url))
    report = dispatch_reminders.run(ctx)
    assert (report.claimed, report.sent, report.failed) == (5, 5, 0)
    ids = mailbox.handler.message_ids()
    assert sorted(ids) == sorted(f"<{dispatch.idempotency_key(r)}@riverside.example>"
                                 for r in emails)
    assert set(ids.values()) == {1}
    assert {m["To"] for m in mailbox.handler.messages} == {r.recipient for r in emails}
    assert {m["From"] for m in mailbox.handler.messages} == {SENDER}
    assert sorted(body["reminder_id"] for _, body in webhook.requests) == [r.id for r in texts]
    assert {headers["Idempotency-Key"] for headers, _ in webhook.requests} == {
        dispatch.idempotency_key(r) for r in texts}
    stored = {r.id: r for r in rows(db, select(Reminder))}
    assert all(stored[r.id].status == "sent" and stored[r.id].sent_at is not None
               for r in emails + texts)
    assert {stored[r.id].provider_message_id for r in texts} == {"sms-1", "sms-2"}
    assert stored[later.id].status == "pending"
    # A second sweep sends nothing again.
    assert dispatch_reminders.run(ctx).claimed == 0
    assert mailbox.handler.count() == 3 and len(webhook.requests) == 2


def test_a_refused_address_fails_with_a_staff_alert_and_the_others_go(db, make, context):
    with SmtpServer(Mailbox(refuse_rcpt={"patient1@example.org"})) as server:
        add_due(db, appointment(make), 3)
        report = dispatch_reminders.run(context(settings(server.port)))
        assert server.handler.count() == 2
    assert (report.sent, report.failed) == (2, 1)
    assert statuses(db) == {"patient0@example.org": "sent", "patient1@example.org": "failed",
                            "patient2@example.org": "sent"}
    [alert] = alerts(db, "reminder_failed")
    assert alert.role == "scheduler" and "550" in alert.message
    [failed] = rows(db, select(Reminder).where(Reminder.status == "failed"))
    assert failed.attempts == 1 and "RCPT TO: 550" in failed.last_error


def test_a_server_refusing_every_message_fails_them_and_sms_still_go(db, make, context, webhook):
    with SmtpServer(Mailbox(refuse_data=True)) as server:
        add_due(db, appointment(make), 2)
        add_due(db, appointment(make, channel="sms"), 1, channel="sms")
        report = dispatch_reminders.run(context(settings(server.port, webhook.url)))
    assert (report.sent, report.failed) == (1, 2)
    assert sorted(statuses(db).values()) == ["failed", "failed", "sent"]
    assert len(alerts(db, "reminder_failed")) == 2


def test_a_hanging_server_is_retried_then_failed_and_sms_still_go(db, make, context, webhook):
    with SilentServer() as silent:
        add_due(db, appointment(make), 1)
        add_due(db, appointment(make, channel="sms"), 2, channel="sms")
        job_settings = settings(silent.port, webhook.url)
        job_settings.mail["timeout_seconds"] = 0.3
        report = dispatch_reminders.run(context(job_settings))
    [email] = rows(db, select(Reminder).where(Reminder.channel == "email"))
    assert (email.status, email.attempts) == ("failed", 3)
    assert "timed out" in email.last_error
    assert (report.sent, report.retried, report.failed) == (2, 2, 1)
    [alert] = alerts(db, "reminder_failed")
    assert "3 attempts failed" in alert.message
    assert len(webhook.delivered) == 2


def test_a_webhook_answering_500_then_200_is_retried_and_sent_once(db, make, context):
    with Webhook(statuses=[500]) as hook:
        [text] = add_due(db, appointment(make, channel="sms"), 1, channel="sms")
        report = dispatch_reminders.run(context(settings(webhook_url=hook.url)))
    assert (report.retried, report.sent) == (1, 1)
    assert [headers["Idempotency-Key"] for headers, _ in hook.requests] == [
        dispatch.idempotency_key(text)] * 2
    assert len(hook.delivered) == 1
    [stored] = rows(db, select(Reminder))
    assert (stored.status, stored.attempts, stored.provider_message_id) == ("sent", 2, "sms-1")


def test_a_webhook_refusing_with_4xx_fails_at_once_and_sends_its_secret(db, make, context):
    with Webhook(secret="s3cret") as hook:
        add_due(db, appointment(make, channel="sms"), 1, channel="sms")
        job_settings = settings(webhook_url=hook.url)
        report = dispatch_reminders.run(context(job_settings))
        assert (report.failed, report.sent) == (1, 0)  # no secret: 401
        job_settings.sms["secret"] = "s3cret"
        add_due(db, appointment(make, channel="sms"), 1, channel="sms", first=5)
        assert dispatch_reminders.run(context(job_settings)).sent == 1
    [failed] = rows(db, select(Reminder).where(Reminder.status == "failed"))
    assert failed.attempts == 1 and "401" in failed.last_error
    assert hook.requests[-1][0]["X-Webhook-Secret"] == "s3cret"


def test_no_answer_after_the_message_left_is_in_doubt_never_sent_again(db, make, context):
    with SmtpServer(Mailbox(stall_after_data=1.5)) as server:
        add_due(db, appointment(make), 1)
        job_settings = settings(server.port)
        job_settings.mail["timeout_seconds"] = 0.3
        report = dispatch_reminders.run(context(job_settings))
        assert report.unknown == 1
        assert dispatch_reminders.run(context(job_settings)).claimed == 0
    [stored] = rows(db, select(Reminder))
    assert (stored.status, stored.attempts) == ("unknown", 1)
    [alert] = alerts(db, "reminder_unknown")
    assert "not sent again by itself" in alert.message and alert.role == "scheduler"


def test_a_reminder_whose_appointment_started_expires_unsent(db, make, context, mailbox):
    started = appointment(make, hours_ahead=-0.1)
    [fresh] = add_due(db, started, 1)
    [tried] = add_due(db, started, 1, first=1, attempts=2, last_error="SMTP down")
    report = dispatch_reminders.run(context(settings(mailbox.port)))
    assert report.claimed == 0 and mailbox.handler.count() == 0
    assert statuses(db) == {fresh.recipient: "expired", tried.recipient: "failed"}
    [alert] = alerts(db, "reminder_failed")
    assert "appointment started" in alert.message


def test_a_reminder_cancelled_after_its_claim_is_not_sent(db, make, context, mailbox):
    treatment_session = appointment(make)
    add_due(db, treatment_session, 2)
    ctx = context(settings(mailbox.port))
    ids = dispatch.claim_due(db, worker=ctx.worker, now=utcnow(), limit=10,
                             rules=ctx.settings.rules)
    reminders.cancel_for_session(db, session_id=treatment_session.id)
    db.commit()
    report = dispatch_reminders.Report("test")
    dispatch_reminders.send_batch(ctx, {"email": None}, ids, report)
    assert report.counts == {"skipped": 2} and mailbox.handler.count() == 0
    assert set(statuses(db).values()) == {"cancelled"}


def test_a_missing_address_or_a_private_word_fails_before_sending(db, make, context, mailbox):
    add_due(db, appointment(make), 1, recipient=None)
    ketamine = make.site(name="Ketamine Clinic")
    treatment_session = appointment(make)
    treatment_session.site_id = ketamine.id
    db.add(treatment_session)
    db.commit()
    add_due(db, treatment_session, 1, first=1)
    report = dispatch_reminders.run(context(settings(mailbox.port)))
    assert report.failed == 2 and mailbox.handler.count() == 0
    messages = sorted(alert.message for alert in alerts(db, "reminder_failed"))
    assert "no email address" in messages[0] or "no email address" in messages[1]
    assert any("would name ketamine" in message for message in messages)


def test_recovery_after_a_dispatcher_died(db, make, context, mailbox, webhook):
    """Not started: sent. Started by email: unknown, raised. Started by SMS: same key again."""
    never, started = add_due(db, appointment(make), 2)
    [text] = add_due(db, appointment(make, channel="sms"), 1, channel="sms")
    expired = utcnow() - timedelta(seconds=1)
    for reminder, began in ((never, None), (started, expired), (text, expired)):
        reminder.status, reminder.claimed_by, reminder.lease_until = "sending", "dead", expired
        reminder.send_started_at, reminder.attempts = began, 1 if began else 0
        db.add(reminder)
    db.commit()
    report = dispatch_reminders.run(context(settings(mailbox.port, webhook.url)))
    assert report.counts["released"] == 1 and report.counts["redelivered"] == 1
    assert report.unknown == 1 and report.sent == 2
    assert statuses(db) == {never.recipient: "sent", started.recipient: "unknown",
                            text.recipient: "sent"}
    assert mailbox.handler.count() == 1 and len(alerts(db, "reminder_unknown")) == 1
    assert webhook.requests[0][0]["Idempotency-Key"] == dispatch.idempotency_key(text)


def test_a_lease_not_yet_expired_is_left_to_its_dispatcher(db, make, context, mailbox):
    [held] = add_due(db, appointment(make), 1)
    held.status, held.claimed_by = "sending", "alive"
    held.lease_until = utcnow() + timedelta(minutes=5)
    db.add(held)
    db.commit()
    if db.get_bind().dialect.name == "sqlite":
        # On SQLite the lock holder knows no other dispatcher is alive: it takes the row back.
        assert dispatch_reminders.run(context(settings(mailbox.port))).sent == 1
    else:
        assert dispatch_reminders.run(context(settings(mailbox.port))).claimed == 0
        assert statuses(db) == {held.recipient: "sending"}


def test_sqlite_runs_one_dispatcher_at_a_time(tmp_path):
    """Enforced with a lock on a file beside the database, not assumed."""
    engine = make_engine(f"sqlite:///{tmp_path / 'one.sqlite'}")
    with sole_dispatcher(engine) as first:
        with sole_dispatcher(make_engine(f"sqlite:///{tmp_path / 'one.sqlite'}")) as second:
            report = dispatch_reminders.run(JobContext(engine, settings()))
    assert (first, second) == (True, False)
    assert report.note == "another dispatcher runs on this SQLite database"
    with sole_dispatcher(engine) as again:
        assert again is True
    engine.dispose()
    memory = create_engine("sqlite://")
    with sole_dispatcher(memory) as first, sole_dispatcher(memory) as second:
        assert (first, second) == (True, False)


def test_the_log_channel_prints_each_message(db, make, context, capsys):
    add_due(db, appointment(make, channel="sms"), 1, channel="sms")
    report = dispatch_reminders.run(context(settings(delivery="log")))
    assert report.sent == 1
    printed = capsys.readouterr().out
    assert re.search(r"\[reminder \d+ by sms to \+15550000000\]", printed)
    assert "Riverside Clinic" in printed
