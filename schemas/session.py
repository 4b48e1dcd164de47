"""Treatment sessions: booking, rescheduling, state changes, and how they are shown."""
from marshmallow import Schema, fields, validate

from .common import OverrideSchema, ReasonSchema, UTCDateTime, WarningSchema


class SessionIn(Schema):
    course_id = fields.Integer(required=True, strict=True)
    site_id = fields.Integer(required=True, strict=True)
    chair_id = fields.Integer(required=True, strict=True)
    scheduled_start = UTCDateTime(required=True)
    planned_dose_mg = fields.Integer(required=True, strict=True)
    override = fields.Nested(OverrideSchema,
                             metadata={"description": "prescriber only: soft stops"})


class SessionPatch(Schema):
    """Reschedule: a new time, chair or dose (send If-Match with the version you read)."""

    chair_id = fields.Integer(strict=True)
    scheduled_start = UTCDateTime()
    planned_dose_mg = fields.Integer(strict=True)
    override = fields.Nested(OverrideSchema)


class SessionQuery(Schema):
    site_id = fields.Integer(required=True)
    date = fields.Date(metadata={"description": "site-local day; default today at the site"})


class OverrideOut(Schema):
    reason = fields.String()
    by = fields.Integer()
    by_name = fields.String()
    at = fields.String()
    rules = fields.List(fields.Dict())


class SessionDeskOut(Schema):
    """What front-desk staff see of a session: where and when, nothing clinical."""

    id = fields.Integer()
    site_id = fields.Integer()
    chair_id = fields.Integer()
    patient_id = fields.Integer()
    patient_initials = fields.String()
    scheduled_start = UTCDateTime()
    scheduled_end = UTCDateTime()
    local_day = fields.Date()
    state = fields.String()
    version = fields.Integer()


class SessionOut(SessionDeskOut):
    """A session; front desk receives only the fields of SessionDeskOut."""

    course_id = fields.Integer()
    planned_dose_mg = fields.Integer()
    state_reason = fields.String(allow_none=True)
    arrived_at = UTCDateTime(allow_none=True)
    ride_arrived_at = UTCDateTime(allow_none=True)
    overrides = fields.List(fields.Nested(OverrideOut))
    warnings = fields.List(fields.Nested(WarningSchema))
    created_at = UTCDateTime()
    updated_at = UTCDateTime()


class StateChangeIn(ReasonSchema):
    """cancel, no-show, withhold: a reason is required."""


class ArrivalIn(Schema):
    arrived_at = UTCDateTime(metadata={"description": "default: now"})
    reason = fields.String(validate=validate.Length(max=1000))


class RideArrivedIn(Schema):
    arrived_at = UTCDateTime(metadata={"description": "when the ride home came; default: now"})
