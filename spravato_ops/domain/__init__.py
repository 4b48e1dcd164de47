"""Pure clinical and REMS rules of DOMAIN.md: plain values in, frozen results out, no clock."""
from .alerts import (
    Alert, adverse_event_alerts, alerts_for_adverse_event, alerts_for_observation,
    alerts_for_timers, alerts_for_vitals, observation_alerts, vitals_alerts,
)
from .blood_pressure import (
    bp_acceptable_for_discharge, check_pre_dose_bp, emergency_symptoms, needs_recheck,
    post_dose_alerts, pre_dose_warnings,
)
from .cadence import (
    BookedSession, CadenceGap, CourseFacts, cadence_gap, check_booking, check_oral_antidepressant,
    course_milestones, phase_for_week, same_day_session, sessions_allowed,
)
from .calendar import course_week, local_date, local_day_bounds
from .checklist import check_checklist, ride_home_recorded, transport_confirmed
from .discharge import (
    Criterion, DischargeReadiness, check_discharge, discharge_readiness, discharge_violations,
)
from .doses import check_device, check_dose, device_violations, devices_for_dose, too_many_devices
from .entry_times import MisTimed, observation_timing, ready_to_leave_timing, vitals_timing
from .eligibility import PatientFacts, ScreeningFacts, SiteFacts, check_eligibility
from .enums import (
    AlertKind, ConcomitantMedication, Dissociation, Indication, Phase, ReminderChannel, Role,
    SessionState, SettingType, Sex, Symptom, TimerCode, TimerState, ViolationKind,
    VitalsTimepoint,
)
from .plan import CoursePlan, DueWindow, PlanWeek, course_plan
from .policy import DEFAULT_POLICY, BloodPressure, CadenceGapDays, SitePolicy, validate_policy
from .rems import form_reminder_due, monitoring_form_required, rems_form_deadline
from .session_record import (
    AdverseEventEntry, DeviceDose, ObservationEntry, SessionRecord, VitalsReading, counted_at,
)
from .state_machine import Action, check_action, next_state
from .timers import Timer, session_timers
from .violations import Violation, blocking, hard_stop, refusal, soft_stop, split, warning

__all__ = [
    "Alert", "adverse_event_alerts", "alerts_for_adverse_event", "alerts_for_observation",
    "alerts_for_timers", "alerts_for_vitals", "observation_alerts", "vitals_alerts",
    "bp_acceptable_for_discharge", "check_pre_dose_bp", "emergency_symptoms", "needs_recheck",
    "post_dose_alerts", "pre_dose_warnings", "check_oral_antidepressant", "same_day_session",
    "ride_home_recorded", "transport_confirmed", "device_violations", "too_many_devices",
    "MisTimed", "observation_timing", "ready_to_leave_timing", "vitals_timing", "counted_at",
    "refusal", "BookedSession", "CadenceGap", "CourseFacts", "CoursePlan", "DueWindow",
    "PlanWeek", "cadence_gap", "check_booking", "course_milestones", "course_plan",
    "phase_for_week", "sessions_allowed", "course_week", "local_date", "local_day_bounds",
    "check_checklist", "Criterion", "DischargeReadiness", "check_discharge",
    "discharge_readiness", "discharge_violations", "check_device", "check_dose",
    "devices_for_dose", "PatientFacts", "ScreeningFacts", "SiteFacts", "check_eligibility",
    "AlertKind", "ConcomitantMedication", "Dissociation", "Indication", "Phase",
    "ReminderChannel", "Role", "SessionState", "SettingType", "Sex", "Symptom", "TimerCode",
    "TimerState", "ViolationKind", "VitalsTimepoint", "DEFAULT_POLICY", "BloodPressure",
    "CadenceGapDays", "SitePolicy", "validate_policy", "form_reminder_due",
    "monitoring_form_required", "rems_form_deadline", "AdverseEventEntry", "DeviceDose",
    "ObservationEntry", "SessionRecord", "VitalsReading", "Action", "check_action",
    "next_state", "Timer", "session_timers", "Violation", "blocking", "hard_stop", "soft_stop",
    "split", "warning",
]
