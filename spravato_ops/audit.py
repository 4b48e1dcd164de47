"""Request ids: taken from or given to each request, stored on its audit rows, echoed back."""
import re
import uuid

from flask import g, request

from .services import audit

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def init_app(app):
    app.before_request(_assign_request_id)
    app.after_request(_echo_request_id)
    app.teardown_request(_forget_request_id)


def _assign_request_id():
    """Keep a caller's request id if it is a plain token, else make one (it is stored, echoed)."""
    supplied = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = supplied if _REQUEST_ID.fullmatch(supplied) else uuid.uuid4().hex
    g.request_id_token = audit.request_id.set(g.request_id)


def _echo_request_id(response):
    if "request_id" in g:
        response.headers[REQUEST_ID_HEADER] = g.request_id
    return response


def _forget_request_id(_exception=None):
    token = g.pop("request_id_token", None)
    if token is not None:
        audit.request_id.reset(token)
