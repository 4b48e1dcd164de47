"""The front-desk board: where each patient is, nothing clinical."""
from marshmallow import Schema, fields

from .common import UTCDateTime


class BoardQuery(Schema):
    site_id = fields.Integer(required=True)


class BoardRowOut(Schema):
    chair = fields.String(metadata={"description": "chair label"})
    session_id = fields.Integer()
    patient_initials = fields.String()
    state = fields.String()
    scheduled_start = UTCDateTime()
    ready = fields.Boolean(metadata={"description": "discharge criteria met now (R3.4)"})
    ready_at = UTCDateTime(allow_none=True, metadata={"description": "earliest ready time"})
    arrived_at = UTCDateTime(allow_none=True, metadata={"description": "when the patient came"})
    ride_arrived_at = UTCDateTime(allow_none=True,
                                  metadata={"description": "when the ride home came"})
