"""Logs without patient data: one JSON line per request, JSON lines in production, and no
query string (`?q=` carries names and MRNs) in the development server's access log."""
import json
import logging
import logging.config
import re
import time
from datetime import datetime, timezone

from flask import g, request

from .config import is_production

REQUEST_LOGGER = "spravato_ops.requests"
TEXT_FORMAT = "%(asctime)s %(name)s %(message)s"
# What follows `?` in a request line, up to the next space or quote.
_QUERY = re.compile(r"\?[^\s\"]*")
# Debug logging of these would print SQL parameters (names, MRNs) and message bodies.
QUIET_LOGGERS = {"sqlalchemy": "WARNING", "apscheduler": "WARNING",
                 "alembic": "WARNING"}

log = logging.getLogger(REQUEST_LOGGER)


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, the record's `fields`."""

    def format(self, record):
        line = {"time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(),
                "level": record.levelname, "logger": record.name,
                "message": record.getMessage(), **getattr(record, "fields", {})}
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


class WithoutQueryStrings(logging.Filter):
    """Cut the query string out of the request lines the development server logs."""

    def filter(self, record):
        if isinstance(record.args, tuple):
            record.args = tuple(_QUERY.sub("", arg) if isinstance(arg, str) else arg
                                for arg in record.args)
        return True


def logging_config(formatter="json"):
    """dictConfig of a server process (gunicorn.conf.py, the scheduler): INFO and up to
    stderr, one JSON object a line ("json") or plain text ("text")."""
    formatters = {"json": {"()": JsonFormatter}, "text": {"format": TEXT_FORMAT}}
    to_stderr = {"level": "INFO", "handlers": ["stderr"], "propagate": False}
    # The application logs each request once (_log_request); gunicorn's own access line
    # would say it again, at a tenth of a request's cost.
    access_off = {**to_stderr, "level": "WARNING"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {formatter: formatters[formatter]},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": formatter,
                                "stream": "ext://sys.stderr"}},
        "root": {"level": "INFO", "handlers": ["stderr"]},
        "loggers": {"gunicorn.error": to_stderr, "gunicorn.access": access_off,
                    **{name: {"level": level} for name, level in QUIET_LOGGERS.items()}},
    }


def configure_process_logging(app):
    """Log to stderr for a process of its own (the scheduler): JSON lines in production."""
    if not logging.getLogger().handlers:
        logging.config.dictConfig(logging_config("json" if is_production(app) else "text"))


def _start_clock():
    g.request_started = time.perf_counter()


def elapsed_seconds():
    started = g.get("request_started")
    return None if started is None else time.perf_counter() - started


def endpoint_label():
    """The URL rule that matched (`/api/v1/sessions/<int:session_id>`), never the raw path."""
    return request.url_rule.rule if request.url_rule is not None else "unmatched"


def _log_request(response):
    """One line per request (the access log): method, URL rule, status, ms, request id, user
    id and the client's address; nothing else (no path, no query string)."""
    seconds = elapsed_seconds()
    user = g.get("current_user")
    log.info("request", extra={"fields": {
        "method": request.method, "rule": endpoint_label(), "status": response.status_code,
        "ms": None if seconds is None else round(seconds * 1000, 1),
        "request_id": g.get("request_id"), "user_id": getattr(user, "id", None),
        "client": request.remote_addr}})
    return response


def init_app(app):
    """Time each request from its first hook; log it after every other hook has run."""
    app.before_request(_start_clock)
    app.after_request(_log_request)
    werkzeug_log = logging.getLogger("werkzeug")
    if not any(isinstance(f, WithoutQueryStrings) for f in werkzeug_log.filters):
        werkzeug_log.addFilter(WithoutQueryStrings())
