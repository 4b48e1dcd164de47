"""Treatment courses."""
from datetime import date, datetime
from typing import Optional

from sqlmodel import Field, SQLModel

from .columns import SET_BY_SERVICE as SERVICE, tagged
from .types import UTCDateTime


class TreatmentCourse(SQLModel, table=True):
    __tablename__ = "courses"

    id: Optional[int] = tagged(SERVICE, default=None, primary_key=True)
    patient_id: int = tagged(SERVICE, foreign_key="patients.id", index=True)
    indication: str = Field(max_length=10)
    start_date: date
    prescriber_id: int = Field(foreign_key="users.id")
    oral_antidepressant: Optional[str] = Field(default=None, max_length=200)
    continuation_interval_weeks: int = 1
    status: str = Field(default="active", max_length=20)
    version: int = tagged(SERVICE, default=1)
    created_at: datetime = tagged(SERVICE, sa_type=UTCDateTime)
