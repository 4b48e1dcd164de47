"""One JSON line per request (method, URL rule, status, ms, request id, user id, client
address; nothing of the request itself), and the development server's access log without
query strings."""
import json
import logging
import threading
import urllib.request

import pytest
from werkzeug.serving import make_server

from spravato_ops.logs import REQUEST_LOGGER, JsonFormatter, logging_config

from .factories import PASSWORD

LINE_FIELDS = {"time", "level", "logger", "message", "method", "rule", "status", "ms",
               "request_id", "user_id", "client"}


@pytest.fixture
def request_lines(caplog):
    """request_lines() -> the JSON request lines logged so far, parsed."""
    caplog.set_level(logging.INFO, logger=REQUEST_LOGGER)

    def lines():
        return [json.loads(JsonFormatter().format(record)) for record in caplog.records
                if record.name == REQUEST_LOGGER]

    return lines


def test_one_line_per_request_with_its_rule_status_and_user(client, make, request_lines):
    nurse = make.user("nurse")
    headers = {"Authorization": f"Bearer {make.token(nurse)}", "X-Request-ID": "desk-7:42"}
    response = client.get("/api/v1/sessions/4242?site_id=1", headers=headers)
    assert response.status_code == 404 and response.headers["X-Request-ID"] == "desk-7:42"
    [line] = request_lines()
    assert set(line) == LINE_FIELDS
    assert (line["method"], line["rule"], line["status"]) == (
        "GET", "/api/v1/sessions/<int:session_id>", 404)
    assert (line["request_id"], line["user_id"]) == ("desk-7:42", nurse.id)
    assert isinstance(line["ms"], float) and line["ms"] >= 0


def test_refused_and_unmatched_requests_are_logged_too(client, request_lines):
    client.get("/api/v1/patients?q=Lopez")
    client.get("/no-such-page?q=Lopez")
    refused, unmatched = request_lines()
    assert (refused["rule"], refused["status"], refused["user_id"]) == ("/api/v1/patients", 401,
                                                                        None)
    assert (unmatched["rule"], unmatched["status"]) == ("unmatched", 404)
    assert refused["request_id"] != unmatched["request_id"]  # each given one
    assert "Lopez" not in json.dumps([refused, unmatched])


def test_a_page_request_names_its_logged_in_user(client, make, request_lines):
    user = make.user("nurse")
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert client.get("/nurse").status_code == 200
    assert request_lines()[-1]["user_id"] == user.id


def test_the_development_server_logs_no_query_string(app, caplog):
    """`make run` and `flask run` serve through werkzeug, whose access log has the request line."""
    caplog.set_level(logging.INFO, logger="werkzeug")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.port}/login?q=Marblethwaite&next=%2Fpatients"
        with urllib.request.urlopen(url) as response:
            assert response.status == 200
    finally:
        server.shutdown()
        thread.join()
    [line] = [record.getMessage() for record in caplog.records if record.name == "werkzeug"]
    assert '"GET /login HTTP/1.1" 200' in line
    assert "Marblethwaite" not in line and "?" not in line


def test_server_processes_log_json_and_keep_sql_quiet():
    config = logging_config()
    assert config["root"]["level"] == "INFO"
    assert config["loggers"]["sqlalchemy"]["level"] == "WARNING"  # its INFO prints SQL
    record = logging.LogRecord("scheduler", logging.INFO, __file__, 1, "job=%s sent=%d",
                               ("dispatch-reminders", 3), None)
    line = json.loads(JsonFormatter().format(record))
    assert (line["logger"], line["message"]) == ("scheduler", "job=dispatch-reminders sent=3")
