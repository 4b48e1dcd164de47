"""Clinical entries of a session; corrections are new rows that amend old ones.

Each table is the one description of its entry kind: the request and response
schemas, the services and the read layer take their columns from it
(models/columns.py says which a person enters and which the rules read).
"""
from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, Column, Index, text
from sqlmodel import Field, SQLModel

from .columns import READ_BY_RULES as RULES, SET_BY_SERVICE as SERVICE, flagged, tagged
from .types import UTCDateTime


def corrected_index(table):
    """An index of the entries a later one corrects: the few ids a read leaves out."""
    where = text("amends_id IS NOT NULL")
    return Index(f"ix_{table}_amends_id", "amends_id", postgresql_where=where, sqlite_where=where)


class ClinicalEntry(SQLModel):
    """Columns every clinical entry shares: who, when, and what it corrects."""

    id: Optional[int] = tagged(SERVICE, default=None, primary_key=True)
    session_id: int = tagged(SERVICE, foreign_key="sessions.id", index=True)
    recorded_by: int = tagged(SERVICE, foreign_key="users.id")
    # The rules read it for the checklist: the latest one counts (R3.5).
    recorded_at: datetime = tagged(SERVICE, RULES, sa_type=UTCDateTime)
    amends_id: Optional[int] = tagged(SERVICE, default=None)
    amend_reason: Optional[str] = tagged(SERVICE, default=None, max_length=1000)


class ChecklistEntry(ClinicalEntry, table=True):
    """R1.6 pre-dose preparation and R3.5 ride home."""

    __tablename__ = "checklist_entries"

    no_food_2h: bool
    no_liquids_30m: bool
    nasal_medication_ok: bool
    transport_name: Optional[str] = tagged(RULES, default=None, max_length=200)
    transport_phone: Optional[str] = tagged(RULES, default=None, max_length=40)
    override_reason: Optional[str] = tagged(SERVICE, default=None, max_length=1000)


class VitalsEntry(ClinicalEntry, table=True):
    __tablename__ = "vitals"
    # The report counts the readings past a site's P-BP-ALERT and P-SPO2-MIN: few of all.
    __table_args__ = (Index("ix_vitals_systolic", "systolic"),
                      Index("ix_vitals_diastolic", "diastolic"),
                      Index("ix_vitals_spo2", "spo2"), corrected_index("vitals"))

    timepoint: str = tagged(RULES, max_length=20)
    systolic: int = tagged(RULES)
    diastolic: int = tagged(RULES)
    heart_rate: int = tagged(RULES)
    spo2: Optional[int] = tagged(RULES, default=None)
    respiratory_rate: Optional[int] = None
    taken_at: datetime = tagged(RULES, sa_type=UTCDateTime)


class DeviceAdministration(ClinicalEntry, table=True):
    __tablename__ = "device_administrations"

    device_number: int = tagged(SERVICE, RULES)
    administered_at: datetime = tagged(RULES, sa_type=UTCDateTime)
    lot_number: str = Field(max_length=64)
    deviation_reason: Optional[str] = Field(default=None, max_length=1000)
    spacing_flagged: bool = tagged(SERVICE, default=False)
    override_reason: Optional[str] = tagged(SERVICE, default=None, max_length=1000)


class ObservationEntry(ClinicalEntry, table=True):
    __tablename__ = "observations"
    __table_args__ = (Index("ix_observations_spo2", "spo2"), corrected_index("observations"))

    observed_at: datetime = tagged(RULES, sa_type=UTCDateTime)
    moaas: int = tagged(RULES)
    dissociation: str = tagged(RULES, max_length=10)
    cadss_total: Optional[int] = tagged(RULES, default=None)
    respiratory_depression: bool = tagged(RULES)
    spo2: Optional[int] = tagged(RULES, default=None)
    symptoms: list = Field(default_factory=list,
                           sa_column=Column(JSON, nullable=False, **flagged(RULES)))


class AdverseEvent(ClinicalEntry, table=True):
    __tablename__ = "adverse_events"

    description: str = Field(max_length=2000)
    serious: bool = tagged(RULES)
    resolved_at: Optional[datetime] = tagged(RULES, default=None, sa_type=UTCDateTime)


class Discharge(ClinicalEntry, table=True):
    __tablename__ = "discharges"

    discharged_at: datetime = tagged(SERVICE, RULES, sa_type=UTCDateTime)
    clinically_stable: bool
    ready_to_leave_at: datetime = Field(sa_type=UTCDateTime)
    override_reason: Optional[str] = tagged(SERVICE, default=None, max_length=1000)
    unmet_criteria: list = Field(default_factory=list,
                                 sa_column=Column(JSON, nullable=False, **flagged(SERVICE)))
