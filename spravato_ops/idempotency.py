"""Idempotency-Key for writes a tablet may retry: same key and body, same first response."""
import hashlib

from flask import Response, abort, g, request
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from .clock import utcnow
from .db import get_engine, get_session
from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
METHODS = ("POST", "PUT", "PATCH")


def _applies():
    return (request.method in METHODS and request.path.startswith("/api/")
            and HEADER in request.headers and g.get("current_user") is not None)


def _body_hash():
    return hashlib.sha256(request.get_data(cache=True) or b"").hexdigest()


def replay_if_seen():
    """Before the view: answer a repeated key from its stored response."""
    if not _applies():
        return None
    key = request.headers[HEADER].strip()
    if not key or len(key) > 200:
        abort(422, "Idempotency-Key must be 1 to 200 characters.")
    stored = get_session().exec(
        select(IdempotencyRecord).where(IdempotencyRecord.user_id == g.current_user.id,
                                        IdempotencyRecord.key == key)
    ).first()
    if stored is None:
        g.idempotency_key = key
        return None
    if (stored.body_hash != _body_hash() or stored.path != request.path
            or stored.method != request.method):
        abort(422, "This Idempotency-Key was already used with a different request.")
    response = Response(stored.response_body, status=stored.status_code,
                        mimetype="application/json")
    response.headers["Idempotent-Replayed"] = "true"
    return response


def remember_response(response):
    """After the view: keep the first answer to a keyed write (not server errors)."""
    key = g.pop("idempotency_key", None)
    if key is None or response.status_code >= 500 or response.status_code in (401, 403):
        return response
    # A refused write (409, 412, 422) leaves the request's transaction open; on SQLite it
    # holds the write lock, so end it before another connection stores the response.
    # Services commit every change they mean to keep: nothing is lost here.
    user_id = g.current_user.id
    if "db_session" in g:
        g.db_session.rollback()
    record = IdempotencyRecord(
        user_id=user_id, key=key, method=request.method, path=request.path,
        body_hash=_body_hash(), status_code=response.status_code,
        response_body=response.get_data(as_text=True), created_at=utcnow(),
    )
    with Session(get_engine()) as session:
        session.add(record)
        try:
            session.commit()
        except IntegrityError:
            session.rollback()  # a concurrent retry stored it first
    return response


def init_app(app):
    """Register after auth.init_app: the key is scoped to the authenticated user."""
    app.before_request(replay_if_seen)
    app.after_request(remember_response)
