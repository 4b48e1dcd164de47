"""What the medical director's report reads of a session that has ended, kept with it.

A row is derived from the session's clinical entries (services/report_facts.py) and holds
only what no site policy changes: minutes and counts by the label's thresholds. A session
without a row is read from its entries instead.
"""
from typing import Optional

from sqlmodel import Field, SQLModel


class SessionFacts(SQLModel, table=True):
    __tablename__ = "session_facts"

    session_id: int = Field(primary_key=True, foreign_key="sessions.id")
    # Whole minutes from the first device (R3.1's clock starts there) to the discharge.
    discharge_minutes: Optional[int] = None
    # Sedation (an observation of MOAA/S 3 or lower) and the minutes from the first device to
    # the first observation back at the MOAA/S baseline after the last sedated one (R3.4;
    # None: not resolved); dissociation and the minutes to the first observation after the
    # last with it.
    sedated: bool = False
    sedation_minutes: Optional[int] = None
    dissociated: bool = False
    dissociation_minutes: Optional[int] = None
    # Readings after the pre-dose one, and those of them with a rise of 40/25 over the latest
    # pre-dose reading (R2.3).
    post_dose_readings: int = 0
    bp_rise_readings: int = 0
