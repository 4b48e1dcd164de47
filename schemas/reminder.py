"""Patient reminders: what was sent, when, on which channel, its status."""
from marshmallow import Schema, fields, validate

from spravato_ops.domain.enums import ReminderStatus

from spravato_ops.db import MAX_ID

from .common import UTCDateTime, enum_field

_AN_ID = validate.Range(min=1, max=MAX_ID)


class ReminderQuery(Schema):
    session_id = fields.Integer(validate=_AN_ID)
    course_id = fields.Integer(validate=_AN_ID)
    status = enum_field(ReminderStatus)
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=MAX_ID))


class ReminderDeskOut(Schema):
    """What the front desk sees: when, on which channel, and its status."""

    id = fields.Integer()
    session_id = fields.Integer(allow_none=True)
    channel = fields.String(metadata={"description": "email or sms"})
    status = fields.String(metadata={
        "description": "pending, sending, sent, failed, cancelled, expired, or unknown (it may "
                       "have been delivered; never resent by itself)"})
    send_at = UTCDateTime(metadata={"description": "when it is meant to go (quiet hours kept)"})
    sent_at = UTCDateTime(allow_none=True)


class ReminderOut(ReminderDeskOut):
    course_id = fields.Integer(allow_none=True)
    patient_id = fields.Integer()
    site_id = fields.Integer(allow_none=True)
    kind = fields.String(metadata={"description": "appointment, appointment_moved or "
                                                  "booking_nudge (no appointment yet)"})
    recipient = fields.String(allow_none=True)
    appointment_at = UTCDateTime(allow_none=True)
    next_attempt_at = UTCDateTime()
    attempts = fields.Integer()
    last_error = fields.String(allow_none=True)
    provider_message_id = fields.String(allow_none=True)
    created_at = UTCDateTime()
