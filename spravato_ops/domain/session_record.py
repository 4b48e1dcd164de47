"""A session's current clinical entries as plain values (the caller leaves out amended entries)."""
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from .enums import Dissociation, VitalsTimepoint
from .label import MOAAS_BASELINE_DEFAULT
from .policy import BloodPressure


@dataclass(frozen=True)
class VitalsReading:
    timepoint: VitalsTimepoint
    bp: BloodPressure
    heart_rate: int
    spo2: int | None
    taken_at: datetime


@dataclass(frozen=True)
class DeviceDose:
    number: int
    administered_at: datetime


@dataclass(frozen=True)
class ObservationEntry:
    observed_at: datetime
    moaas: int
    dissociation: Dissociation
    cadss_total: int | None = None
    respiratory_depression: bool = False
    spo2: int | None = None
    symptoms: tuple[str, ...] = ()


@dataclass(frozen=True)
class AdverseEventEntry:
    serious: bool
    resolved_at: datetime | None = None


@dataclass(frozen=True)
class SessionRecord:
    """Everything recorded for one session; derived views are computed once and cached."""

    planned_dose_mg: int
    vitals: tuple[VitalsReading, ...] = ()
    devices: tuple[DeviceDose, ...] = ()
    observations: tuple[ObservationEntry, ...] = ()
    adverse_events: tuple[AdverseEventEntry, ...] = ()
    transport_confirmed: bool = False
    baseline_moaas: int = MOAAS_BASELINE_DEFAULT
    discharged_at: datetime | None = None

    @cached_property
    def vitals_in_order(self) -> tuple[VitalsReading, ...]:
        return tuple(sorted(self.vitals, key=_taken_at))

    @cached_property
    def observations_in_order(self) -> tuple[ObservationEntry, ...]:
        return tuple(sorted(self.observations, key=_observed_at))

    @cached_property
    def device_times(self) -> tuple[datetime, ...]:
        return tuple(sorted(d.administered_at for d in self.devices))

    @property
    def first_device_at(self) -> datetime | None:
        return self.device_times[0] if self.device_times else None

    @cached_property
    def pre_dose_reading(self) -> VitalsReading | None:
        """The latest reading labelled pre-dose (R2.1 baseline)."""
        pre = [v for v in self.vitals_in_order if v.timepoint == VitalsTimepoint.PRE_DOSE]
        return pre[-1] if pre else None

    @property
    def pre_dose_bp(self) -> BloodPressure | None:
        return self.pre_dose_reading.bp if self.pre_dose_reading else None

    @property
    def latest_vitals(self) -> VitalsReading | None:
        return self.vitals_in_order[-1] if self.vitals else None

    @property
    def latest_observation(self) -> ObservationEntry | None:
        return self.observations_in_order[-1] if self.observations else None

    @cached_property
    def post_dose_vitals(self) -> tuple[VitalsReading, ...]:
        """Readings other than pre-dose, in time order (R2.2, R2.3)."""
        return tuple(v for v in self.vitals_in_order if v.timepoint != VitalsTimepoint.PRE_DOSE)


def _taken_at(reading: VitalsReading) -> datetime:
    return reading.taken_at


def _observed_at(entry: ObservationEntry) -> datetime:
    return entry.observed_at
