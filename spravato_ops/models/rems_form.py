"""REMS Patient Monitoring Forms (R4.3)."""
from datetime import date, datetime
from typing import Optional

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from .types import UTCDateTime


class RemsForm(SQLModel, table=True):
    __tablename__ = "rems_forms"
    __table_args__ = (Index("ix_rems_forms_status_deadline", "status", "deadline"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="sessions.id", unique=True)
    site_id: int = Field(foreign_key="sites.id", index=True)
    status: str = Field(default="draft", max_length=20)
    deadline: date
    data: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    signed_by: Optional[int] = Field(default=None, foreign_key="users.id")
    signed_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    submitted_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    submission_reference: Optional[str] = Field(default=None, max_length=100)
    version: int = 1
    created_at: datetime = Field(sa_type=UTCDateTime)
