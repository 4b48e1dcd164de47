"""Patients, screening and REMS enrollment."""
from datetime import date

from marshmallow import Schema, ValidationError, fields, validate

from spravato_ops.clock import utcnow
from spravato_ops.domain.enums import ConcomitantMedication, ReminderChannel, Sex

from .common import Partial, UTCDateTime, WarningSchema, enum_field, not_blank

EARLIEST_BIRTH_DATE = date(1900, 1, 1)


def plausible_birth_date(value):
    """Refuse impossible dates of birth (typos such as 2091 or 0198)."""
    if not EARLIEST_BIRTH_DATE <= value <= utcnow().date():
        raise ValidationError(f"Must be between {EARLIEST_BIRTH_DATE} and today.")


class PatientIn(Schema):
    mrn = fields.String(required=True, validate=[not_blank, validate.Length(max=40)])
    first_name = fields.String(required=True, validate=[not_blank, validate.Length(max=100)])
    last_name = fields.String(required=True, validate=[not_blank, validate.Length(max=100)])
    date_of_birth = fields.Date(required=True, validate=plausible_birth_date)
    sex = enum_field(Sex, required=True)
    phone = fields.String(allow_none=True, validate=validate.Length(max=40))
    email = fields.Email(allow_none=True, validate=validate.Length(max=254))
    reminder_channel = enum_field(ReminderChannel, load_default="none")


class PatientPatch(Partial, PatientIn):
    """Any subset of a patient's fields."""


class PatientContactOut(Schema):
    """What front-desk staff see: name and contact, nothing clinical."""

    id = fields.Integer()
    first_name = fields.String()
    last_name = fields.String()
    phone = fields.String(allow_none=True)
    email = fields.String(allow_none=True)


class PatientOut(PatientIn):
    """The whole record, as every role but the front desk reads it."""

    id = fields.Integer()
    version = fields.Integer()
    rems_enrolled = fields.Boolean()
    screening_recorded = fields.Boolean()
    created_at = UTCDateTime()
    updated_at = UTCDateTime()


class PatientQuery(Schema):
    q = fields.String(validate=validate.Length(max=100))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))


class ScreeningIn(Schema):
    """R5.1-R5.4 screening answers; each must be answered."""

    aneurysmal_vascular_disease = fields.Boolean(required=True)
    arteriovenous_malformation = fields.Boolean(required=True)
    intracerebral_hemorrhage_history = fields.Boolean(required=True)
    hypersensitivity = fields.Boolean(required=True)
    pregnant_or_breastfeeding = fields.Boolean(required=True)
    psychosis_history = fields.Boolean(required=True)
    hypertensive_encephalopathy_history = fields.Boolean(required=True)
    substance_use_history = fields.Boolean(load_default=False)
    concomitant_medications = fields.List(
        enum_field(ConcomitantMedication), load_default=list, validate=validate.Length(max=20)
    )


class ScreeningOut(ScreeningIn):
    patient_id = fields.Integer()
    recorded_by = fields.Integer()
    recorded_at = UTCDateTime()
    eligible = fields.Boolean(metadata={"description": "no R5.1 contraindication"})
    warnings = fields.List(fields.Nested(WarningSchema))


class EnrollmentIn(Schema):
    rems_patient_id = fields.String(required=True, validate=[not_blank, validate.Length(max=64)])
    enrolled_on = fields.Date(required=True)


class EnrollmentOut(EnrollmentIn):
    patient_id = fields.Integer()
    recorded_by = fields.Integer()
    recorded_at = UTCDateTime()
