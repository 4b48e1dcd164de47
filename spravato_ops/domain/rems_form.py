"""The REMS Patient Monitoring Form (R4.3): its fields from a session's chart, and the check
that names every field missing or inconsistent before the form may be signed.

Plain values in (FormSources: the patient, the setting, the session's current record), the
site policy for what counts as acceptable vital signs, a frozen MonitoringForm out. The
form's status and deadline are in domain/rems.py.
"""
from dataclasses import dataclass
from datetime import date, datetime

from .blood_pressure import above, bp_acceptable_for_discharge
from .enums import ConcomitantMedication as Med, Dissociation, VitalsTimepoint
from .label import (
    CADSS_RESOLVED_MAX, MG_PER_DEVICE, MIN_OBSERVATION, POST_DOSE_BP_DUE, POST_DOSE_BP_WINDOW_END,
    POST_DOSE_BP_WINDOW_START,
)
from .policy import SitePolicy
from .session_record import SessionRecord, VitalsReading
from .violations import Violation, hard_stop

# R4.3: the medication classes the form asks about, in its order.
FORM_MEDICATIONS = (Med.BENZODIAZEPINE, Med.NON_BENZODIAZEPINE_SEDATIVE_HYPNOTIC, Med.OPIOID,
                    Med.PSYCHOSTIMULANT, Med.MAOI)
DOSE_WORDS = {56: "56 mg", 84: "84 mg"}
WITHHELD = "withheld"
OTHER_DOSE = "other"
MIN_OBSERVATION_MINUTES = int(MIN_OBSERVATION.total_seconds() // 60)


@dataclass(frozen=True)
class Clinician:
    """The healthcare provider who monitored the patient."""

    name: str
    email: str | None
    phone: str | None


@dataclass(frozen=True)
class FormOverride:
    """A prescriber's override of a soft stop, kept on the session and shown on the form."""

    rules: tuple[str, ...]
    reason: str
    by_name: str | None = None
    at: datetime | None = None


@dataclass(frozen=True)
class FormSources:
    """What the form is built from. `medications` is None when no screening is recorded."""

    patient_first_name: str
    patient_last_name: str
    date_of_birth: date
    sex: str
    rems_patient_id: str | None
    medications: tuple[str, ...] | None
    first_treatment: bool
    clinician: Clinician | None
    setting_name: str
    setting_address: str | None
    treatment_date: date
    withheld: bool
    withhold_reason: str | None
    record: SessionRecord
    lot_numbers: tuple[str, ...] = ()
    device_deviations: tuple[str, ...] = ()
    ready_to_leave_at: datetime | None = None
    serious_adverse_events: tuple[str, ...] = ()
    overrides: tuple[FormOverride, ...] = ()


@dataclass(frozen=True)
class TakenBloodPressure:
    systolic: int
    diastolic: int
    taken_at: datetime


@dataclass(frozen=True)
class MedicationAnswers:
    """Is the patient taking each R4.3 class (None: not screened)."""

    benzodiazepine: bool | None
    non_benzodiazepine_sedative_hypnotic: bool | None
    opioid: bool | None
    psychostimulant: bool | None
    maoi: bool | None


@dataclass(frozen=True)
class MonitoringForm:
    """Every field of the R4.3 form, in its order; None where the chart has no answer."""

    patient_first_name: str
    patient_last_name: str
    date_of_birth: date
    sex: str
    enrolled: bool
    rems_patient_id: str | None
    first_treatment: bool
    concomitant_medications: MedicationAnswers | None
    clinician_name: str | None
    clinician_phone: str | None
    clinician_email: str | None
    setting_name: str
    setting_address: str | None
    treatment_date: date
    dose_administered: str
    dose_mg: int
    devices_given: int
    lot_numbers: tuple[str, ...]
    first_device_at: datetime | None
    monitoring_ended_at: datetime | None
    total_minutes: int | None
    ready_to_leave_at: datetime | None
    ready_to_leave_minutes: int | None
    vitals_acceptable_before_dosing: bool | None
    vitals_acceptable_before_completion: bool | None
    bp_before_dosing: TakenBloodPressure | None
    bp_at_40_minutes: TakenBloodPressure | None
    bp_before_completion: TakenBloodPressure | None
    sedation: bool | None
    dissociation: bool | None
    respiratory_depression: bool | None
    pulse_oximetry: bool
    lowest_spo2: int | None
    serious_adverse_events: tuple[str, ...]
    device_deviations: tuple[str, ...]
    overrides: tuple[FormOverride, ...]
    dose_withheld: bool
    withhold_reason: str | None


@dataclass(frozen=True)
class FormProblem:
    """A field the form cannot be signed without, or whose answer contradicts the chart."""

    field: str
    code: str
    message: str

    def as_violation(self) -> Violation:
        return hard_stop("R4.3", self.code, self.message)


def _minutes(start: datetime | None, end: datetime | None) -> int | None:
    if start is None or end is None:
        return None
    return int((end - start).total_seconds() // 60)


def _taken(reading: VitalsReading | None) -> TakenBloodPressure | None:
    if reading is None:
        return None
    return TakenBloodPressure(reading.bp.systolic, reading.bp.diastolic, reading.taken_at)


def _medications(taken: tuple[str, ...] | None) -> MedicationAnswers | None:
    if taken is None:
        return None
    return MedicationAnswers(*(med.value in taken for med in FORM_MEDICATIONS))


def forty_minute_reading(record: SessionRecord) -> VitalsReading | None:
    """R2.2: the post-dose reading 30-60 min after the first device nearest to 40 minutes."""
    first = record.first_device_at
    if first is None:
        return None
    window = [r for r in record.post_dose_vitals
              if POST_DOSE_BP_WINDOW_START <= r.taken_at - first <= POST_DOSE_BP_WINDOW_END]
    return min(window, key=lambda r: abs(r.taken_at - first - POST_DOSE_BP_DUE), default=None)


def completion_reading(record: SessionRecord) -> VitalsReading | None:
    """The latest pre-discharge reading taken by the end of monitoring."""
    end = record.discharged_at
    readings = [r for r in record.post_dose_vitals if r.timepoint == VitalsTimepoint.PRE_DISCHARGE
                and (end is None or r.taken_at <= end)]
    return readings[-1] if readings else None


def _acceptable_before_completion(reading: VitalsReading | None, record: SessionRecord,
                                  policy: SitePolicy) -> bool | None:
    """R2.4 at the end of monitoring, and the reading's SpO2 (if taken) at least P-SPO2-MIN."""
    if reading is None:
        return None
    at = record.discharged_at or reading.taken_at
    bp_ok, _ = bp_acceptable_for_discharge(reading.bp, reading.taken_at, record.pre_dose_bp,
                                           policy, at)
    return bp_ok and (reading.spo2 is None or reading.spo2 >= policy.spo2_min)


def _observed(record: SessionRecord) -> dict:
    """R3.2 / R3.3: sedation, dissociation, respiratory depression and SpO2 after dosing."""
    observations = record.observations
    spo2 = [o.spo2 for o in observations if o.spo2 is not None]
    spo2 += [r.spo2 for r in record.post_dose_vitals if r.spo2 is not None]
    seen = bool(observations)
    return dict(
        sedation=any(o.moaas < record.baseline_moaas for o in observations) if seen else None,
        dissociation=any(o.dissociation != Dissociation.NONE
                         or (o.cadss_total or 0) > CADSS_RESOLVED_MAX
                         for o in observations) if seen else None,
        respiratory_depression=any(o.respiratory_depression for o in observations)
        if seen else None,
        pulse_oximetry=bool(spo2), lowest_spo2=min(spo2, default=None))


def _dose_words(devices: int, withheld: bool) -> str:
    if withheld:
        return WITHHELD
    return DOSE_WORDS.get(devices * MG_PER_DEVICE, OTHER_DOSE)


def monitoring_form(sources: FormSources, policy: SitePolicy) -> MonitoringForm:
    """R4.3: the form's fields from the chart (R2.1-R2.4, R3.1-R3.6 for what each one means)."""
    record, clinician = sources.record, sources.clinician
    first, ended = record.first_device_at, record.discharged_at
    pre_dose = record.pre_dose_reading
    completion = completion_reading(record)
    dosed = not sources.withheld
    observed = _observed(record) if dosed else dict(
        sedation=None, dissociation=None, respiratory_depression=None, pulse_oximetry=False,
        lowest_spo2=None)
    return MonitoringForm(
        patient_first_name=sources.patient_first_name,
        patient_last_name=sources.patient_last_name,
        date_of_birth=sources.date_of_birth, sex=sources.sex,
        enrolled=sources.rems_patient_id is not None, rems_patient_id=sources.rems_patient_id,
        first_treatment=sources.first_treatment,
        concomitant_medications=_medications(sources.medications),
        clinician_name=clinician.name if clinician else None,
        clinician_phone=clinician.phone if clinician else None,
        clinician_email=clinician.email if clinician else None,
        setting_name=sources.setting_name, setting_address=sources.setting_address,
        treatment_date=sources.treatment_date,
        dose_administered=_dose_words(len(record.devices), sources.withheld),
        dose_mg=len(record.devices) * MG_PER_DEVICE, devices_given=len(record.devices),
        lot_numbers=tuple(dict.fromkeys(sources.lot_numbers)),
        first_device_at=first, monitoring_ended_at=ended if dosed else None,
        total_minutes=_minutes(first, ended) if dosed else None,
        ready_to_leave_at=sources.ready_to_leave_at,
        ready_to_leave_minutes=_minutes(first, sources.ready_to_leave_at),
        vitals_acceptable_before_dosing=(None if pre_dose is None
                                         else not above(pre_dose.bp, policy.bp_elevated)),
        vitals_acceptable_before_completion=_acceptable_before_completion(completion, record,
                                                                          policy),
        bp_before_dosing=_taken(pre_dose),
        bp_at_40_minutes=_taken(forty_minute_reading(record)),
        bp_before_completion=_taken(completion),
        **observed,
        serious_adverse_events=sources.serious_adverse_events,
        device_deviations=sources.device_deviations, overrides=sources.overrides,
        dose_withheld=sources.withheld, withhold_reason=sources.withhold_reason)


def check_form(form: MonitoringForm) -> tuple[FormProblem, ...]:
    """R4.3: each required field that is missing or inconsistent, in the form's order.

    A withheld session's form has no monitoring to report: only who, where, when and why.
    """
    problems = [*_who_and_where(form)]
    if form.dose_withheld:
        if not form.withhold_reason:
            problems.append(FormProblem("withhold_reason", "withhold_reason_missing",
                                        "The withheld dose has no reason recorded."))
        return tuple(problems)
    return tuple(problems + _treatment(form) + _monitoring(form))


def _who_and_where(form: MonitoringForm) -> list[FormProblem]:
    found = []
    if not form.enrolled:
        found.append(FormProblem("enrolled", "not_enrolled",
                                 "The patient has no REMS enrollment recorded (R4.2)."))
    if form.concomitant_medications is None:
        found.append(FormProblem("concomitant_medications", "screening_missing",
                                 "No screening is recorded, so the concomitant medications are "
                                 "unknown (R5.4)."))
    if not form.clinician_name:
        found.append(FormProblem("clinician_name", "clinician_missing",
                                 "Nobody is recorded as the monitoring clinician."))
    if not form.clinician_phone:
        found.append(FormProblem("clinician_phone", "clinician_phone_missing",
                                 "No telephone for the monitoring clinician: record the site's "
                                 "phone."))
    if not form.clinician_email:
        found.append(FormProblem("clinician_email", "clinician_email_missing",
                                 "No email for the monitoring clinician."))
    if not form.setting_address:
        found.append(FormProblem("setting_address", "setting_address_missing",
                                 "The site has no address recorded."))
    return found


def _treatment(form: MonitoringForm) -> list[FormProblem]:
    found = []
    if form.devices_given == 0:
        found.append(FormProblem("dose_administered", "no_device", "No device is recorded."))
    if form.monitoring_ended_at is None:
        found.append(FormProblem("total_minutes", "monitoring_end_missing",
                                 "No discharge is recorded, so the end of monitoring is unknown."))
    elif form.total_minutes is not None and form.total_minutes < MIN_OBSERVATION_MINUTES:
        found.append(FormProblem("total_minutes", "monitoring_too_short",
                                 f"Monitoring lasted {form.total_minutes} minutes from the first "
                                 f"device; at least {MIN_OBSERVATION_MINUTES} are required "
                                 "(R3.1)."))
    ready, ended = form.ready_to_leave_at, form.monitoring_ended_at
    if ready is None:
        found.append(FormProblem("ready_to_leave_at", "ready_to_leave_missing",
                                 "The discharge does not say when the patient would have been "
                                 "ready to leave (R3.6)."))
    elif ended is not None and ready > ended:
        found.append(FormProblem("ready_to_leave_at", "ready_to_leave_after_discharge",
                                 "The ready-to-leave time is after the end of monitoring (R3.6)."))
    elif form.first_device_at is not None and ready < form.first_device_at:
        found.append(FormProblem("ready_to_leave_at", "ready_to_leave_before_dose",
                                 "The ready-to-leave time is before the first device (R3.6)."))
    return found


def _monitoring(form: MonitoringForm) -> list[FormProblem]:
    found = []
    if form.bp_before_dosing is None:
        found.append(FormProblem("bp_before_dosing", "bp_before_dosing_missing",
                                 "No blood pressure before dosing (R2.1)."))
    if form.bp_at_40_minutes is None:
        found.append(FormProblem("bp_at_40_minutes", "bp_40_minutes_missing",
                                 "No blood pressure 30-60 minutes after the first device, the "
                                 "form's 40-minute reading (R2.2)."))
    if form.bp_before_completion is None:
        found.append(FormProblem("bp_before_completion", "pre_discharge_bp_missing",
                                 "No pre-discharge blood pressure before the end of monitoring."))
    if form.sedation is None:
        found.append(FormProblem("sedation", "observations_missing",
                                 "No observation is recorded: sedation, dissociation and "
                                 "respiratory depression are unknown (R3.2)."))
    if not form.pulse_oximetry:
        found.append(FormProblem("pulse_oximetry", "pulse_oximetry_missing",
                                 "No pulse oximetry (SpO2) is recorded after dosing (R3.3)."))
    return found
