"""Site policy: the P-ids of DOMAIN.md with their defaults, mapping round-trip and validation."""
import re
from dataclasses import asdict, dataclass, field, fields
from datetime import time, timedelta
from typing import Any, Mapping

from .opening_hours import OpeningHours, opening_hours_errors, opening_hours_from

SYSTOLIC_RANGE = (80, 300)
DIASTOLIC_RANGE = (40, 200)
SPO2_RANGE = (80, 100)
CADENCE_DAYS_RANGE = (1, 60)
REMINDER_HOURS_RANGE = (1, 168)
FORM_REMINDER_DAYS_RANGE = (1, 6)
CLOCK_TIME = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")
MINUTE_RANGES = {
    "bp_recheck_minutes": (5, 60),
    "observation_interval_minutes": (5, 60),
    "observation_grace_minutes": (1, 30),
    "fresh_minutes": (5, 60),
    "slot_minutes": (120, 480),  # the 120-minute monitoring (R3.1) must fit the slot
}


@dataclass(frozen=True, slots=True)
class BloodPressure:
    """A systolic/diastolic pair in mmHg (a reading or a threshold)."""

    systolic: int
    diastolic: int

    def __str__(self) -> str:
        return f"{self.systolic}/{self.diastolic}"


@dataclass(frozen=True)
class CadenceGapDays:
    """P-CADENCE: days after the last session before a "next session needed" alert."""

    induction: int = 4
    weekly: int = 9
    every_2_weeks: int = 17


@dataclass(frozen=True)
class QuietHours:
    """P-QUIET: site-local hours ("HH:MM") in which no patient reminder is sent.

    The window runs from `start` to `end`, across midnight when end is earlier; a reminder
    may go at either edge. Equal times mean no quiet hours.
    """

    start: str = "21:00"
    end: str = "08:00"

    @property
    def start_time(self) -> time:
        return time.fromisoformat(self.start)

    @property
    def end_time(self) -> time:
        return time.fromisoformat(self.end)


@dataclass(frozen=True)
class SitePolicy:
    """Per-site clinical thresholds (P-ids); defaults are DOMAIN.md's."""

    bp_elevated: BloodPressure = BloodPressure(140, 90)  # P-BP-ELEVATED
    bp_hold: BloodPressure = BloodPressure(180, 110)  # P-BP-HOLD
    bp_alert: BloodPressure = BloodPressure(160, 100)  # P-BP-ALERT
    bp_recheck_minutes: int = 15  # P-BP-RECHECK
    observation_interval_minutes: int = 15  # P-OBS
    observation_grace_minutes: int = 5  # P-OBS-GRACE
    fresh_minutes: int = 15  # P-FRESH
    spo2_min: int = 92  # P-SPO2-MIN
    slot_minutes: int = 150  # P-SLOT
    cadence_gap_days: CadenceGapDays = field(default_factory=CadenceGapDays)  # P-CADENCE
    reminder_offsets_hours: tuple[int, ...] = (24, 2)  # P-REMINDERS
    form_reminder_days: int = 2  # P-FORM-REMIND
    quiet_hours: QuietHours = field(default_factory=QuietHours)  # P-QUIET
    opening_hours: OpeningHours = field(default_factory=OpeningHours)  # P-HOURS

    @property
    def bp_recheck(self) -> timedelta:
        return timedelta(minutes=self.bp_recheck_minutes)

    @property
    def observation_interval(self) -> timedelta:
        return timedelta(minutes=self.observation_interval_minutes)

    @property
    def observation_grace(self) -> timedelta:
        return timedelta(minutes=self.observation_grace_minutes)

    @property
    def fresh(self) -> timedelta:
        return timedelta(minutes=self.fresh_minutes)

    @property
    def slot(self) -> timedelta:
        return timedelta(minutes=self.slot_minutes)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> "SitePolicy":
        """Build a policy from its JSON shape; missing keys take the defaults.

        Unknown keys raise ValueError so that a misspelt setting is not silently lost.
        """
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown policy settings: {', '.join(unknown)}")
        values = dict(data)
        for name in ("bp_elevated", "bp_hold", "bp_alert"):
            if name in values:
                values[name] = _bp_from(values[name], name)
        if "cadence_gap_days" in values:
            values["cadence_gap_days"] = _cadence_from(values["cadence_gap_days"])
        if "reminder_offsets_hours" in values:
            values["reminder_offsets_hours"] = tuple(values["reminder_offsets_hours"])
        if "quiet_hours" in values:
            values["quiet_hours"] = _quiet_from(values["quiet_hours"])
        if "opening_hours" in values:
            values["opening_hours"] = opening_hours_from(values["opening_hours"])
        return cls(**values)

    def to_mapping(self) -> dict[str, Any]:
        """Return the JSON shape that from_mapping reads."""
        data = asdict(self)
        data["reminder_offsets_hours"] = list(self.reminder_offsets_hours)
        data["opening_hours"] = self.opening_hours.to_mapping()
        return data


DEFAULT_POLICY = SitePolicy()


def _bp_from(value: Any, name: str) -> BloodPressure:
    if isinstance(value, BloodPressure):
        return value
    if not isinstance(value, Mapping) or set(value) != {"systolic", "diastolic"}:
        raise ValueError(f"{name} must be an object with systolic and diastolic")
    return BloodPressure(value["systolic"], value["diastolic"])


def _cadence_from(value: Any) -> CadenceGapDays:
    if isinstance(value, CadenceGapDays):
        return value
    allowed = {f.name for f in fields(CadenceGapDays)}
    if not isinstance(value, Mapping) or not set(value) <= allowed:
        raise ValueError(f"cadence_gap_days must be an object with keys {sorted(allowed)}")
    return CadenceGapDays(**value)


def _quiet_from(value: Any) -> QuietHours:
    if isinstance(value, QuietHours):
        return value
    if not isinstance(value, Mapping) or set(value) != {"start", "end"}:
        raise ValueError("quiet_hours must be an object with start and end")
    return QuietHours(value["start"], value["end"])


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _range_error(value: Any, low: int, high: int) -> str | None:
    if not _is_int(value):
        return "must be an integer"
    if not low <= value <= high:
        return f"must be between {low} and {high}"
    return None


def _bp_errors(bp: BloodPressure) -> list[str]:
    errors = []
    for part, (low, high) in (("systolic", SYSTOLIC_RANGE), ("diastolic", DIASTOLIC_RANGE)):
        problem = _range_error(getattr(bp, part), low, high)
        if problem:
            errors.append(f"{part} {problem}")
    if not errors and bp.systolic <= bp.diastolic:
        errors.append("systolic must be above diastolic")
    return errors


def _above(name: str, bp: BloodPressure, floor: BloodPressure) -> list[str]:
    if bp.systolic > floor.systolic and bp.diastolic > floor.diastolic:
        return []
    return [f"{name} must be above bp_elevated ({floor}) in both components"]


def _cadence_errors(gaps: CadenceGapDays) -> list[str]:
    errors = []
    for name in ("induction", "weekly", "every_2_weeks"):
        problem = _range_error(getattr(gaps, name), *CADENCE_DAYS_RANGE)
        if problem:
            errors.append(f"{name} {problem}")
    if not errors and not gaps.induction < gaps.weekly < gaps.every_2_weeks:
        errors.append("must increase: induction < weekly < every_2_weeks")
    return errors


def _reminder_errors(offsets: Any) -> list[str]:
    if not isinstance(offsets, (tuple, list)):
        return ["must be a list of hours"]
    errors = [
        f"{value!r} {problem}" for value in offsets
        if (problem := _range_error(value, *REMINDER_HOURS_RANGE))
    ]
    if len(set(offsets)) != len(offsets):
        errors.append("offsets must be distinct")
    return errors


def _quiet_errors(quiet: QuietHours) -> list[str]:
    return [f"{name} must be a time HH:MM (00:00-23:59)" for name in ("start", "end")
            if not (isinstance(getattr(quiet, name), str)
                    and CLOCK_TIME.fullmatch(getattr(quiet, name)))]


def validate_policy(policy: SitePolicy) -> dict[str, list[str]]:
    """Return per-field errors of a site policy (empty when valid). P-ids of DOMAIN.md."""
    errors: dict[str, list[str]] = {}
    for name in ("bp_elevated", "bp_hold", "bp_alert"):
        errors[name] = _bp_errors(getattr(policy, name))
    if not errors["bp_elevated"]:
        for name in ("bp_hold", "bp_alert"):
            if not errors[name]:
                errors[name] = _above(name, getattr(policy, name), policy.bp_elevated)
    for name, (low, high) in MINUTE_RANGES.items():
        problem = _range_error(getattr(policy, name), low, high)
        errors[name] = [problem] if problem else []
    spo2_problem = _range_error(policy.spo2_min, *SPO2_RANGE)
    errors["spo2_min"] = [spo2_problem] if spo2_problem else []
    errors["cadence_gap_days"] = _cadence_errors(policy.cadence_gap_days)
    errors["reminder_offsets_hours"] = _reminder_errors(policy.reminder_offsets_hours)
    form_problem = _range_error(policy.form_reminder_days, *FORM_REMINDER_DAYS_RANGE)
    errors["form_reminder_days"] = [form_problem] if form_problem else []
    errors["quiet_hours"] = _quiet_errors(policy.quiet_hours)
    errors["opening_hours"] = opening_hours_errors(policy.opening_hours)
    return {name: found for name, found in errors.items() if found}
