"""Staff alerts and their stream."""
from marshmallow import Schema, fields, validate

from spravato_ops.domain.enums import Role

from .common import UTCDateTime


class AlertQuery(Schema):
    site_id = fields.Integer(required=True)
    role = fields.String(validate=validate.OneOf([r.value for r in Role]), metadata={
        "description": "only the alerts meant for this role"})


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
    role = fields.String(allow_none=True, metadata={
        "description": "the role the alert is for (none: the clinical staff of the site)"})
    rule = fields.String(allow_none=True)
    message = fields.String()
    raised_at = UTCDateTime()
    acknowledged_by = fields.Integer(allow_none=True)
    acknowledged_at = UTCDateTime(allow_none=True)
    resolved_at = UTCDateTime(allow_none=True, metadata={
        "description": "when the sweep that raised it saw its condition clear"})
