"""Treatment courses and their plan."""
from marshmallow import Schema, fields, validate

from spravato_ops.domain.enums import Indication

from .common import UTCDateTime, enum_field


class CourseIn(Schema):
    indication = enum_field(Indication, required=True)
    start_date = fields.Date(required=True)
    prescriber_id = fields.Integer(required=True, strict=True)
    oral_antidepressant = fields.String(allow_none=True, validate=validate.Length(max=200))
    continuation_interval_weeks = fields.Integer(
        load_default=1, strict=True, validate=validate.OneOf([1, 2])
    )


class CoursePatch(Schema):
    oral_antidepressant = fields.String(allow_none=True, validate=validate.Length(max=200))
    continuation_interval_weeks = fields.Integer(strict=True, validate=validate.OneOf([1, 2]))
    status = fields.String(validate=validate.OneOf(["active", "completed", "stopped"]))


class CourseOut(CourseIn):
    id = fields.Integer()
    patient_id = fields.Integer()
    status = fields.String()
    version = fields.Integer()
    created_at = UTCDateTime()


class PlanWeekOut(Schema):
    week = fields.Integer()
    starts_on = fields.Date()
    ends_on = fields.Date()
    phase = fields.String()
    allowed = fields.Integer()
    booked = fields.Integer()


class DueWindowOut(Schema):
    earliest = fields.Date()
    latest = fields.Date()


class CoursePlanOut(Schema):
    course_id = fields.Integer()
    indication = fields.String()
    today = fields.Date()
    current_week = fields.Integer()
    current_phase = fields.String(allow_none=True)
    weeks = fields.List(fields.Nested(PlanWeekOut))
    next_due = fields.Nested(DueWindowOut, allow_none=True)
    induction_ends_on = fields.Date(allow_none=True)
    mdsi_ends_on = fields.Date(allow_none=True)
