"""Request helpers shared by the API blueprints."""
import re
from datetime import timedelta

from flask import abort, current_app, request

from ..db import MAX_ID
from ..request_json import json_body
from ..services.failures import InvalidInput

# Text the database cannot store, and why each is refused.
UNSTORABLE_TEXT = [
    # PostgreSQL text cannot hold NUL.
    (re.compile("\x00"), "Must not contain NUL (\\u0000) characters."),
    # A lone surrogate (a JSON escape such as "\ud800") has no UTF-8 encoding.
    (re.compile("[\ud800-\udfff]"), "Must not contain unpaired surrogates (\\ud800-\\udfff)."),
]
# A version or event id: a plain ASCII number, short enough to be read without cost.
PLAIN_NUMBER = re.compile(r"[0-9]{1,10}")


def refuse_unsafe_input():
    """Refuse text the database cannot store (NUL, lone surrogates) and over-deep JSON.

    Runs before every API view, so each endpoint's answer is the same on SQLite and PostgreSQL.
    """
    if not request.path.startswith("/api/"):
        return None
    errors = {key: [message] for key, value in request.args.items(multi=True)
              if (message := unstorable(key) or unstorable(value))}
    errors.update(_unstorable_fields(json_body()))
    if errors:
        raise InvalidInput(errors)
    return None


def unstorable(text):
    """Return why `text` cannot be stored, or None when it can."""
    for pattern, message in UNSTORABLE_TEXT:
        if pattern.search(text):
            return message
    return None


def _unstorable_fields(data):
    """Return {top-level field: [message]} for unstorable text anywhere in `data`."""
    found = {}
    pending = [(data, "_schema" if not isinstance(data, dict) else None)]
    while pending:
        value, field = pending.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                name = field or key
                if message := unstorable(key):
                    found[name] = [message]
                pending.append((item, name))
        elif isinstance(value, list):
            pending.extend((item, field) for item in value)
        elif isinstance(value, str) and (message := unstorable(value)):
            found[field] = [message]
    return found


def plain_number(raw):
    """Return `raw` as an int if it is a plain ASCII number a database integer holds, else None.

    `str.isdigit` is no test: it accepts '²' and other digits that `int` refuses.
    """
    if raw is None or not PLAIN_NUMBER.fullmatch(raw):
        return None
    number = int(raw)
    return number if number <= MAX_ID else None


def if_match_version():
    """Read the version a client last saw from If-Match (`3`, `"3"` or `W/"3"`)."""
    raw = request.headers.get("If-Match")
    if raw is None or raw.strip() == "*":
        return None
    version = plain_number(raw.strip().removeprefix("W/").strip('"'))
    if version is None:
        abort(412, "If-Match must carry the record's version number.")
    return version


def clock_skew():
    """How far ahead of the server clock an instant a tablet sends may be (CLOCK_SKEW_SECONDS)."""
    return timedelta(seconds=current_app.config["CLOCK_SKEW_SECONDS"])


def with_etag(payload, version):
    """Return a (body, headers) pair that carries the record's version as its ETag."""
    return payload, {"ETag": f'"{version}"'}
