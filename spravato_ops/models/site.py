"""Sites, their chairs and their policy."""
from datetime import date, datetime
from typing import Optional

from sqlalchemy import JSON, Column, UniqueConstraint, false
from sqlmodel import Field, SQLModel

from .types import UTCDateTime


class Site(SQLModel, table=True):
    __tablename__ = "sites"

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    timezone: str = Field(max_length=64)
    setting_type: str = Field(max_length=20)
    rems_certification_id: Optional[str] = Field(default=None, max_length=64)
    rems_certified_until: Optional[date] = None
    address: Optional[str] = Field(default=None, max_length=500)
    phone: Optional[str] = Field(default=None, max_length=40)
    prescriber_on_site: bool = True
    pulse_oximeter_available: bool = True
    rems_enrollment_required: bool = True
    rems_forms_required: bool = True
    # R4.3: whether a session whose dose was withheld files a form too.
    rems_forms_for_withheld: bool = Field(default=False,
                                          sa_column_kwargs={"server_default": false()})
    version: int = 1
    created_at: datetime = Field(sa_type=UTCDateTime)


class Chair(SQLModel, table=True):
    __tablename__ = "chairs"
    __table_args__ = (UniqueConstraint("site_id", "label"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="sites.id", index=True)
    label: str = Field(max_length=60)
    active: bool = True


class SitePolicyRecord(SQLModel, table=True):
    """The stored P-ids of one site; absent keys take the defaults of the rules core."""

    __tablename__ = "site_policies"

    site_id: int = Field(foreign_key="sites.id", primary_key=True)
    settings: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    version: int = 1
    updated_at: datetime = Field(sa_type=UTCDateTime)
