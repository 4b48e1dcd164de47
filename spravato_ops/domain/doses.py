"""Doses and devices: allowed doses, TRD escalation, device count and spacing (R1.2, R1.3, R1.5),
and the pre-dose BP that gates the first device (R2.1)."""
from datetime import datetime
from typing import Sequence

from .blood_pressure import check_pre_dose_bp
from .enums import Indication
from .label import ALLOWED_DOSES, MG_PER_DEVICE, MIN_DEVICE_SPACING, TRD_STARTING_DOSE_MG
from .policy import SitePolicy
from .session_record import SessionRecord
from .violations import Violation, hard_stop

__all__ = [
    "ALLOWED_DOSES", "MG_PER_DEVICE", "MIN_DEVICE_SPACING",
    "devices_for_dose", "check_dose", "check_device", "too_many_devices", "device_violations",
]


def devices_for_dose(mg: int) -> int:
    """Return how many 28 mg devices make a dose (R1.5): 56 -> 2, 84 -> 3."""
    if mg <= 0 or mg % MG_PER_DEVICE:
        raise ValueError(f"{mg} mg is not a whole number of {MG_PER_DEVICE} mg devices")
    return mg // MG_PER_DEVICE


def check_dose(
    indication: Indication, planned_dose_mg: int, prior_completed_doses: Sequence[int]
) -> list[Violation]:
    """Check a planned dose (R1.2, R1.3): 56 or 84 only; TRD starts at 56, 84 after one 56.

    `prior_completed_doses` are the doses of earlier sessions of the same course.
    MDSI may use 84 or 56 from the start (R1.3).
    """
    if planned_dose_mg not in ALLOWED_DOSES:
        allowed = " or ".join(f"{mg} mg" for mg in ALLOWED_DOSES)
        return [hard_stop("R1.2", "dose_not_allowed",
                          f"{planned_dose_mg} mg is not an allowed dose; use {allowed}.")]
    if indication != Indication.TRD or planned_dose_mg == TRD_STARTING_DOSE_MG:
        return []
    if not prior_completed_doses:
        return [hard_stop("R1.2", "first_dose_must_be_56",
                          f"The first session of a TRD course is {TRD_STARTING_DOSE_MG} mg.")]
    if TRD_STARTING_DOSE_MG not in prior_completed_doses:
        return [hard_stop("R1.2", "escalation_requires_56",
                          f"{planned_dose_mg} mg only after at least one "
                          f"{TRD_STARTING_DOSE_MG} mg session in this course.")]
    return []


def too_many_devices(planned_dose_mg: int, given: int) -> list[Violation]:
    """R1.5: once every planned device is given, one more is a hard stop."""
    planned = devices_for_dose(planned_dose_mg)
    if given < planned:
        return []
    return [hard_stop("R1.5", "too_many_devices",
                      f"All {planned} devices of the {planned_dose_mg} mg dose are already "
                      "recorded.")]


def check_device(
    planned_dose_mg: int,
    previous_device_times: Sequence[datetime],
    administered_at: datetime,
    deviation_reason: str | None,
) -> tuple[list[Violation], bool]:
    """Check one more device against the plan and spacing (R1.5); return (violations, flagged).

    More devices than planned, or a device timed before an earlier one: hard stop.
    Sooner than 5 minutes after the previous device: refused (hard stop
    `device_spacing`) unless a deviation_reason is given; with a reason it is
    accepted and flagged for the REMS form.
    """
    violations = too_many_devices(planned_dose_mg, len(previous_device_times))
    if not previous_device_times:
        return violations, False
    last = max(previous_device_times)
    if administered_at < last:
        violations.append(hard_stop("R1.5", "device_out_of_order",
                                    "A device cannot be recorded before the previous device."))
        return violations, False
    too_soon = administered_at - last < MIN_DEVICE_SPACING
    has_reason = bool(deviation_reason and deviation_reason.strip())
    if too_soon and not has_reason:
        minutes = int(MIN_DEVICE_SPACING.total_seconds() // 60)
        violations.append(hard_stop("R1.5", "device_spacing",
                                    f"Less than {minutes} minutes after the previous device; "
                                    "give a deviation_reason to record it."))
    return violations, too_soon and has_reason


def device_violations(record: SessionRecord, administered_at: datetime,
                      deviation_reason: str | None, policy: SitePolicy,
                      corrects: int | None = None) -> tuple[list[Violation], bool]:
    """Check a device against the record (R2.1, R1.5); return (violations, flagged).

    A new device (`corrects` None): the first needs the latest pre-dose BP (missing or
    at P-BP-HOLD a hard stop, above P-BP-ELEVATED a soft stop); then count and spacing.
    A correction of device number `corrects` keeps its place: after the devices before
    it, not after the one that followed it.
    """
    if corrects is None:
        times = list(record.device_times)
        gate = check_pre_dose_bp(record.pre_dose_bp, policy) if not times else []
        found, flagged = check_device(record.planned_dose_mg, times, administered_at,
                                      deviation_reason)
        return gate + found, flagged
    earlier = [d.administered_at for d in record.devices if d.number < corrects]
    later = [d.administered_at for d in record.devices if d.number > corrects]
    found, flagged = check_device(record.planned_dose_mg, earlier, administered_at,
                                  deviation_reason)
    if later and administered_at > min(later):
        found.append(hard_stop("R1.5", "device_out_of_order",
                               "A device cannot be recorded after the device that followed it."))
    return found, flagged
