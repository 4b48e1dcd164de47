"""The audit trail, for administrators."""
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlmodel import select

from schemas.common import UTCDateTime

from ..db import get_session
from ..models import AuditEvent

bp = Blueprint("audit", __name__, url_prefix="/api/v1/audit", description="Audit trail")


class AuditQuery(Schema):
    entity = fields.String(validate=validate.Length(max=60))
    entity_id = fields.String(validate=validate.Length(max=40))
    limit = fields.Integer(load_default=200, validate=validate.Range(min=1, max=1000))


class AuditOut(Schema):
    id = fields.Integer()
    at = UTCDateTime()
    actor_id = fields.Integer(allow_none=True)
    actor_email = fields.String(allow_none=True)
    action = fields.String()
    entity = fields.String()
    entity_id = fields.String(allow_none=True)
    before = fields.Dict(allow_none=True)
    after = fields.Dict(allow_none=True)
    request_id = fields.String(allow_none=True)


@bp.get("")
@bp.arguments(AuditQuery(), location="query")
@bp.response(200, AuditOut(many=True))
def list_audit(query):
    """Who did what, when, before and after; newest first."""
    statement = select(AuditEvent)
    if query.get("entity"):
        statement = statement.where(AuditEvent.entity == query["entity"])
    if query.get("entity_id"):
        statement = statement.where(AuditEvent.entity_id == query["entity_id"])
    return get_session().exec(statement.order_by(AuditEvent.id.desc()).limit(query["limit"])).all()
