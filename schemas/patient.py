"""Patients, screening and REMS enrollment: the fields are their tables' (schemas/tables.py)."""
from datetime import date

from marshmallow import Schema, fields, validate
from marshmallow_sqlalchemy import auto_field

from spravato_ops.domain.enums import ConcomitantMedication, ReminderChannel, Sex
from spravato_ops.models import Patient, RemsEnrollment, Screening

from .common import TODAY, DateWithin, Partial, WarningSchema, enum_field
from .tables import RequestSchema, ResponseSchema, column_of

EARLIEST_BIRTH_DATE = date(1900, 1, 1)
REMS_BEGAN = date(2019, 1, 1)  # the SPRAVATO REMS began in 2019: no enrollment before it

# Typos such as 2091 or 0198.
plausible_birth_date = DateWithin(EARLIEST_BIRTH_DATE, TODAY,
                                  error="Must be between {earliest} and today.")
plausible_enrollment_date = DateWithin(
    REMS_BEGAN, TODAY, error="Must be between {earliest} and today (the REMS began in 2019).")


class PatientIn(RequestSchema):
    class Meta(RequestSchema.Meta):
        model = Patient

    date_of_birth = auto_field(validate=plausible_birth_date,
                               metadata={"description": "from 1900-01-01 to today"})
    sex = column_of(Sex)
    email = auto_field(field_class=fields.Email)
    reminder_channel = column_of(ReminderChannel)


class PatientPatch(Partial, PatientIn):
    """Any subset of a patient's fields."""


class PatientContactOut(ResponseSchema):
    """What front-desk staff see: name and contact, nothing clinical."""

    class Meta(ResponseSchema.Meta):
        model = Patient
        fields = ("id", "first_name", "last_name", "phone", "email")


class PatientOut(PatientIn):
    """The whole record, as every role but the front desk reads it: the request's fields and
    the table's other columns."""

    class Meta(ResponseSchema.Meta):
        model = Patient

    rems_enrolled = fields.Boolean()
    screening_recorded = fields.Boolean()


class PatientQuery(Schema):
    q = fields.String(validate=validate.Length(max=100))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))


class ScreeningIn(RequestSchema):
    """R5.1-R5.4 screening answers, each a JSON true or false; each must be answered."""

    class Meta(RequestSchema.Meta):
        model = Screening

    concomitant_medications = fields.List(
        enum_field(ConcomitantMedication), load_default=list, validate=validate.Length(max=20)
    )


class ScreeningOut(ScreeningIn):
    class Meta(ResponseSchema.Meta):
        model = Screening

    eligible = fields.Boolean(metadata={"description": "no R5.1 contraindication"})
    warnings = fields.List(fields.Nested(WarningSchema))


class EnrollmentIn(RequestSchema):
    class Meta(RequestSchema.Meta):
        model = RemsEnrollment

    enrolled_on = auto_field(validate=plausible_enrollment_date,
                             metadata={"description": "from 2019-01-01 to today"})


class EnrollmentOut(EnrollmentIn):
    class Meta(ResponseSchema.Meta):
        model = RemsEnrollment
