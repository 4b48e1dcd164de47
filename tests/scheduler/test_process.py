"""The scheduler as its own process (`flask --app wsgi scheduler`): killed mid-batch and
restarted, stopped by SIGTERM, two of them on one PostgreSQL; the SMTP server counts."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlmodel import select

from spravato_ops.models import Reminder

from ..readback import rows
from .conftest import SENDER, add_due, alerts, appointment
from .servers import Mailbox, SmtpServer

REPO = Path(__file__).resolve().parents[2]
PATIENCE = 240  # seconds: the machine may be busy


@pytest.fixture
def mailbox():
    with SmtpServer(Mailbox()) as server:
        yield server


@pytest.fixture
def start(engine, mailbox):
    """start(log_path, *args, **settings) -> a scheduler process; none outlives the test."""
    started = []

    def launch(log_path, *args, **settings):
        started.append(scheduler_process(engine, mailbox.port, log_path, *args, **settings))
        return started[-1]

    yield launch
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait()


def database_url(engine):
    return engine.url.render_as_string(hide_password=False)


def environment(**settings):
    """This environment without its SPRAVATO_* settings, plus `settings` (SPRAVATO_ names)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("SPRAVATO_")}
    env["SPRAVATO_SECRET_KEY"] = "scheduler-tests-" + "k" * 32
    env.update({f"SPRAVATO_{key.upper()}": str(value) for key, value in settings.items()})
    return env


def scheduler_process(engine, smtp_port, log_path, *args, **settings):
    """Start `flask --app wsgi scheduler ARGS` on the test database and the test SMTP server."""
    env = environment(**{
        "database_url": database_url(engine), "mail_server": "127.0.0.1",
        "mail_port": smtp_port, "mail_sender": SENDER, "scheduler_interval_seconds": 1,
        "scheduler_alert_interval_seconds": 3600, "scheduler_course_interval_seconds": 3600,
        "reminder_batch_size": 25, "reminder_lease_seconds": 3, **settings})
    with open(log_path, "ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "scheduler", *args], cwd=REPO,
            env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_for(condition, what, process, log, timeout=PATIENCE):
    """Wait until `condition()`; fail at once, with its log, if the process has ended."""
    deadline = time.monotonic() + timeout
    while not condition():
        if process.poll() is not None:
            raise AssertionError(f"the scheduler exited ({process.returncode}) before {what}:\n"
                                 + log.read_text())
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def by_status(db):
    found = {}
    for reminder in rows(db, select(Reminder)):
        found.setdefault(reminder.status, []).append(reminder)
    return found


def message_id(reminder):
    from spravato_ops.services.dispatch import idempotency_key

    return f"<{idempotency_key(reminder)}@riverside.example>"


def settled(db):
    return set(by_status(db)) <= {"sent", "unknown"}


def test_killed_mid_batch_and_restarted_every_reminder_arrives_once(db, make, mailbox, start,
                                                                    tmp_path):
    """SIGKILL in a batch of 500: none twice; all but at most the one in flight sent once, and
    that one (if any) is `unknown` with a staff alert, never resent by itself."""
    add_due(db, appointment(make), 500)
    log = tmp_path / "scheduler.log"
    first = start(log)
    wait_for(lambda: mailbox.handler.count() >= 120, "the first messages", first, log)
    first.kill()
    first.wait(timeout=30)
    killed_at = mailbox.handler.count()
    assert killed_at < 500, "killed too late to be mid-batch"
    second = start(log)
    wait_for(lambda: settled(db), "every reminder sent or in doubt", second, log)
    time.sleep(1)
    second.send_signal(signal.SIGTERM)
    assert second.wait(timeout=60) == 0, log.read_text()
    arrived = mailbox.handler.message_ids()
    assert set(arrived.values()) == {1}, "a reminder arrived twice"
    found = by_status(db)
    sent, doubtful = found.get("sent", []), found.get("unknown", [])
    assert len(sent) + len(doubtful) == 500 and len(doubtful) <= 1
    assert {message_id(r) for r in sent} <= set(arrived)
    assert set(arrived) <= {message_id(r) for r in sent + doubtful}
    assert len(alerts(db, "reminder_unknown")) == len(doubtful)
    assert "scheduler stopped" in log.read_text()


def test_sigterm_lets_the_current_batch_finish_then_exits_cleanly(db, make, mailbox, start,
                                                                  tmp_path):
    add_due(db, appointment(make), 400)
    log = tmp_path / "scheduler.log"
    process = start(log)
    wait_for(lambda: mailbox.handler.count() >= 40, "the first messages", process, log)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 0, log.read_text()
    found = by_status(db)
    assert "sending" not in found  # the batch in hand was finished, not abandoned
    assert len(found["sent"]) % 25 == 0 and len(found["sent"]) < 400
    assert mailbox.handler.count() == len(found["sent"])
    assert set(mailbox.handler.message_ids().values()) == {1}


def test_once_runs_every_job_once_and_logs_one_line_each(db, make, mailbox, start, tmp_path):
    add_due(db, appointment(make), 3)
    log = tmp_path / "scheduler.log"
    process = start(log, "--once")
    assert process.wait(timeout=PATIENCE) == 0, log.read_text()
    lines = [line for line in log.read_text().splitlines() if " job=" in line]
    assert [line.split(" job=")[1].split()[0] for line in lines] == [
        "dispatch-reminders", "treatment-day-alerts", "course-alerts", "rems-form-alerts",
        "booking-nudges"]
    assert "claimed=3 sent=3 failed=0" in lines[0] and " ms=" in lines[0]
    assert mailbox.handler.count() == 3


@pytest.mark.postgres_only
def test_two_schedulers_on_postgresql_send_10000_reminders_each_once(db, make, mailbox, start,
                                                                     tmp_path):
    treatment_session = appointment(make)
    for first in range(0, 10_000, 2_000):
        add_due(db, treatment_session, 2_000, first=first)
    logs = [tmp_path / "one.log", tmp_path / "two.log"]
    processes = [start(path, "--once", reminder_batch_size=100, reminder_lease_seconds=60)
                 for path in logs]
    for process, path in zip(processes, logs):
        assert process.wait(timeout=900) == 0, path.read_text()
    arrived = mailbox.handler.message_ids()
    assert len(arrived) == 10_000 and set(arrived.values()) == {1}
    assert set(by_status(db)) == {"sent"}
    shares = [int(path.read_text().split("job=dispatch-reminders")[1].split("sent=")[1].split()[0])
              for path in logs]
    assert sum(shares) == 10_000 and min(shares) > 0  # both took part


def test_the_scheduler_never_starts_with_the_app():
    """gunicorn workers, the reloader and tests run create_app: none of them load APScheduler."""
    code = "import sys, wsgi; print(sorted(m for m in sys.modules if m.startswith('apscheduler')))"
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                            text=True, env=environment())
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_dry_run_prints_the_job_table(app):
    result = app.test_cli_runner().invoke(args=["scheduler", "--dry-run"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["job", "every", "does"]
    assert [line.split()[0] for line in lines[1:]] == [
        "dispatch-reminders", "treatment-day-alerts", "course-alerts", "rems-form-alerts",
        "booking-nudges"]
    assert lines[1].split()[1:3] == ["30", "s"]
