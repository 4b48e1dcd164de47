"""REMS Patient Monitoring Forms (R4.3) and their signatures, kept after a form reopens."""
from datetime import date, datetime
from typing import Optional

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from .types import UTCDateTime


class RemsForm(SQLModel, table=True):
    """One form per session that needs one. `status` is the stored stage: draft or ready
    (unsigned; as last evaluated, reads evaluate it afresh), signed, submitted. The signer
    and the submission are those of the current signature (RemsFormSignature)."""

    __tablename__ = "rems_forms"
    __table_args__ = (Index("ix_rems_forms_status_deadline", "status", "deadline"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="sessions.id", unique=True)
    site_id: int = Field(foreign_key="sites.id", index=True)
    status: str = Field(default="draft", max_length=20)
    deadline: date
    signed_by: Optional[int] = Field(default=None, foreign_key="users.id")
    signed_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    submission_method: Optional[str] = Field(default=None, max_length=10)
    submission_reference: Optional[str] = Field(default=None, max_length=100)
    submitted_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    submitted_by: Optional[int] = Field(default=None, foreign_key="users.id")
    version: int = 1
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class RemsFormSignature(SQLModel, table=True):
    """A signature of a form with the fields as signed and their submission. A correction of
    the record after signing voids it (voided_at, void_reason): it stays, as history."""

    __tablename__ = "rems_form_signatures"

    id: Optional[int] = Field(default=None, primary_key=True)
    form_id: int = Field(foreign_key="rems_forms.id", index=True)
    signed_by: int = Field(foreign_key="users.id")
    signed_at: datetime = Field(sa_type=UTCDateTime)
    fields: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    submission_method: Optional[str] = Field(default=None, max_length=10)
    submission_reference: Optional[str] = Field(default=None, max_length=100)
    submitted_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    submitted_by: Optional[int] = Field(default=None, foreign_key="users.id")
    voided_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)
    voided_by: Optional[int] = Field(default=None, foreign_key="users.id")
    void_reason: Optional[str] = Field(default=None, max_length=1000)
