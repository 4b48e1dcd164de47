"""Blood pressure: pre-dose stops, post-dose alerts and rechecks, discharge ceiling (R2.1-R2.4)."""
from datetime import datetime
from typing import Iterable

from .enums import AlertKind, Symptom, VitalsTimepoint
from .label import BP_RISE_DIASTOLIC, BP_RISE_SYSTOLIC
from .policy import BloodPressure, SitePolicy
from .session_record import VitalsReading
from .violations import Violation, hard_stop, soft_stop, warning

EMERGENCY_SYMPTOMS = frozenset(Symptom)


def at_or_above(bp: BloodPressure, limit: BloodPressure) -> bool:
    """Either component at or above the limit."""
    return bp.systolic >= limit.systolic or bp.diastolic >= limit.diastolic


def above(bp: BloodPressure, limit: BloodPressure) -> bool:
    """Either component above the limit."""
    return bp.systolic > limit.systolic or bp.diastolic > limit.diastolic


def check_pre_dose_bp(reading: BloodPressure | None, policy: SitePolicy) -> list[Violation]:
    """R2.1: none or at/above P-BP-HOLD -> hard stop; above P-BP-ELEVATED -> soft stop."""
    if reading is None:
        return [hard_stop("R2.1", "pre_dose_bp_missing",
                          "Record a pre-dose blood pressure before the first device.")]
    if at_or_above(reading, policy.bp_hold):
        return [hard_stop("R2.1", "bp_hold",
                          f"Pre-dose BP {reading} is at or above {policy.bp_hold}: "
                          "withhold the dose this session.")]
    if above(reading, policy.bp_elevated):
        return [soft_stop("R2.1", "bp_elevated",
                          f"Pre-dose BP {reading} is above {policy.bp_elevated}: "
                          "prescriber to weigh benefit against risk.")]
    return []


def pre_dose_warnings(reading: VitalsReading, first_device_at: datetime | None,
                      policy: SitePolicy) -> list[Violation]:
    """R2.1 judged on a pre-dose reading before any device, as warnings for the nurse's eyes:
    the stop itself comes at the first device."""
    if reading.timepoint != VitalsTimepoint.PRE_DOSE or first_device_at is not None:
        return []
    return [warning(v.rule, v.code, v.message + (" Withhold the dose." if v.code == "bp_hold"
                                                 else ""))
            for v in check_pre_dose_bp(reading.bp, policy)]


def is_rise(reading: BloodPressure, baseline: BloodPressure | None) -> bool:
    """R2.3: a rise of at least 40 systolic or 25 diastolic over the pre-dose reading."""
    if baseline is None:
        return False
    return (reading.systolic - baseline.systolic >= BP_RISE_SYSTOLIC
            or reading.diastolic - baseline.diastolic >= BP_RISE_DIASTOLIC)


def post_dose_alerts(reading: BloodPressure, baseline: BloodPressure | None,
                     policy: SitePolicy) -> tuple[AlertKind, ...]:
    """R2.3: above P-BP-ALERT -> bp_high; a rise of 40/25 over the pre-dose reading -> bp_rise."""
    alerts = []
    if above(reading, policy.bp_alert):
        alerts.append(AlertKind.BP_HIGH)
    if is_rise(reading, baseline):
        alerts.append(AlertKind.BP_RISE)
    return tuple(alerts)


def needs_recheck(reading: BloodPressure, baseline: BloodPressure | None,
                  policy: SitePolicy) -> bool:
    """R2.3: a reading that raises a BP alert makes rechecks due every P-BP-RECHECK minutes."""
    return above(reading, policy.bp_alert) or is_rise(reading, baseline)


def discharge_ceiling(baseline: BloodPressure | None, policy: SitePolicy) -> BloodPressure:
    """R2.4: max(P-BP-ELEVATED, pre-dose reading) per component."""
    if baseline is None:
        return policy.bp_elevated
    return BloodPressure(max(policy.bp_elevated.systolic, baseline.systolic),
                         max(policy.bp_elevated.diastolic, baseline.diastolic))


def bp_acceptable_for_discharge(latest: BloodPressure | None, taken_at: datetime | None,
                                baseline: BloodPressure | None, policy: SitePolicy,
                                at: datetime) -> tuple[bool, str]:
    """R2.4: the latest reading is at or below the discharge ceiling and within P-FRESH of `at`."""
    if latest is None or taken_at is None:
        return False, "no blood pressure recorded"
    ceiling = discharge_ceiling(baseline, policy)
    age_minutes = int((at - taken_at).total_seconds() // 60)
    if at - taken_at > policy.fresh:
        return False, (f"latest BP {latest} is {age_minutes} min old "
                       f"(must be within {policy.fresh_minutes} min)")
    if above(latest, ceiling):
        return False, f"latest BP {latest} is above {ceiling}"
    return True, f"latest BP {latest} at or below {ceiling}, {age_minutes} min old"


def emergency_symptoms(symptoms: Iterable[str]) -> tuple[Symptom, ...]:
    """R2.3: the recorded symptoms that call for an emergency alert, in the order given."""
    return tuple(Symptom(s) for s in dict.fromkeys(symptoms) if s in EMERGENCY_SYMPTOMS)
