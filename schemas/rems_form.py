"""REMS Patient Monitoring Forms (R4.3): the form, its check, signatures, submission, queue."""
from marshmallow import Schema, fields, validate

from spravato_ops.db import MAX_ID
from spravato_ops.domain.enums import FormStatus, SubmissionMethod

from .common import UTCDateTime, enum_field, not_blank

YES_NO = "yes (true), no (false), or null where the chart has no answer"


class TakenBloodPressureOut(Schema):
    systolic = fields.Integer()
    diastolic = fields.Integer()
    taken_at = UTCDateTime()


class MedicationAnswersOut(Schema):
    """Is the patient taking each class (from the screening; null: not screened)."""

    benzodiazepine = fields.Boolean(allow_none=True)
    non_benzodiazepine_sedative_hypnotic = fields.Boolean(allow_none=True)
    opioid = fields.Boolean(allow_none=True)
    psychostimulant = fields.Boolean(allow_none=True)
    maoi = fields.Boolean(allow_none=True)


class FormOverrideOut(Schema):
    rules = fields.List(fields.String(), metadata={"description": "rule and code overridden"})
    reason = fields.String()
    by_name = fields.String(allow_none=True)
    at = UTCDateTime(allow_none=True)


def _yes_no(description=YES_NO):
    return fields.Boolean(allow_none=True, metadata={"description": description})


class MonitoringFormFieldsOut(Schema):
    """Every R4.3 field, filled from the chart (or as signed, once signed)."""

    patient_first_name = fields.String()
    patient_last_name = fields.String()
    date_of_birth = fields.Date()
    sex = fields.String()
    enrolled = fields.Boolean()
    rems_patient_id = fields.String(allow_none=True)
    first_treatment = fields.Boolean(metadata={"description": "no earlier dosed session"})
    concomitant_medications = fields.Nested(MedicationAnswersOut, allow_none=True)
    clinician_name = fields.String(allow_none=True, metadata={
        "description": "who recorded the discharge (else the latest entry)"})
    clinician_phone = fields.String(allow_none=True, metadata={"description": "the site's phone"})
    clinician_email = fields.String(allow_none=True)
    setting_name = fields.String()
    setting_address = fields.String(allow_none=True)
    treatment_date = fields.Date(metadata={"description": "the session's site-local date"})
    dose_administered = fields.String(metadata={"description": "56 mg, 84 mg, other, withheld"})
    dose_mg = fields.Integer()
    devices_given = fields.Integer()
    lot_numbers = fields.List(fields.String())
    first_device_at = UTCDateTime(allow_none=True)
    monitoring_ended_at = UTCDateTime(allow_none=True, metadata={"description": "discharge"})
    total_minutes = fields.Integer(allow_none=True, metadata={
        "description": "from the first device to the end of monitoring"})
    ready_to_leave_at = UTCDateTime(allow_none=True, metadata={"description": "R3.6"})
    ready_to_leave_minutes = fields.Integer(allow_none=True, metadata={
        "description": "R3.6, minutes from the first device"})
    vitals_acceptable_before_dosing = _yes_no("pre-dose BP at or below P-BP-ELEVATED")
    vitals_acceptable_before_completion = _yes_no("pre-discharge reading meets R2.4")
    bp_before_dosing = fields.Nested(TakenBloodPressureOut, allow_none=True)
    bp_at_40_minutes = fields.Nested(TakenBloodPressureOut, allow_none=True, metadata={
        "description": "R2.2: the reading 30-60 min after the first device nearest to 40"})
    bp_before_completion = fields.Nested(TakenBloodPressureOut, allow_none=True, metadata={
        "description": "the latest pre-discharge reading"})
    sedation = _yes_no("any MOAA/S below the baseline")
    dissociation = _yes_no()
    respiratory_depression = _yes_no()
    pulse_oximetry = fields.Boolean(metadata={"description": "SpO2 recorded after dosing"})
    lowest_spo2 = fields.Integer(allow_none=True)
    serious_adverse_events = fields.List(fields.String())
    device_deviations = fields.List(fields.String(), metadata={"description": "R1.5"})
    overrides = fields.List(fields.Nested(FormOverrideOut))
    dose_withheld = fields.Boolean()
    withhold_reason = fields.String(allow_none=True)


class FormProblemOut(Schema):
    field = fields.String(metadata={"description": "the form field"})
    code = fields.String()
    message = fields.String()


class SubmissionOut(Schema):
    method = fields.String()
    confirmation_number = fields.String()
    submitted_at = UTCDateTime()
    submitted_by = fields.Integer()
    submitted_by_name = fields.String(allow_none=True)


class SignatureOut(Schema):
    """A signature; a voided one was reopened by a correction of the record after signing."""

    id = fields.Integer()
    signed_by = fields.Integer()
    signed_by_name = fields.String(allow_none=True)
    signed_at = UTCDateTime()
    submission_method = fields.String(allow_none=True)
    submission_reference = fields.String(allow_none=True)
    submitted_at = UTCDateTime(allow_none=True)
    submitted_by = fields.Integer(allow_none=True)
    voided_at = UTCDateTime(allow_none=True)
    voided_by = fields.Integer(allow_none=True)
    voided_by_name = fields.String(allow_none=True)
    void_reason = fields.String(allow_none=True)


class RemsFormSummaryOut(Schema):
    """A form as the work queue lists it."""

    session_id = fields.Integer()
    form_id = fields.Integer(allow_none=True, metadata={"description": "null until written"})
    site_id = fields.Integer()
    patient_id = fields.Integer()
    patient_name = fields.String()
    treatment_date = fields.Date()
    deadline = fields.Date(metadata={"description": "the session's site-local date + 7 days"})
    days_left = fields.Integer(metadata={"description": "negative once overdue"})
    status = enum_field(FormStatus)
    complete = fields.Boolean()
    problems = fields.List(fields.Nested(FormProblemOut), metadata={
        "description": "each required field missing or inconsistent"})
    signed_by = fields.Integer(allow_none=True)
    signed_by_name = fields.String(allow_none=True)
    signed_at = UTCDateTime(allow_none=True)
    submission = fields.Nested(SubmissionOut, allow_none=True)
    version = fields.Integer()


class RemsFormOut(RemsFormSummaryOut):
    form_fields = fields.Nested(MonitoringFormFieldsOut, data_key="fields", attribute="fields")
    signatures = fields.List(fields.Nested(SignatureOut), metadata={
        "description": "every signature, oldest first, voided ones kept"})


class SubmissionIn(Schema):
    method = enum_field(SubmissionMethod, required=True)
    confirmation_number = fields.String(required=True,
                                        validate=[not_blank, validate.Length(max=100)])
    submitted_at = UTCDateTime(metadata={"description": "default: now"})


class RemsFormQuery(Schema):
    status = enum_field(FormStatus, metadata={"description": "default: every form not submitted"})
    site_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID), metadata={
        "description": "default: the sites you work at"})
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=100000))
