"""Clinical entries of a session; corrections are new rows that amend old ones."""
from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from .types import UTCDateTime


class ClinicalEntry(SQLModel):
    """Columns every clinical entry shares: who, when, and what it corrects."""

    id: Optional[int] = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="sessions.id", index=True)
    recorded_by: int = Field(foreign_key="users.id")
    recorded_at: datetime = Field(sa_type=UTCDateTime)
    amends_id: Optional[int] = None
    amend_reason: Optional[str] = Field(default=None, max_length=1000)


class ChecklistEntry(ClinicalEntry, table=True):
    """R1.6 pre-dose preparation and R3.5 ride home."""

    __tablename__ = "checklist_entries"

    no_food_2h: bool
    no_liquids_30m: bool
    nasal_medication_ok: bool
    transport_name: Optional[str] = Field(default=None, max_length=200)
    transport_phone: Optional[str] = Field(default=None, max_length=40)
    override_reason: Optional[str] = Field(default=None, max_length=1000)


class VitalsEntry(ClinicalEntry, table=True):
    __tablename__ = "vitals"

    timepoint: str = Field(max_length=20)
    systolic: int
    diastolic: int
    heart_rate: int
    spo2: Optional[int] = None
    respiratory_rate: Optional[int] = None
    taken_at: datetime = Field(sa_type=UTCDateTime)


class DeviceAdministration(ClinicalEntry, table=True):
    __tablename__ = "device_administrations"

    device_number: int
    administered_at: datetime = Field(sa_type=UTCDateTime)
    lot_number: str = Field(max_length=64)
    deviation_reason: Optional[str] = Field(default=None, max_length=1000)
    spacing_flagged: bool = False
    override_reason: Optional[str] = Field(default=None, max_length=1000)


class ObservationEntry(ClinicalEntry, table=True):
    __tablename__ = "observations"

    observed_at: datetime = Field(sa_type=UTCDateTime)
    moaas: int
    dissociation: str = Field(max_length=10)
    cadss_total: Optional[int] = None
    respiratory_depression: bool
    spo2: Optional[int] = None
    symptoms: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class AdverseEvent(ClinicalEntry, table=True):
    __tablename__ = "adverse_events"

    description: str = Field(max_length=2000)
    serious: bool
    resolved_at: Optional[datetime] = Field(default=None, sa_type=UTCDateTime)


class Discharge(ClinicalEntry, table=True):
    __tablename__ = "discharges"

    discharged_at: datetime = Field(sa_type=UTCDateTime)
    clinically_stable: bool
    ready_to_leave_at: datetime = Field(sa_type=UTCDateTime)
    override_reason: Optional[str] = Field(default=None, max_length=1000)
    unmet_criteria: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
