"""Staff alerts and patient reminders: durable rows the scheduler sweeps."""
from datetime import datetime
from typing import Optional

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

from .types import UTCDateTime


class StaffAlert(SQLModel, table=True):
    __tablename__ = "staff_alerts"
    __table_args__ = (
        Index(
            "ix_staff_alerts_open_site", "site_id", "raised_at",
            sqlite_where=text("acknowledged_at IS NULL"),
            postgresql_where=text("acknowledged_at IS NULL"),
        ),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="sites.id")
    session_id: Optional[int] = Field(default=None, foreign_key="sessions.id", index=True)
    patient_id: Optional[int] = Field(default=None, foreign_key="patients.id")
    kind: str = Field(max_length=40)
    severity: str = Field(default="warning", max_length=20)
    rule: Optional[str] = Field(default=None, max_length=10)
    message: str = Field(max_length=1000)
    dedupe_key: str = Field(max_length=200, unique=True)
    raised_at: datetime = Field(sa_type=UTCDateTime)
    acknowledged_by: Optional[int] = Field(default=None, foreign_key="users.id")
    acknowledged_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)


class Reminder(SQLModel, table=True):
    __tablename__ = "reminders"
    __table_args__ = (Index("ix_reminders_due", "status", "send_at"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    session_id: Optional[int] = Field(default=None, foreign_key="sessions.id", index=True)
    patient_id: int = Field(foreign_key="patients.id")
    channel: str = Field(max_length=10)
    kind: str = Field(max_length=40)
    send_at: datetime = Field(sa_type=UTCDateTime)
    status: str = Field(default="pending", max_length=20)
    attempts: int = 0
    sent_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    last_error: Optional[str] = Field(default=None, max_length=1000)
    dedupe_key: str = Field(max_length=200, unique=True)
