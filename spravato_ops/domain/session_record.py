"""A session's current clinical entries as plain values (the caller leaves out amended entries).

Clock skew: a tablet's clock may run ahead of the server's, and an entry stamped up to the
accepted skew ahead is stored as stamped. Read at the server's `now`, such an entry was
taken by `now`: it counts as taken at `now` for its presence and freshness (counted_at).
Anchors keep their stamps (the first device, a device's rest, the post-dose BP window), so
a clock ahead never makes a time-based criterion end early.
"""
from bisect import bisect_right
from dataclasses import dataclass, replace
from datetime import datetime
from operator import attrgetter
from typing import Callable, Sequence, TypeVar

from .enums import Dissociation, VitalsTimepoint
from .label import MOAAS_BASELINE_DEFAULT
from .policy import BloodPressure

TAKEN_AT = attrgetter("taken_at")
OBSERVED_AT = attrgetter("observed_at")
T = TypeVar("T")


def counted_at(stamp: datetime, now: datetime | None) -> datetime:
    """Return when an entry counts as taken: its stamp, or `now` when stamped ahead of it.

    `now` is the server's clock when the record was read; None keeps every stamp.
    """
    return stamp if now is None or stamp <= now else now


def counted_entries(entries: Sequence[T], now: datetime | None, key: Callable[[T], datetime],
                    field: str) -> Sequence[T]:
    """Entries (in time order) with each stamp ahead of `now` moved back to `now`.

    `field` names the time attribute that `key` reads; the order is kept.
    """
    if now is None or not entries or key(entries[-1]) <= now:
        return entries
    cut = bisect_right(entries, now, key=key)
    return (*entries[:cut], *(replace(e, **{field: now}) for e in entries[cut:]))


class cached:
    """Compute once per instance and keep it in the instance dict (no lock, unlike
    functools.cached_property in 3.11; records are not shared between threads while built)."""

    def __init__(self, func):
        self.func, self.name = func, func.__name__
        self.__doc__ = func.__doc__

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.func(instance)
        return value


@dataclass(frozen=True, slots=True)
class VitalsReading:
    timepoint: VitalsTimepoint
    bp: BloodPressure
    heart_rate: int
    spo2: int | None
    taken_at: datetime


@dataclass(frozen=True, slots=True)
class DeviceDose:
    number: int
    administered_at: datetime


@dataclass(frozen=True, slots=True)
class ObservationEntry:
    observed_at: datetime
    moaas: int
    dissociation: Dissociation
    cadss_total: int | None = None
    respiratory_depression: bool = False
    spo2: int | None = None
    symptoms: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AdverseEventEntry:
    serious: bool
    resolved_at: datetime | None = None


PRE_DOSE = VitalsTimepoint.PRE_DOSE


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

    @cached
    def vitals_in_order(self) -> tuple[VitalsReading, ...]:
        return tuple(sorted(self.vitals, key=TAKEN_AT))

    @cached
    def observations_in_order(self) -> tuple[ObservationEntry, ...]:
        return tuple(sorted(self.observations, key=OBSERVED_AT))

    @cached
    def device_times(self) -> tuple[datetime, ...]:
        return tuple(sorted(d.administered_at for d in self.devices))

    @property
    def first_device_at(self) -> datetime | None:
        return self.device_times[0] if self.device_times else None

    @cached
    def _pre_and_post_dose(self) -> tuple[VitalsReading | None, tuple[VitalsReading, ...]]:
        """One pass over the readings: the latest pre-dose one and the others in time order."""
        readings = self.vitals_in_order
        pre_dose = [r for r in readings if r.timepoint == PRE_DOSE]
        others = tuple(r for r in readings if r.timepoint != PRE_DOSE) if pre_dose else readings
        return (pre_dose[-1] if pre_dose else None), others

    @property
    def pre_dose_reading(self) -> VitalsReading | None:
        """The latest reading labelled pre-dose (R2.1 baseline)."""
        return self._pre_and_post_dose[0]

    @property
    def pre_dose_bp(self) -> BloodPressure | None:
        return self.pre_dose_reading.bp if self.pre_dose_reading else None

    @property
    def latest_observation(self) -> ObservationEntry | None:
        return self.observations_in_order[-1] if self.observations else None

    @property
    def post_dose_vitals(self) -> tuple[VitalsReading, ...]:
        """Readings other than pre-dose, in time order (R2.2, R2.3)."""
        return self._pre_and_post_dose[1]
