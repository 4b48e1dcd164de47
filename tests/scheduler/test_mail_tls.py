"""Email over STARTTLS with a login, against a real aiosmtpd server on loopback that requires
both, with a certificate signed by a CA the test makes: the client verifies it against
MAIL_CA_FILE; a wrong password is retried with backoff, then failed, never a crash."""
import dataclasses
from datetime import timedelta

import pytest
from sqlmodel import select

from scheduler import dispatch_reminders
from scheduler.context import Settings
from spravato_ops import config
from spravato_ops.clock import utcnow
from spravato_ops.models import Reminder
from spravato_ops.services.dispatch import DispatchRules

from ..readback import rows
from .conftest import QUICK_RULES, add_due, alerts, appointment, settings
from .servers import Accounts, Mailbox, SmtpServer, TestCertificates, Webhook

LOGIN, PASSWORD = "reminders@riverside.example", "right horse battery"


@pytest.fixture
def certificates(tmp_path):
    return TestCertificates(tmp_path)


@pytest.fixture
def accounts():
    return Accounts(**{LOGIN: PASSWORD})


def secure_server(certificates, accounts, exclude=()):
    """An SMTP server that requires STARTTLS, then a login, before it takes any message."""
    return SmtpServer(Mailbox(), tls_context=certificates.server_context(),
                      require_starttls=True, authenticator=accounts, auth_required=True,
                      auth_require_tls=True, auth_exclude_mechanism=exclude)


def tls_settings(server, password=PASSWORD, ca_file=None, **changes):
    job_settings = settings(server.port, **changes)
    job_settings.mail.update(use_tls=True, username=LOGIN, password=password,
                             ca_file=None if ca_file is None else str(ca_file))
    return job_settings


@pytest.mark.parametrize("mechanism, excluded", [("PLAIN", ["LOGIN"]), ("LOGIN", ["PLAIN"])])
def test_a_reminder_goes_over_starttls_after_a_login(db, make, context, certificates, accounts,
                                                     mechanism, excluded):
    with secure_server(certificates, accounts, exclude=excluded) as server:
        [reminder] = add_due(db, appointment(make), 1)
        report = dispatch_reminders.run(context(tls_settings(
            server, ca_file=certificates.ca_file)))
    assert (report.sent, report.failed, report.retried) == (1, 0, 0)
    assert accounts.attempts == [(mechanism, LOGIN, True)]  # over TLS only
    assert server.handler.sessions == [(True, LOGIN)]
    assert [m["To"] for m in server.handler.messages] == [reminder.recipient]
    [stored] = rows(db, select(Reminder))
    assert (stored.status, stored.attempts, stored.last_error) == ("sent", 1, None)


def test_a_wrong_password_is_retried_with_backoff_then_failed_and_sms_still_go(
        db, make, context, certificates, accounts):
    backoff = DispatchRules(lease=timedelta(seconds=60), max_attempts=3, retry_base_seconds=60,
                            retry_cap_seconds=600)
    with secure_server(certificates, accounts) as server, Webhook() as hook:
        first, second = add_due(db, appointment(make), 2)
        add_due(db, appointment(make, channel="sms"), 1, channel="sms")
        wrong = tls_settings(server, password="wrong", ca_file=certificates.ca_file,
                             sms=dict(url=hook.url, secret=None, timeout_seconds=2))
        before = utcnow()
        report = dispatch_reminders.run(context(dataclasses.replace(wrong, rules=backoff)))
        assert (report.sent, report.retried, report.failed) == (1, 1, 0)  # the SMS went
        stored = {r.id: r for r in rows(db, select(Reminder))}
        tried, waiting = stored[first.id], stored[second.id]
        error = f"SMTP 127.0.0.1:{server.port}: login as {LOGIN}: 535 5.7.8 Authentication " \
                "credentials invalid"
        assert (tried.status, tried.attempts, tried.last_error) == ("pending", 1, error)
        assert tried.next_attempt_at >= before + timedelta(seconds=60)
        # The server was down for the batch: the other waits too, with no attempt spent.
        assert (waiting.status, waiting.attempts) == ("pending", 0)
        assert waiting.next_attempt_at >= before + timedelta(seconds=60)
        assert alerts(db, "reminder_failed") == []

        for reminder in (tried, waiting):
            reminder.next_attempt_at = utcnow()
            db.add(reminder)
        db.commit()
        report = dispatch_reminders.run(context(dataclasses.replace(wrong, rules=QUICK_RULES)))
    assert report.failed == 2 and server.handler.count() == 0
    emails = rows(db, select(Reminder).where(Reminder.channel == "email"))
    assert [(r.status, r.attempts) for r in emails] == [("failed", 3), ("failed", 3)]
    assert all(r.last_error == f"3 attempts failed; last error: {error}" for r in emails)
    assert len(alerts(db, "reminder_failed")) == 2
    assert {login for _, login, _ in accounts.attempts} == {LOGIN}


def test_the_server_certificate_is_verified_never_trusted_blindly(db, make, context,
                                                                  certificates, accounts):
    """Without MAIL_CA_FILE the system's CAs are used: they do not know the test's CA."""
    with secure_server(certificates, accounts) as server:
        add_due(db, appointment(make), 1)
        report = dispatch_reminders.run(context(tls_settings(server, ca_file=None)))
    assert (report.sent, report.failed) == (0, 1)
    [stored] = rows(db, select(Reminder))
    assert stored.status == "failed"
    assert f"SMTP 127.0.0.1:{server.port}: STARTTLS: the server's certificate was not " \
           "accepted (unable to get local issuer certificate)" in stored.last_error
    assert accounts.attempts == [] and server.handler.count() == 0  # no password was sent


def test_the_ca_file_is_a_setting_read_from_the_environment():
    values = {key: getattr(config.Defaults, key) for key in dir(config.Defaults)
              if key.isupper()}
    assert Settings.from_config(values).mail["ca_file"] is None  # the system's CAs
    values.update(config.from_environment({"SPRAVATO_MAIL_CA_FILE": "/etc/clinic/mail-ca.pem",
                                           "SPRAVATO_MAIL_USE_TLS": "true"}))
    mail = Settings.from_config(values).mail
    assert (mail["ca_file"], mail["use_tls"]) == ("/etc/clinic/mail-ca.pem", True)
