"""What a job runs with: its own engine, the settings it reads, a worker name and a stop flag.

Jobs never see Flask: the command line (spravato_ops/cli.py) builds this from the app's
configuration once, and each job opens its own database sessions.
"""
import os
import socket
import threading
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from sqlmodel import Session

from spravato_ops.db import is_sqlite
from spravato_ops.services.dispatch import DispatchRules
from spravato_ops.services.reminder_text import ReminderText


@dataclass(frozen=True)
class Settings:
    """The configuration keys the scheduler reads (spravato_ops/config.py, SPRAVATO_*)."""

    dispatch_seconds: int = 30
    alert_seconds: int = 60
    course_seconds: int = 900
    batch_size: int = 100
    delivery: str = "live"
    templates_dir: str | None = None
    mail: dict = field(default_factory=dict)
    sms: dict = field(default_factory=dict)
    rules: DispatchRules = DispatchRules()

    @classmethod
    def from_config(cls, config):
        """Read the settings from a Flask config (or any mapping of the same keys)."""
        return cls(
            dispatch_seconds=int(config["SCHEDULER_INTERVAL_SECONDS"]),
            alert_seconds=int(config["SCHEDULER_ALERT_INTERVAL_SECONDS"]),
            course_seconds=int(config["SCHEDULER_COURSE_INTERVAL_SECONDS"]),
            batch_size=int(config["REMINDER_BATCH_SIZE"]),
            delivery=config["REMINDER_DELIVERY"],
            templates_dir=config.get("REMINDER_TEMPLATES_DIR"),
            mail={key: config.get(f"MAIL_{key.upper()}") for key in (
                "server", "port", "username", "password", "use_tls", "ca_file", "sender",
                "timeout_seconds")},
            sms={key: config.get(f"SMS_WEBHOOK_{key.upper()}")
                 for key in ("url", "secret", "timeout_seconds")},
            rules=DispatchRules(
                lease=timedelta(seconds=int(config["REMINDER_LEASE_SECONDS"])),
                max_attempts=int(config["REMINDER_MAX_ATTEMPTS"]),
                retry_base_seconds=int(config["REMINDER_RETRY_BASE_SECONDS"]),
                retry_cap_seconds=int(config["REMINDER_RETRY_CAP_SECONDS"])),
        )


def worker_name():
    """A name no other dispatcher has: host, process and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass
class JobContext:
    engine: object
    settings: Settings
    worker: str = field(default_factory=worker_name)
    stopping: threading.Event = field(default_factory=threading.Event)
    text: ReminderText = None

    def __post_init__(self):
        if self.text is None:
            self.text = ReminderText(self.settings.templates_dir)
        # Per-message writes are one statement each: on PostgreSQL they run in autocommit
        # (one round trip, no BEGIN and COMMIT); SQLite keeps its BEGIN IMMEDIATE.
        self.statement_engine = (self.engine if is_sqlite(self.engine.url) else
                                 self.engine.execution_options(isolation_level="AUTOCOMMIT"))

    def session(self):
        """A database session of the job's own (never a request's)."""
        return Session(self.engine, expire_on_commit=False)

    def statement_session(self):
        """A session for writes of one statement each (autocommit on PostgreSQL)."""
        return Session(self.statement_engine, expire_on_commit=False)
