"""Treatment courses and their plan: a course's fields are its table's (schemas/tables.py)."""
from marshmallow import Schema, fields, validate
from marshmallow_sqlalchemy import auto_field

from spravato_ops.domain.enums import Indication
from spravato_ops.models import TreatmentCourse

from .common import DateWithin, Partial, WarningSchema, id_field, years_from_today
from .tables import RequestSchema, ResponseSchema, column_of

COURSE_STATUSES = ("active", "completed", "stopped")

# A start far off (9999-12-25, 0001-01-01) is a typo, and its plan would be weeks away for ever.
plausible_start_date = DateWithin(
    years_from_today(-5), years_from_today(5),
    error="Must be within 5 years of today: between {earliest} and {latest}.")


class CourseIn(RequestSchema):
    class Meta(RequestSchema.Meta):
        model = TreatmentCourse
        exclude = ("status",)  # a course starts active

    indication = column_of(Indication)
    start_date = auto_field(validate=plausible_start_date,
                            metadata={"description": "within 5 years of today"})
    prescriber_id = id_field(required=True)
    continuation_interval_weeks = auto_field(validate=validate.OneOf([1, 2]))


class CoursePatch(Partial, CourseIn):
    """What may change once a course has started: the antidepressant, the interval, the status."""

    class Meta(CourseIn.Meta):
        fields = ("oral_antidepressant", "continuation_interval_weeks", "status")
        exclude = ()

    status = auto_field(validate=validate.OneOf(COURSE_STATUSES))


class CourseOut(CourseIn):
    """The request's fields, and the table's other columns."""

    class Meta(ResponseSchema.Meta):
        model = TreatmentCourse

    warnings = fields.List(fields.Nested(WarningSchema), dump_only=True, metadata={
        "description": "on a course started or changed: R1.1, another active course of the "
                       "patient (each course's weekly limits are counted apart)"})


class PlanWeekOut(Schema):
    week = fields.Integer()
    starts_on = fields.Date()
    ends_on = fields.Date()
    phase = fields.String()
    allowed = fields.Integer(metadata={"description": "sessions allowed in this week's window"})
    booked = fields.Integer(metadata={"description": "sessions booked in this week"})
    window_first_week = fields.Integer(
        metadata={"description": "first week of the window sharing the limit (every 2 weeks)"})
    window_last_week = fields.Integer()
    window_booked = fields.Integer(metadata={"description": "sessions booked in the window"})


class DueWindowOut(Schema):
    earliest = fields.Date()
    latest = fields.Date()


class LastSessionOut(Schema):
    session_id = fields.Integer()
    local_day = fields.Date()
    planned_dose_mg = fields.Integer()
    state = fields.String()


class CoursePlanOut(Schema):
    course_id = fields.Integer()
    indication = fields.String()
    today = fields.Date(metadata={"description": "site-local date the plan is computed for"})
    timezone = fields.String()
    current_week = fields.Integer(metadata={"description": "0 before the course starts"})
    current_phase = fields.String(allow_none=True)
    weeks = fields.List(fields.Nested(PlanWeekOut))
    next_due = fields.Nested(DueWindowOut, allow_none=True)
    induction_ends_on = fields.Date(allow_none=True)
    mdsi_ends_on = fields.Date(allow_none=True)
    last_session = fields.Nested(LastSessionOut, allow_none=True, metadata={
        "description": "the latest session held or booked up to today (withheld ones aside)"})
