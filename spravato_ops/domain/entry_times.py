"""Where an entry's time may fall against the first device (R2.1, R2.2, R3.2, R3.6).

A time on the wrong side of the first device is invalid input, not a rule a prescriber
weighs: it is answered per field (422), naming the field and what it must be.
"""
from dataclasses import dataclass
from datetime import datetime

from .enums import VitalsTimepoint


@dataclass(frozen=True)
class MisTimed:
    """A time the rules refuse: which field, and what it must be."""

    field: str
    message: str


def vitals_timing(timepoint: VitalsTimepoint, taken_at: datetime,
                  first_device_at: datetime | None) -> MisTimed | None:
    """R2.1 / R2.2: a pre-dose reading precedes the first device; the others follow it."""
    if timepoint == VitalsTimepoint.PRE_DOSE:
        if first_device_at is not None and taken_at >= first_device_at:
            return MisTimed("taken_at", "A pre-dose reading must be taken before the first "
                                        "device.")
        return None
    if first_device_at is None or taken_at < first_device_at:
        return MisTimed("timepoint", f"A {timepoint} reading must be taken after the first "
                                     "device; use pre_dose before dosing.")
    return None


def observation_timing(observed_at: datetime,
                       first_device_at: datetime | None) -> MisTimed | None:
    """R3.2: observations start at the first device."""
    if first_device_at is None or observed_at < first_device_at:
        return MisTimed("observed_at", "Observations start at the first device (R3.2).")
    return None


def ready_to_leave_timing(ready_to_leave_at: datetime,
                          first_device_at: datetime | None) -> MisTimed | None:
    """R3.6: the time the patient would have been ready to leave is not before the first
    device."""
    if first_device_at is not None and ready_to_leave_at < first_device_at:
        return MisTimed("ready_to_leave_at", "Must not be before the first device.")
    return None
