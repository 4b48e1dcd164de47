"""Prometheus metrics at /metrics: request latency per URL rule and status, reminders by
status, open staff alerts per site, database connections in use.

Under gunicorn every worker writes its samples to files in PROMETHEUS_MULTIPROC_DIR
(gunicorn.conf.py sets it) and a scrape merges them; reminders and alerts are counted in
the database at the scrape, so they are the same whichever worker or scheduler acted.
"""
import hmac
import ipaddress
import os

from flask import Blueprint, Response, abort, current_app, request
from prometheus_client import (
    CONTENT_TYPE_LATEST, CollectorRegistry, Gauge, Histogram, generate_latest, multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Unauthorized

from .db import READ_ENGINE_KEY
from .logs import elapsed_seconds, endpoint_label
from .services.gauges import open_alerts_by_site, reminders_by_status

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

bp = Blueprint("metrics", __name__)
# This process's own metrics (in multiprocess mode their values live in the files).
PROCESS = CollectorRegistry()
REQUEST_SECONDS = Histogram(
    "spravato_http_request_duration_seconds",
    "Time to answer a request (a stream: until it starts), by URL rule, method and status.",
    ["endpoint", "method", "status"], registry=PROCESS)
POOL_IN_USE = Gauge(
    "spravato_db_pool_connections_in_use",
    "Database connections the web processes have checked out of their pools.",
    multiprocess_mode="livesum", registry=PROCESS)


class DatabaseCounts:
    """Gauges counted in the database at each scrape: reminders by status, open alerts."""

    def __init__(self, engine):
        self.engine = engine

    def collect(self):
        up = GaugeMetricFamily("spravato_metrics_database_up",
                               "1 when the scrape could count reminders and alerts.")
        reminders = GaugeMetricFamily("spravato_reminders", "Patient reminders by status.",
                                      labels=["status"])
        alerts = GaugeMetricFamily("spravato_open_alerts", "Open staff alerts per site.",
                                   labels=["site_id"])
        try:
            with Session(self.engine) as session:
                for status, count in sorted(reminders_by_status(session).items()):
                    reminders.add_metric([status], count)
                for site_id, count in sorted(open_alerts_by_site(session).items()):
                    alerts.add_metric([str(site_id)], count)
            up.add_metric([], 1)
        except SQLAlchemyError:
            up.add_metric([], 0)
            yield up
            return
        yield from (up, reminders, alerts)


def watch_pool(engine):
    """Count the engine's connections in use in POOL_IN_USE."""
    event.listen(engine, "checkout", lambda *_: POOL_IN_USE.inc())
    event.listen(engine, "checkin", lambda *_: POOL_IN_USE.dec())


def _observe(response):
    seconds = elapsed_seconds()
    if seconds is not None:
        method = request.method if request.method in METHODS else "other"
        REQUEST_SECONDS.labels(endpoint_label(), method, str(response.status_code)).observe(
            seconds)
    return response


def _is_loopback(address):
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return ip.is_loopback or bool(getattr(ip, "ipv4_mapped", None) and ip.ipv4_mapped.is_loopback)


def _refuse_unless_allowed():
    """With METRICS_TOKEN: its bearer only; without: callers on this machine only."""
    token = current_app.config.get("METRICS_TOKEN")
    if not token:
        if not _is_loopback(request.remote_addr):
            abort(403, "Metrics are served to this machine only (or set SPRAVATO_METRICS_TOKEN).")
        return
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(),
                                                             str(token).encode()):
        raise Unauthorized("The metrics token is required.",
                           www_authenticate=WWWAuthenticate("Bearer"))


def scrape_registry(engine):
    registry = CollectorRegistry()
    if os.environ.get(MULTIPROCESS_DIR):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(PROCESS)
    registry.register(DatabaseCounts(engine))
    return registry


@bp.get("/metrics")
def metrics():
    """The Prometheus text exposition of every metric."""
    _refuse_unless_allowed()
    registry = scrape_registry(current_app.extensions[READ_ENGINE_KEY])
    return Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)


def init_app(app):
    app.after_request(_observe)
    app.register_blueprint(bp)
