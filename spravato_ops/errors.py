"""One error shape: JSON under /api/, an HTML page elsewhere; never a 500 for bad input."""
import logging

from flask import g, jsonify, make_response, render_template, request
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, default_exceptions

from .services.failures import (
    Conflict, InvalidInput, NotAuthenticated, NotFound, NotPermitted, RuleRefusal, ServiceError,
    StaleVersion,
)

log = logging.getLogger(__name__)


def wants_json():
    return request.path.startswith("/api/")


def error_body(code, message, errors=None, violations=None):
    return {
        "code": code,
        "status": default_exceptions[code].__name__ if code in default_exceptions else "Error",
        "message": message,
        "errors": errors or {},
        "violations": violations or [],
    }


def _respond(code, message, errors=None, violations=None, headers=None):
    if wants_json():
        response = jsonify(error_body(code, message, errors, violations))
    else:
        page = render_template("error.html", code=code, message=message, violations=violations)
        response = make_response(page)
    response.status_code = code
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _flatten_validation(messages):
    """Merge webargs' per-location messages ({"json": {...}}) into per-field errors."""
    if not isinstance(messages, dict):
        return {"_request": messages}
    merged = {}
    for location, fields in messages.items():
        if isinstance(fields, dict):
            merged.update(fields)
        else:
            merged[location] = fields
    return merged


def handle_http_exception(exc):
    errors = None
    data = getattr(exc, "data", None) or {}
    if exc.code == 422 and "messages" in data:
        errors = _flatten_validation(data["messages"])
    message = (data.get("message") if isinstance(data, dict) and data.get("message")
               else exc.description)
    headers = dict(exc.get_headers()) if exc.code in (401, 405, 503) else None
    if headers:
        headers.pop("Content-Type", None)
    return _respond(exc.code, message, errors=errors, headers=headers)


# A service's refusal -> its HTTP status; the most specific class first.
SERVICE_STATUS = ((NotFound, 404), (NotAuthenticated, 401), (NotPermitted, 403),
                  (Conflict, 409), (StaleVersion, 412), (RuleRefusal, 409), (InvalidInput, 422))


def handle_service_error(exc):
    """Answer a service's refusal; the services roll back what they refused."""
    _rollback()
    code = next(status for kind, status in SERVICE_STATUS if isinstance(exc, kind))
    violations = [v.as_dict() for v in getattr(exc, "violations", ())]
    headers = {"WWW-Authenticate": "Bearer"} if code == 401 else None
    return _respond(code, exc.message, errors=getattr(exc, "errors", None),
                    violations=violations, headers=headers)


def handle_integrity_error(exc):
    _rollback()
    # The first line names the constraint; PostgreSQL's DETAIL line quotes the values.
    log.info("integrity conflict: %s", (str(exc.orig).splitlines() or [""])[0])
    return _respond(409, "The request conflicts with a record already stored.")


def handle_unstorable_value(exc):
    """A value the database or driver cannot hold (an integer beyond its range, NUL in text).

    The schemas refuse such input first; this keeps any that slips through a 422, not a 500.
    """
    _rollback()
    log.warning("value refused by the database: %s", type(getattr(exc, "orig", exc)).__name__)
    return _respond(422, "A value in the request is out of range or cannot be stored.")


def handle_unexpected(exc):
    _rollback()
    if isinstance(exc, OperationalError):
        log.exception("database unavailable")
        return _respond(503, "The database is unavailable; nothing was recorded. Try again.")
    log.exception("unhandled error")
    return _respond(500, InternalServerError.description)


def _rollback():
    if "db_session" in g:
        g.db_session.rollback()


def init_app(app):
    """Register after flask-smorest so these handlers replace its JSON-only one."""
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(ServiceError, handle_service_error)
    app.register_error_handler(IntegrityError, handle_integrity_error)
    app.register_error_handler(DataError, handle_unstorable_value)
    app.register_error_handler(OverflowError, handle_unstorable_value)
    app.register_error_handler(Exception, handle_unexpected)
