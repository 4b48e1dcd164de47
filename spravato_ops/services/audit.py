"""The audit trail: every write records who did what, before and after, in its transaction."""
from contextvars import ContextVar

from ..clock import utcnow
from ..models import AuditEvent

# The id of the request (or job run) being served; set by its entry point, stored on each row.
request_id = ContextVar("request_id", default=None)
AUDIT_INSERT = AuditEvent.__table__.insert()


def record(session, *, action, entity, actor, entity_id=None, before=None, after=None):
    """Write an audit row in `session`'s transaction; it commits with the change it describes.

    `actor` is the user who acts, or None for the system itself (a scheduler job). The row is
    inserted at once, as one statement: nothing reads it back in the same transaction.
    """
    session.connection().execute(AUDIT_INSERT, {
        "at": utcnow(),
        "actor_id": getattr(actor, "id", None),
        "actor_email": getattr(actor, "email", None),
        "action": action,
        "entity": entity,
        "entity_id": None if entity_id is None else str(entity_id),
        "before": before,
        "after": after,
        "request_id": request_id.get(),
    })


def snapshot(record_obj, exclude=("password_hash", "token_hash")):
    """Return a JSON-ready dict of a table row for the audit's before/after."""
    data = {}
    for column in record_obj.__table__.columns:
        if column.name in exclude:
            continue
        value = getattr(record_obj, column.name)
        data[column.name] = value.isoformat() if hasattr(value, "isoformat") else value
    return data


def record_read(session, *, entity, entity_id, actor, details=None):
    """Record that `actor` read a patient's clinical record (who saw what, when) and commit it
    at once: a read has no transaction of its own to join."""
    record(session, action="read", entity=entity, entity_id=entity_id, actor=actor,
           after=details)
    session.commit()
