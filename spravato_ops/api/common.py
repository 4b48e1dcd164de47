"""Request helpers shared by the API blueprints."""
from flask import abort, g, request


def if_match_version():
    """Read the version a client last saw from If-Match (`3`, `"3"` or `W/"3"`)."""
    raw = request.headers.get("If-Match")
    if raw is None or raw.strip() == "*":
        return None
    value = raw.strip().removeprefix("W/").strip('"')
    if not value.isdigit():
        abort(412, "If-Match must carry the record's version number.")
    return int(value)


def current_user():
    return g.current_user


def with_etag(payload, version):
    """Return a (body, headers) pair that carries the record's version as its ETag."""
    return payload, {"ETag": f'"{version}"'}
