"""A web worker keeps the tokens it has looked up (auth.TokenCache) while the access revision
stands: a request with a kept token reads the revision alone, and any change to tokens,
users or their sites, by the service or by plain SQL, moves the revision and is honoured
by the very next request."""
import threading

import pytest
from sqlalchemy import text

from spravato_ops.clock import utcnow
from spravato_ops.db import get_engine, is_sqlite
from spravato_ops.revision_read import REVISION_SQL
from spravato_ops.statement_count import StatementCount

from .test_users import API, bearer


def _statements(app, call):
    with StatementCount(get_engine(app)) as count:
        response = call()
    return response, count.queries


def _me(client, token):
    return client.get(f"{API}/users/me", headers=bearer(token))


def test_a_kept_token_costs_one_short_statement(app, client, make):
    token = make.token(make.user("nurse"))
    first, looked_up = _statements(app, lambda: _me(client, token))
    again, kept = _statements(app, lambda: _me(client, token))
    assert first.status_code == again.status_code == 200
    assert any("FROM api_tokens" in query for query in looked_up)
    assert not any("FROM api_tokens" in query for query in kept)
    if is_sqlite(get_engine(app).url):  # inside the request's own transaction
        assert REVISION_SQL in kept


@pytest.mark.postgres_only
def test_on_postgresql_the_revision_is_read_on_a_connection_held_open_for_it(app, client, make):
    """No session, pool checkout or reset around it: the server sees the statement arrive on
    one backend of the worker's own, the same one each time, and the request's engine runs
    nothing for the token."""
    token = make.token(make.user("nurse"))
    assert _me(client, token).status_code == 200
    before = _revision_backends(app)
    again, kept = _statements(app, lambda: _me(client, token))
    assert again.status_code == 200
    assert REVISION_SQL not in kept and not any("FROM api_tokens" in query for query in kept)
    after = _revision_backends(app)
    read_again = [pid for pid, read_at in after.items() if pid in before and read_at > before[pid]]
    assert len(read_again) == 1, (before, after)


@pytest.mark.postgres_only
def test_a_revision_connection_the_server_ended_is_replaced_without_failing_a_request(
        app, client, make):
    token = make.token(make.user("nurse"))
    assert _me(client, token).status_code == 200
    ended = _revision_backends(app)
    with get_engine(app).connect() as connection:
        for pid in ended:
            connection.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})
    assert _me(client, token).status_code == 200  # read through the request's session
    assert _me(client, token).status_code == 200  # on a connection opened anew
    assert set(_revision_backends(app)) - set(ended)


def _revision_backends(app):
    """{backend pid: when its latest statement began} of the backends whose latest statement
    was the revision read."""
    with get_engine(app).connect() as connection:
        return dict(connection.execute(text(
            "SELECT pid, query_start FROM pg_stat_activity WHERE datname = current_database() "
            "AND query = :sql AND pid <> pg_backend_pid()"), {"sql": REVISION_SQL}).all())


def _sql(app, statement, **params):
    with get_engine(app).begin() as connection:
        connection.execute(text(statement), params)


def test_a_token_revoked_in_plain_sql_is_refused_by_the_next_request(app, client, make):
    token = make.token(make.user("nurse"))
    assert _me(client, token).status_code == 200
    _sql(app, "UPDATE api_tokens SET revoked_at = :now", now=utcnow())
    assert _me(client, token).status_code == 401


def test_a_user_deactivated_in_plain_sql_is_refused_by_the_next_request(app, client, make):
    nurse = make.user("nurse")
    token = make.token(nurse)
    assert _me(client, token).status_code == 200
    _sql(app, "UPDATE users SET active = false WHERE id = :id", id=nurse.id)
    assert _me(client, token).status_code == 401


def test_a_site_assignment_removed_in_plain_sql_is_honoured_at_once(app, client, make):
    site, other = make.site(), make.site()
    nurse = make.user("nurse", site=site)
    token = make.token(nurse)
    board = f"{API}/board?site_id={site.id}"
    assert client.get(board, headers=bearer(token)).status_code == 200
    _sql(app, "UPDATE user_sites SET site_id = :other WHERE user_id = :id", other=other.id,
         id=nurse.id)
    assert client.get(board, headers=bearer(token)).status_code == 403


def test_a_kept_token_expires_by_the_clock(app, client, make, clock):
    token = make.token(make.user("nurse"))
    assert _me(client, token).status_code == 200
    clock.tick(13 * 3600)  # past the token's 12 hours
    assert _me(client, token).status_code == 401


def test_a_request_for_a_record_that_does_not_exist_yet_is_not_kept(app, client, make):
    site, other = make.site(), make.site()
    token = make.token(make.user("nurse", site=site))
    missing = 1_000_000
    assert client.get(f"{API}/board?site_id={missing}", headers=bearer(token)).status_code == 404
    _sql(app, "UPDATE sites SET id = :missing WHERE id = :id", missing=missing, id=other.id)
    # The site now exists, and the nurse is not assigned to it.
    assert client.get(f"{API}/board?site_id={missing}", headers=bearer(token)).status_code == 403


def test_revoking_while_requests_run_stops_the_token_for_every_later_request(app, make):
    """Four threads call with one token while the token is revoked: every call that starts
    after the revocation committed is refused."""
    token = make.token(make.user("nurse"))
    revoked_at = []
    late_answers, stop = [], threading.Event()

    def call():
        client = app.test_client()
        while not stop.is_set():
            started = utcnow()
            status = _me(client, token).status_code
            if revoked_at and started > revoked_at[0]:
                late_answers.append(status)

    threads = [threading.Thread(target=call) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        _sql(app, "UPDATE api_tokens SET revoked_at = :now", now=utcnow())
        revoked_at.append(utcnow())
        while len(late_answers) < 40:
            threading.Event().wait(0.01)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert set(late_answers) == {401}


def test_without_the_counters_row_tokens_work_and_none_is_kept(app, client, make):
    token = make.token(make.user("nurse"))
    _sql(app, "DELETE FROM access_revision")
    assert _me(client, token).status_code == 200
    _sql(app, "UPDATE api_tokens SET revoked_at = :now", now=utcnow())
    assert _me(client, token).status_code == 401
    _sql(app, "INSERT INTO access_revision (id, revision) VALUES (1, 0)")
