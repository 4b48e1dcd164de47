"""Patients, their screening and their REMS enrollment."""
from datetime import date, datetime
from typing import Optional

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from .columns import SET_BY_SERVICE as SERVICE, tagged
from .types import UTCDateTime


class Patient(SQLModel, table=True):
    __tablename__ = "patients"

    id: Optional[int] = tagged(SERVICE, default=None, primary_key=True)
    mrn: str = Field(max_length=40, unique=True, index=True)
    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100, index=True)
    date_of_birth: date
    sex: str = Field(max_length=10)
    phone: Optional[str] = Field(default=None, max_length=40)
    email: Optional[str] = Field(default=None, max_length=254)
    reminder_channel: str = Field(default="none", max_length=10)
    version: int = tagged(SERVICE, default=1)
    created_at: datetime = tagged(SERVICE, sa_type=UTCDateTime)
    updated_at: datetime = tagged(SERVICE, sa_type=UTCDateTime)


class Screening(SQLModel, table=True):
    """The R5 screening answers; one current row per patient, every change audited."""

    __tablename__ = "screenings"

    patient_id: int = tagged(SERVICE, foreign_key="patients.id", primary_key=True)
    aneurysmal_vascular_disease: bool
    arteriovenous_malformation: bool
    intracerebral_hemorrhage_history: bool
    hypersensitivity: bool
    pregnant_or_breastfeeding: bool
    psychosis_history: bool
    hypertensive_encephalopathy_history: bool
    substance_use_history: bool = False
    concomitant_medications: list = Field(default_factory=list,
                                          sa_column=Column(JSON, nullable=False))
    recorded_by: int = tagged(SERVICE, foreign_key="users.id")
    recorded_at: datetime = tagged(SERVICE, sa_type=UTCDateTime)


class RemsEnrollment(SQLModel, table=True):
    __tablename__ = "rems_enrollments"

    patient_id: int = tagged(SERVICE, foreign_key="patients.id", primary_key=True)
    rems_patient_id: str = Field(max_length=64)
    enrolled_on: date
    recorded_by: int = tagged(SERVICE, foreign_key="users.id")
    recorded_at: datetime = tagged(SERVICE, sa_type=UTCDateTime)
