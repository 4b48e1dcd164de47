"""Idempotency-Key for writes a tablet may retry: same key and body, same first response.

The key is claimed before the view runs, in the request's own transaction (the services
commit it with the entry they write), so two requests with one key never both write. A
concurrent duplicate waits on the claim (PostgreSQL's unique index, SQLite's BEGIN
IMMEDIATE) and then replays the first answer, which is stored on the claim after the view.

A claim without an answer is 409: "in progress" with Retry-After for
IDEMPOTENCY_CLAIM_SECONDS, then a 409 that says to read what was recorded and use a new key.
It is never taken over: a claim commits only with its request's write, so an old claim
without an answer is a write that was made and whose answer was lost (a crash, a 500).
"""
import hashlib
import time
from datetime import timedelta

from flask import Response, abort, current_app, g, jsonify, request
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from .clock import utcnow
from .db import get_engine, get_session
from .errors import error_body
from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
METHODS = ("POST", "PUT", "PATCH")
# Answers never kept: a retry may succeed once the user's access or the server is fixed.
UNKEPT_STATUSES = frozenset({401, 403})
POLL_SECONDS = 0.05
RETRY_AFTER_SECONDS = 1


def _applies():
    return (request.method in METHODS and request.path.startswith("/api/")
            and HEADER in request.headers and g.get("current_user") is not None)


def _key():
    key = request.headers[HEADER].strip()
    if not key or len(key) > 200 or not key.isprintable():
        abort(422, "Idempotency-Key must be 1 to 200 printable characters.")
    return key


def _body_hash():
    return hashlib.sha256(request.get_data(cache=True) or b"").hexdigest()


def claim_key():
    """Before the view: claim the key in the request's transaction, or answer a repeat."""
    if not _applies():
        return None
    claim = IdempotencyRecord(user_id=g.current_user.id, key=_key(), method=request.method,
                              path=request.path, body_hash=_body_hash(), created_at=utcnow())
    session = get_session()
    try:
        # A savepoint: a key already claimed fails the insert, not the request's transaction.
        # On PostgreSQL the insert waits here while another transaction holds the same key.
        with session.begin_nested():
            session.add(claim)
    except IntegrityError:
        # End the transaction before waiting: on SQLite it holds the write lock that the
        # first request needs to store its answer.
        session.rollback()
        return _answer_repeat(claim)
    g.idempotency_claim = claim
    return None


def _stored(user_id, key):
    """Read the key's record as committed now, in a transaction of its own."""
    with Session(get_engine(), expire_on_commit=False) as session:
        return session.exec(select(IdempotencyRecord).where(
            IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key)).first()


def _answer_repeat(attempt):
    """Replay the stored answer to the key, waiting briefly for one still being written."""
    stored = _stored(attempt.user_id, attempt.key)
    if stored is not None and (stored.body_hash, stored.path, stored.method) != (
            attempt.body_hash, attempt.path, attempt.method):
        abort(422, "This Idempotency-Key was already used with a different request.")
    # Counted, not timed: a frozen clock (tests, freezegun) must not make this wait forever.
    polls = int(current_app.config["IDEMPOTENCY_WAIT_SECONDS"] / POLL_SECONDS)
    while polls > 0 and stored is not None and stored.status_code is None and not _lost(stored):
        time.sleep(POLL_SECONDS)
        stored = _stored(attempt.user_id, attempt.key)
        polls -= 1
    if stored is not None and stored.status_code is not None:
        return _replay(stored)
    return _unanswered(stored)


def _lost(stored):
    """Whether a claim without an answer is too old to be a request still running."""
    limit = timedelta(seconds=current_app.config["IDEMPOTENCY_CLAIM_SECONDS"])
    return utcnow() - stored.created_at > limit


def _replay(stored):
    response = Response(stored.response_body, status=stored.status_code,
                        mimetype="application/json")
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _unanswered(stored):
    """409 for a claim without an answer: wait for it, or (lost) check and use a new key."""
    if stored is not None and _lost(stored):
        return _conflict("The first request with this Idempotency-Key was recorded but its "
                         "answer was lost. Read the record to see what was stored; to write "
                         "again, use a new Idempotency-Key.")
    response = _conflict("A request with this Idempotency-Key is in progress; retry after "
                         f"{RETRY_AFTER_SECONDS} s to get its answer.")
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _conflict(message):
    response = jsonify(error_body(409, message))
    response.status_code = 409
    return response


def store_answer(response):
    """After the view: keep the answer on the key's claim (refusals too, not server errors)."""
    claim = g.pop("idempotency_claim", None)
    if claim is None:
        return response
    session = get_session()
    # Services commit every change they mean to keep. A refused write has rolled back, or
    # left its transaction open (on SQLite holding the write lock): end it, and the claim
    # with it unless it committed with the write.
    session.rollback()
    if response.status_code >= 500 or response.status_code in UNKEPT_STATUSES:
        return response
    if not inspect(claim).persistent:
        claim = _claim_again(claim)
        session.add(claim)
    claim.status_code = response.status_code
    claim.response_body = response.get_data(as_text=True)
    try:
        session.commit()
    except IntegrityError:
        # A retry claimed the key after this refusal rolled the claim back; its answer stands.
        session.rollback()
    return response


def _claim_again(claim):
    """A new claim like one that a refused write rolled back."""
    return IdempotencyRecord(user_id=claim.user_id, key=claim.key, method=claim.method,
                             path=claim.path, body_hash=claim.body_hash,
                             created_at=claim.created_at)


def init_app(app):
    """Register after auth.init_app: the key is scoped to the authenticated user."""
    app.before_request(claim_key)
    app.after_request(store_answer)
