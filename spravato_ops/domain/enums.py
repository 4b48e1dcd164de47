"""String enums shared by domain, models and schemas; values are the JSON strings."""
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    SCHEDULER = "scheduler"
    NURSE = "nurse"
    PRESCRIBER = "prescriber"
    FRONT_DESK = "front_desk"


class SettingType(StrEnum):
    OUTPATIENT = "outpatient"
    INPATIENT = "inpatient"


class Indication(StrEnum):
    TRD = "TRD"
    MDSI = "MDSI"


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


class ReminderChannel(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    NONE = "none"


class ReminderKind(StrEnum):
    """What a patient reminder is about; each kind has its templates (reminder_templates/)."""

    APPOINTMENT = "appointment"
    APPOINTMENT_MOVED = "appointment_moved"
    BOOKING_NUDGE = "booking_nudge"  # a course's next due window is open, nothing booked


class ReminderStatus(StrEnum):
    """pending -> sending -> sent; or failed, cancelled, expired, or unknown (delivery in
    doubt after a crash between sending and recording it: raised to staff, never resent)."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    UNKNOWN = "unknown"


class SessionState(StrEnum):
    SCHEDULED = "scheduled"
    ARRIVED = "arrived"
    CHECKED_IN = "checked_in"
    DOSING = "dosing"
    OBSERVING = "observing"
    DISCHARGED = "discharged"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"
    WITHHELD = "withheld"


class VitalsTimepoint(StrEnum):
    PRE_DOSE = "pre_dose"
    POST_DOSE = "post_dose"
    RECHECK = "recheck"
    PRE_DISCHARGE = "pre_discharge"


class Dissociation(StrEnum):
    NONE = "none"
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"


class Symptom(StrEnum):
    """R2.3 emergency symptoms: any one raises an emergency alert at once."""

    CHEST_PAIN = "chest_pain"
    SHORTNESS_OF_BREATH = "shortness_of_breath"
    SEVERE_HEADACHE = "severe_headache"
    VISUAL_DISTURBANCE = "visual_disturbance"
    SEIZURE = "seizure"
    REDUCED_CONSCIOUSNESS = "reduced_consciousness"
    FOCAL_NEUROLOGICAL_DEFICIT = "focal_neurological_deficit"


class Phase(StrEnum):
    INDUCTION = "induction"
    MAINTENANCE = "maintenance"
    CONTINUATION = "continuation"
    MDSI = "mdsi"
    MDSI_EXTENDED = "mdsi_extended"


class TimerCode(StrEnum):
    NEXT_DEVICE = "next_device"
    POST_DOSE_BP = "post_dose_bp"
    BP_RECHECK = "bp_recheck"
    OBSERVATION = "observation"
    DISCHARGE_ELIGIBLE = "discharge_eligible"


class TimerState(StrEnum):
    UPCOMING = "upcoming"
    DUE = "due"
    OVERDUE = "overdue"
    DONE = "done"


class AlertKind(StrEnum):
    BP_HIGH = "bp_high"
    BP_RISE = "bp_rise"
    SPO2_LOW = "spo2_low"
    RESPIRATORY_DEPRESSION = "respiratory_depression"
    EMERGENCY_SYMPTOM = "emergency_symptom"
    SERIOUS_ADVERSE_EVENT = "serious_adverse_event"
    POST_DOSE_BP_DUE = "post_dose_bp_due"
    POST_DOSE_BP_OVERDUE = "post_dose_bp_overdue"
    OBSERVATION_OVERDUE = "observation_overdue"
    BP_RECHECK_DUE = "bp_recheck_due"
    DISCHARGE_ELIGIBLE = "discharge_eligible"
    CADENCE_GAP = "cadence_gap"
    INDUCTION_ENDING = "induction_ending"
    MDSI_COURSE_ENDING = "mdsi_course_ending"
    REMS_FORM_DUE = "rems_form_due"
    REMS_FORM_OVERDUE = "rems_form_overdue"
    MISSED_SESSION = "missed_session"
    WAITING_FOR_CHECK_IN = "waiting_for_check_in"
    REMINDER_FAILED = "reminder_failed"
    REMINDER_UNKNOWN = "reminder_unknown"


class FormStatus(StrEnum):
    """R4.3 Patient Monitoring Form: draft (fields missing), ready (complete, unsigned),
    signed, submitted; overdue when past its deadline and not submitted."""

    DRAFT = "draft"
    READY = "ready"
    SIGNED = "signed"
    SUBMITTED = "submitted"
    OVERDUE = "overdue"


class SubmissionMethod(StrEnum):
    """How a signed form went to the REMS (R4.3)."""

    ONLINE = "online"
    FAX = "fax"


class ViolationKind(StrEnum):
    HARD_STOP = "hard_stop"
    SOFT_STOP = "soft_stop"
    WARNING = "warning"


class ConcomitantMedication(StrEnum):
    """R4.3 / R5.4 medication classes that may cause sedation, dissociation or BP changes."""

    BENZODIAZEPINE = "benzodiazepine"
    NON_BENZODIAZEPINE_SEDATIVE_HYPNOTIC = "non_benzodiazepine_sedative_hypnotic"
    OPIOID = "opioid"
    PSYCHOSTIMULANT = "psychostimulant"
    MAOI = "maoi"
    OTHER_CNS_DEPRESSANT = "other_cns_depressant"
