"""The request's JSON body, parsed once and safely: over-deep JSON is a 400, never a crash."""
import json

from flask import abort, g, request

# Deeper JSON is refused: no request body needs it, and recursion over it (the JSON parser,
# json columns, serialisers) can exhaust the stack.
MAX_JSON_DEPTH = 32


def json_body():
    """Return the request's JSON body, or None when it is absent, not JSON or not UTF-8.

    Every reader before the view (site access, the input guard) comes here, so no one parses
    the body unguarded. The argument parser answers 400 for a body this leaves as None.
    """
    if "json_body" not in g:
        g.json_body = _parse(request.get_data(cache=True) if request.is_json else b"")
    return g.json_body


def _parse(body):
    if not body:
        return None
    try:
        data = json.loads(body.decode("utf-8"))
    except RecursionError:
        abort(400, "The JSON body is nested too deeply.")
    except ValueError:
        return None
    _refuse_over_deep(data)
    return data


def _refuse_over_deep(data):
    """Abort 400 when `data` nests more than MAX_JSON_DEPTH levels (iteratively: no recursion)."""
    pending = [(data, 0)]
    while pending:
        value, depth = pending.pop()
        if depth > MAX_JSON_DEPTH:
            abort(400, f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep.")
        if isinstance(value, dict):
            pending.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            pending.extend((item, depth + 1) for item in value)
