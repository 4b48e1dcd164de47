"""Scheduler tests: a database without an app (as a job has), reminders due now, job contexts."""
import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import insert
from sqlmodel import select

from scheduler.context import JobContext, Settings
from spravato_ops.clock import utcnow
from spravato_ops.models import Reminder, StaffAlert
from spravato_ops.services.dispatch import DispatchRules

from ..readback import rows
from ..services.conftest import db, engine  # noqa: F401  (the same fixtures as services)

SENDER = "clinic@riverside.example"
QUICK_RULES = DispatchRules(lease=timedelta(seconds=60), max_attempts=3, retry_base_seconds=0,
                            retry_cap_seconds=0)


def settings(smtp_port=1, webhook_url=None, **changes):
    """Settings for a test: the local servers, no backoff (retries come in the same run)."""
    base = Settings(
        dispatch_seconds=1, batch_size=50, delivery="live",
        mail=dict(server="127.0.0.1", port=smtp_port, username=None, password=None,
                  use_tls=False, sender=SENDER, timeout_seconds=2),
        sms=dict(url=webhook_url, secret=None, timeout_seconds=2), rules=QUICK_RULES)
    return dataclasses.replace(base, **changes)


@pytest.fixture
def context(engine):  # noqa: F811
    """context(settings) -> a JobContext on the test database."""
    made = []

    def build(job_settings):
        made.append(JobContext(engine, job_settings))
        return made[-1]

    return build


def appointment(make, channel="email", hours_ahead=3, **patient):
    """A site, a patient reminded on `channel`, and their session `hours_ahead` from now."""
    site = make.site(name="Riverside Clinic", address="1 River Road, Springfield",
                     phone="555-0100")
    course = make.course(patient=make.patient(reminder_channel=channel, **patient))
    return make.session(site=site, course=course,
                        scheduled_start=utcnow() + timedelta(hours=hours_ahead))


def add_due(db, treatment_session, count, channel="email", first=0, **fields):  # noqa: F811
    """Insert `count` reminders of the session due a minute ago, each to its own address."""
    now = utcnow()
    recipients = [f"patient{first + n}@example.org" if channel == "email"
                  else f"+1555{first + n:07d}" for n in range(count)]
    keys = [f"test:{treatment_session.id}:{channel}:{first + n}" for n in range(count)]
    values = [{**dict(session_id=treatment_session.id, course_id=treatment_session.course_id,
                      patient_id=treatment_session.patient_id, site_id=treatment_session.site_id,
                      channel=channel, kind="appointment", recipient=recipient,
                      send_at=now - timedelta(minutes=1),
                      next_attempt_at=now - timedelta(minutes=1),
                      appointment_at=treatment_session.scheduled_start, status="pending",
                      attempts=0, dedupe_key=key, created_at=now), **fields}
              for key, recipient in zip(keys, recipients)]
    db.connection().execute(insert(Reminder.__table__), values)
    db.commit()
    return rows(db, select(Reminder).where(Reminder.dedupe_key.in_(keys)).order_by(Reminder.id))


def statuses(db):  # noqa: F811
    return {r.recipient: r.status for r in rows(db, select(Reminder))}


def alerts(db, kind=None):  # noqa: F811
    query = select(StaffAlert).order_by(StaffAlert.id)
    if kind is not None:
        query = query.where(StaffAlert.kind == kind)
    return rows(db, query)
