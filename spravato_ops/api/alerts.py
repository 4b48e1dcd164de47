"""Open staff alerts of a site: listed, acknowledged, streamed to tablets as server-sent events."""
import json
import math
import threading
import time

from flask import Response, current_app, g, request
from flask_smorest import Blueprint
from sqlmodel import Session
from werkzeug.exceptions import ServiceUnavailable

from schemas.alert import AlertOut, AlertQuery, AlertStreamQuery

from ..db import close_session, get_engine, get_session
from ..models import Site
from ..services import alerts as service
from ..services.common import get_existing
from ..services.failures import InvalidInput
from ..short_cache import ShortCache
from .common import PLAIN_NUMBER, plain_number

bp = Blueprint("alerts", __name__, url_prefix="/api/v1/alerts", description="Staff alerts")
POLL_SECONDS = 2.0
SLOTS_KEY = "spravato_alert_stream_slots"
# The open alerts a site's streams in one process read together (ALERT_STREAM_SHARED_SECONDS).
SHARED_KEY = "spravato_alert_stream_shared"
# A tablet turned away because every stream slot is taken reconnects after this long.
BUSY_RETRY_SECONDS = 5


@bp.get("")
@bp.arguments(AlertQuery(), location="query")
@bp.response(200, AlertOut(many=True))
def list_alerts(query):
    """Open (unacknowledged) alerts of a site, newest last."""
    session = get_session()
    get_existing(session, Site, query["site_id"], "Site")
    return service.open_alerts(session, site_id=query["site_id"], role=query.get("role"))


@bp.post("/<int:alert_id>/acknowledge")
@bp.response(200, AlertOut)
def acknowledge_alert(alert_id):
    """Record who acknowledged the alert and when (the first acknowledgement stays)."""
    return service.acknowledge(get_session(), alert_id=alert_id, actor=g.current_user)


LAST_EVENT_ID = {"in": "header", "name": "Last-Event-ID", "required": False,
                 "description": "the `id:` of the last event received: resume after it",
                 "schema": {"type": "string", "pattern": f"^{PLAIN_NUMBER.pattern}$"}}


def _last_event_id():
    """The alert id a reconnecting client last received (None: from the first open alert).

    Checked before streaming starts: a bad id would otherwise break the stream mid-body.
    """
    raw = request.headers.get("Last-Event-ID", "").strip()
    if not raw:
        return None
    since_id = plain_number(raw)
    if since_id is None:
        raise InvalidInput({"Last-Event-ID": ["Must be the id of an event from this stream."]})
    return since_id


def sse_event(alert):
    return f"id: {alert['id']}\nevent: alert\ndata: {json.dumps(alert)}\n\n"


def stream_events(engine, site_id, since_id, polls, interval, role=None, shared=None):
    """Poll the open alerts (through `shared`, a ShortCache that the streams of one process
    share, when given) and yield the new ones as events."""
    yield f"retry: {int(interval * 1000)}\n\n"
    for poll in range(polls):
        fresh = [alert for alert in _open_alerts(engine, site_id, role, shared)
                 if since_id is None or alert["id"] > since_id]
        for alert in fresh:
            since_id = max(since_id or 0, alert["id"])
            yield sse_event(alert)
        if not fresh:
            yield ": keep-alive\n\n"
        if poll < polls - 1:
            time.sleep(interval)


def _open_alerts(engine, site_id, role, shared):
    """The site's open alerts (for `role`) as JSON-ready dicts, read with a short session of
    their own; `shared` keeps them a moment for the other streams of the site."""
    def read():
        with Session(engine) as session:
            return AlertOut(many=True).dump(service.open_alerts(session, site_id=site_id,
                                                                role=role))

    return shared.get((site_id, role), read) if shared is not None else read()


@bp.get("/stream", parameters=[LAST_EVENT_ID])
@bp.arguments(AlertStreamQuery(), location="query")
@bp.doc(description=(
    "`text/event-stream` of the site's open alerts: each one event `alert` with `id:` = the "
    "alert id and the alert as JSON in `data:`. New alerts are polled every ~2 s. Reconnect "
    "with `Last-Event-ID` to receive only alerts after that id. The stream ends after "
    "`timeout` seconds (default 25, at most 60); clients then reconnect."),
    responses={"200": {"description": "server-sent events",
                       "content": {"text/event-stream": {"schema": {"type": "string"}}}}})
def stream_alerts(query):
    since_id = _last_event_id()
    session = get_session()
    get_existing(session, Site, query["site_id"], "Site")
    close_session()  # hold no connection (nor SQLite's write lock) while streaming
    interval = float(current_app.config.get("ALERT_STREAM_POLL_SECONDS", POLL_SECONDS))
    polls = 1 + math.floor(query["timeout"] / interval) if interval > 0 else 1
    release = _take_stream_slot()
    events = stream_events(get_engine(), query["site_id"], since_id, polls, interval,
                           role=query.get("role"), shared=current_app.extensions[SHARED_KEY])
    response = Response(events, mimetype="text/event-stream",
                        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
    response.call_on_close(release)
    return response


def _take_stream_slot():
    """Take one of this process's ALERT_STREAM_SLOTS (a stream holds a server thread for up to
    a minute); return what gives it back. With every slot taken, 503 with Retry-After: the
    tablet's EventSource comes back later, and the other threads stay free for the API."""
    slots = current_app.extensions[SLOTS_KEY]
    if slots is None:
        return lambda: None
    if not slots.acquire(blocking=False):
        raise ServiceUnavailable("Every alert stream of this server is taken; reconnect "
                                 f"in {BUSY_RETRY_SECONDS} s.", retry_after=BUSY_RETRY_SECONDS)
    return slots.release


def init_app(app):
    app.extensions[SHARED_KEY] = ShortCache(app.config["ALERT_STREAM_SHARED_SECONDS"])
    count = app.config["ALERT_STREAM_SLOTS"]
    app.extensions[SLOTS_KEY] = threading.BoundedSemaphore(count) if count else None
