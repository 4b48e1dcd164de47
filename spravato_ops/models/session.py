"""Treatment sessions: one patient, one chair, one day."""
from datetime import date, datetime
from typing import Optional

from sqlalchemy import JSON, Column, Index, text
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlmodel import Field, SQLModel

from ..domain.cadence import NOT_A_VISIT
from .types import UTCDateTime

# Sessions in the other states hold a chair and a patient's day.
_ACTIVE = text("state NOT IN (%s)" % ", ".join(f"'{state}'" for state in sorted(NOT_A_VISIT)))


class TreatmentSession(SQLModel, table=True):
    __tablename__ = "sessions"
    __table_args__ = (
        Index("ix_sessions_site_day", "site_id", "local_day"),
        # Chair conflicts ask for sessions ending after a start: (chair, end) bounds that to the
        # chair's later sessions, where (chair, start) would scan its whole history.
        Index("ix_sessions_chair_end", "chair_id", "scheduled_end"),
        Index("ix_sessions_patient_start", "patient_id", "scheduled_start"),
        Index("ix_sessions_course", "course_id"),
        # R1.8: one active session per patient and site-local day, held by the database.
        Index(
            "uq_sessions_patient_day_active", "patient_id", "local_day", unique=True,
            sqlite_where=_ACTIVE, postgresql_where=_ACTIVE,
        ),
        # Chair capacity: no two active sessions overlap on one chair (PostgreSQL).
        ExcludeConstraint(
            ("chair_id", "="),
            (text("tstzrange(scheduled_start, scheduled_end)"), "&&"),
            name="ex_sessions_chair_overlap",
            using="gist",
            where=_ACTIVE,
        ).ddl_if(dialect="postgresql"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    course_id: int = Field(foreign_key="courses.id")
    patient_id: int = Field(foreign_key="patients.id")
    site_id: int = Field(foreign_key="sites.id")
    chair_id: int = Field(foreign_key="chairs.id")
    scheduled_start: datetime = Field(sa_type=UTCDateTime)
    scheduled_end: datetime = Field(sa_type=UTCDateTime)
    local_day: date
    planned_dose_mg: int
    state: str = Field(default="scheduled", max_length=20)
    version: int = 1
    overrides: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    state_reason: Optional[str] = Field(default=None, max_length=1000)
    arrived_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    ride_arrived_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    created_by: int = Field(foreign_key="users.id")
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
