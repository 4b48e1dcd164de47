"""The audit trail: every write records who did what, before and after, in its own transaction."""
import re
import uuid

from flask import g, has_request_context, request

from .clock import utcnow
from .models import AuditEvent

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def init_app(app):
    app.before_request(_assign_request_id)
    app.after_request(_echo_request_id)


def _assign_request_id():
    """Keep a caller's request id if it is a plain token, else make one (it is stored, echoed)."""
    supplied = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = supplied if _REQUEST_ID.fullmatch(supplied) else uuid.uuid4().hex


def _echo_request_id(response):
    if "request_id" in g:
        response.headers[REQUEST_ID_HEADER] = g.request_id
    return response


def record(session, *, action, entity, entity_id=None, before=None, after=None, actor=None):
    """Add an audit row to `session`; it commits with the change it describes."""
    if actor is None and has_request_context():
        actor = g.get("current_user")
    session.add(
        AuditEvent(
            at=utcnow(),
            actor_id=getattr(actor, "id", None),
            actor_email=getattr(actor, "email", None),
            action=action,
            entity=entity,
            entity_id=None if entity_id is None else str(entity_id),
            before=before,
            after=after,
            request_id=g.get("request_id") if has_request_context() else None,
        )
    )


def snapshot(record_obj, exclude=("password_hash", "token_hash")):
    """Return a JSON-ready dict of a table row for the audit's before/after."""
    data = {}
    for column in record_obj.__table__.columns:
        if column.name in exclude:
            continue
        value = getattr(record_obj, column.name)
        data[column.name] = value.isoformat() if hasattr(value, "isoformat") else value
    return data
