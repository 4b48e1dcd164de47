"""Staff alerts and patient reminders: durable rows the scheduler sweeps."""
from datetime import datetime
from typing import Optional

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

from .types import UTCDateTime

# An alert is open until acknowledged by staff or resolved by the sweep that raised it.
_OPEN = text("acknowledged_at IS NULL AND resolved_at IS NULL")


class StaffAlert(SQLModel, table=True):
    __tablename__ = "staff_alerts"
    __table_args__ = (
        Index(
            "ix_staff_alerts_open_site", "site_id", "raised_at",
            sqlite_where=_OPEN, postgresql_where=_OPEN,
        ),
        Index("ix_staff_alerts_open_kind", "kind", sqlite_where=_OPEN, postgresql_where=_OPEN),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="sites.id")
    session_id: Optional[int] = Field(default=None, foreign_key="sessions.id", index=True)
    patient_id: Optional[int] = Field(default=None, foreign_key="patients.id")
    kind: str = Field(max_length=40)
    severity: str = Field(default="warning", max_length=20)
    role: Optional[str] = Field(default=None, max_length=20)
    rule: Optional[str] = Field(default=None, max_length=10)
    message: str = Field(max_length=1000)
    dedupe_key: str = Field(max_length=200, unique=True)
    raised_at: datetime = Field(sa_type=UTCDateTime)
    acknowledged_by: Optional[int] = Field(default=None, foreign_key="users.id")
    acknowledged_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    resolved_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)


class Reminder(SQLModel, table=True):
    """A message to a patient, sent once by the scheduler (scheduler/dispatch_reminders.py).

    `send_at` is when it is meant to go; `next_attempt_at` when the dispatcher next tries
    (send_at, then later after a failure). A claimed row is `sending` with a lease; its
    `send_started_at` is set just before the message leaves, so a crash tells an attempt
    never made (back to pending) from one in doubt (unknown, raised to staff).
    """

    __tablename__ = "reminders"
    __table_args__ = (
        Index("ix_reminders_due", "status", "next_attempt_at"),
        Index("ix_reminders_course", "course_id"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    session_id: Optional[int] = Field(default=None, foreign_key="sessions.id", index=True)
    course_id: Optional[int] = Field(default=None, foreign_key="courses.id")
    patient_id: int = Field(foreign_key="patients.id")
    site_id: Optional[int] = Field(default=None, foreign_key="sites.id")
    channel: str = Field(max_length=10)
    kind: str = Field(max_length=40)
    recipient: Optional[str] = Field(default=None, max_length=254)
    send_at: datetime = Field(sa_type=UTCDateTime)
    appointment_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    next_attempt_at: datetime = Field(sa_type=UTCDateTime)
    status: str = Field(default="pending", max_length=20)
    attempts: int = 0
    sent_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    last_error: Optional[str] = Field(default=None, max_length=1000)
    provider_message_id: Optional[str] = Field(default=None, max_length=200)
    claimed_by: Optional[str] = Field(default=None, max_length=100)
    lease_until: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    send_started_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    dedupe_key: str = Field(max_length=200, unique=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
