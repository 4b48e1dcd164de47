"""Prometheus metrics at /metrics: request latency per URL rule and status, reminders by
status and open alerts per site counted at the scrape, connections in use; loopback or a
bearer token only."""
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import insert

from spravato_ops.clock import utcnow
from spravato_ops.db import READ_ENGINE_KEY, get_engine, make_engine
from spravato_ops.models import StaffAlert

from .scheduler.conftest import add_due

SESSION_RULE = "/api/v1/sessions/<int:session_id>"
REMOTE = {"REMOTE_ADDR": "192.0.2.10"}


def scrape(client, **kwargs):
    """{(sample name, sorted labels): value} of one scrape."""
    response = client.get("/metrics", **kwargs)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.content_type.startswith("text/plain; version=")
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(response.get_data(as_text=True))
            for sample in family.samples}


def requests_counted(samples, endpoint, status, method="GET"):
    labels = (("endpoint", endpoint), ("method", method), ("status", str(status)))
    return samples.get(("spravato_http_request_duration_seconds_count", labels), 0)


def test_latency_is_counted_per_url_rule_and_status(client, auth, make):
    headers = auth("nurse")
    session_id = make.session().id
    before = scrape(client)
    for path in (f"/api/v1/sessions/{session_id}", f"/api/v1/sessions/{session_id}",
                 "/api/v1/sessions/424242"):
        client.get(path, headers=headers)
    client.get(f"/api/v1/sessions/{session_id}")  # no token
    after = scrape(client)
    assert requests_counted(after, SESSION_RULE, 200) - requests_counted(before, SESSION_RULE,
                                                                         200) == 2
    assert requests_counted(after, SESSION_RULE, 404) - requests_counted(before, SESSION_RULE,
                                                                         404) == 1
    assert requests_counted(after, SESSION_RULE, 401) - requests_counted(before, SESSION_RULE,
                                                                         401) == 1
    endpoints = {dict(labels)["endpoint"] for name, labels in after
                 if name.startswith("spravato_http_request_duration_seconds")}
    assert SESSION_RULE in endpoints  # the rule, never the raw paths with their ids
    assert not endpoints & {f"/api/v1/sessions/{session_id}", "/api/v1/sessions/424242"}


def test_a_path_no_rule_matches_is_one_label(client):
    before = scrape(client)
    for n in range(3):
        client.get(f"/no-such-page-{n}")
    assert requests_counted(scrape(client), "unmatched", 404) - requests_counted(
        before, "unmatched", 404) == 3


def test_reminders_by_status_are_counted_in_the_database(client, db, make):
    treatment_session = make.session(scheduled_start=utcnow())
    add_due(db, treatment_session, 3, status="sent")
    add_due(db, treatment_session, 1, first=3, status="failed")
    add_due(db, treatment_session, 2, first=4)
    samples = scrape(client)
    counted = {dict(labels)["status"]: value for (name, labels), value in samples.items()
               if name == "spravato_reminders"}
    assert counted == {"sent": 3, "failed": 1, "pending": 2}


def _alerts(db, site, *states):
    now = utcnow()
    rows = [dict(site_id=site.id, kind="test", message="an alert", dedupe_key=f"{site.id}:{n}",
                 raised_at=now, acknowledged_at=now if state == "acknowledged" else None,
                 resolved_at=now if state == "resolved" else None)
            for n, state in enumerate(states)]
    db.connection().execute(insert(StaffAlert.__table__), rows)
    db.commit()


def test_open_alerts_per_site_every_site_listed(client, db, make):
    busy, quiet = make.site(), make.site()
    _alerts(db, busy, "open", "open", "acknowledged", "resolved")
    _alerts(db, quiet, "resolved")
    samples = scrape(client)
    assert samples[("spravato_open_alerts", (("site_id", str(busy.id)),))] == 2
    assert samples[("spravato_open_alerts", (("site_id", str(quiet.id)),))] == 0
    assert samples[("spravato_metrics_database_up", ())] == 1


def test_connections_in_use_are_counted(app, client):
    gauge = ("spravato_db_pool_connections_in_use", ())
    before = scrape(client)[gauge]
    with get_engine(app).connect():
        assert scrape(client)[gauge] == before + 1
    assert scrape(client)[gauge] == before


def test_metrics_are_served_to_loopback_only(client):
    assert client.get("/metrics").status_code == 200
    refused = client.get("/metrics", environ_base=REMOTE)
    assert refused.status_code == 403
    assert "spravato_" not in refused.get_data(as_text=True)
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200


@pytest.mark.parametrize("app_settings", [{"METRICS_TOKEN": "scrape-" + "s" * 32}])
def test_with_a_token_only_its_bearer_reads_metrics(client, app_settings):
    token = app_settings["METRICS_TOKEN"]
    assert client.get("/metrics").status_code == 401  # loopback no longer suffices
    wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and wrong.headers["WWW-Authenticate"] == "Bearer"
    assert scrape(client, headers={"Authorization": f"Bearer {token}"}, environ_base=REMOTE)


def test_metrics_answer_with_the_database_down(app, client, monkeypatch):
    client.get("/healthz")
    unreachable = make_engine("sqlite:////nonexistent-directory/spravato.sqlite")
    monkeypatch.setitem(app.extensions, READ_ENGINE_KEY, unreachable)
    samples = scrape(client)
    assert samples[("spravato_metrics_database_up", ())] == 0
    assert requests_counted(samples, "/healthz", 200) >= 1
