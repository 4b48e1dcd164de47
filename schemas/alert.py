"""Staff alerts and their stream."""
from marshmallow import Schema, fields, validate

from .common import UTCDateTime


class AlertQuery(Schema):
    site_id = fields.Integer(required=True)


class AlertStreamQuery(AlertQuery):
    timeout = fields.Float(load_default=25, validate=validate.Range(min=0, max=60), metadata={
        "description": "seconds after which the stream ends and the client reconnects"})


class AlertOut(Schema):
    id = fields.Integer()
    site_id = fields.Integer()
    session_id = fields.Integer(allow_none=True)
    patient_id = fields.Integer(allow_none=True)
    kind = fields.String()
    severity = fields.String(metadata={"description": "warning or emergency"})
    rule = fields.String(allow_none=True)
    message = fields.String()
    raised_at = UTCDateTime()
    acknowledged_by = fields.Integer(allow_none=True)
    acknowledged_at = UTCDateTime(allow_none=True)
