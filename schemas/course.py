"""Treatment courses and their plan."""
from marshmallow import Schema, fields, validate

from spravato_ops.domain.enums import Indication

from .common import UTCDateTime, enum_field, id_field


class CourseIn(Schema):
    indication = enum_field(Indication, required=True)
    start_date = fields.Date(required=True)
    prescriber_id = id_field(required=True)
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
    allowed = fields.Integer(metadata={"description": "sessions allowed in this week's window"})
    booked = fields.Integer(metadata={"description": "sessions booked in this week"})
    window_first_week = fields.Integer(
        metadata={"description": "first week of the window sharing the limit (every 2 weeks)"})
    window_last_week = fields.Integer()
    window_booked = fields.Integer(metadata={"description": "sessions booked in the window"})


class DueWindowOut(Schema):
    earliest = fields.Date()
    latest = fields.Date()


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
