"""Request helpers shared by the API blueprints."""
import json
from datetime import timedelta

from flask import abort, current_app, request

from ..services.failures import InvalidInput

# Deeper JSON is refused before any view: no request body needs it, and recursion over it
# (the JSON parser, json columns) can exhaust the stack.
MAX_JSON_DEPTH = 32
NUL = "\x00"
NUL_MESSAGE = "Must not contain NUL (\\u0000) characters."


def refuse_unsafe_input():
    """Refuse NUL characters (PostgreSQL cannot store them) and over-deep JSON in API input.

    Runs before every API view, so each endpoint's answer is the same on SQLite and PostgreSQL.
    """
    if not request.path.startswith("/api/"):
        return None
    errors = {key: [NUL_MESSAGE]
              for key, value in request.args.items(multi=True) if NUL in key or NUL in value}
    body = request.get_data(cache=True) if request.is_json else b""
    try:
        data = json.loads(body.decode("utf-8")) if body else None
    except RecursionError:
        abort(400, "The JSON body is nested too deeply.")
    except ValueError:
        data = None  # not JSON or not UTF-8: the argument parser answers 400
    errors.update(_nul_fields(data))
    if errors:
        raise InvalidInput(errors)
    return None


def _nul_fields(data):
    """Return {top-level field: [message]} for NUL found anywhere in `data`; abort if too deep."""
    found = {}
    pending = [(data, "_schema" if not isinstance(data, dict) else None, 0)]
    while pending:
        value, field, depth = pending.pop()
        if depth > MAX_JSON_DEPTH:
            abort(400, f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep.")
        if isinstance(value, dict):
            for key, item in value.items():
                name = field or key
                if NUL in key:
                    found[name] = [NUL_MESSAGE]
                pending.append((item, name, depth + 1))
        elif isinstance(value, list):
            pending.extend((item, field, depth + 1) for item in value)
        elif isinstance(value, str) and NUL in value:
            found[field] = [NUL_MESSAGE]
    return found


def if_match_version():
    """Read the version a client last saw from If-Match (`3`, `"3"` or `W/"3"`)."""
    raw = request.headers.get("If-Match")
    if raw is None or raw.strip() == "*":
        return None
    value = raw.strip().removeprefix("W/").strip('"')
    if not value.isdigit():
        abort(412, "If-Match must carry the record's version number.")
    return int(value)


def clock_skew():
    """How far ahead of the server clock an instant a tablet sends may be (CLOCK_SKEW_SECONDS)."""
    return timedelta(seconds=current_app.config["CLOCK_SKEW_SECONDS"])


def with_etag(payload, version):
    """Return a (body, headers) pair that carries the record's version as its ETag."""
    return payload, {"ETag": f'"{version}"'}
