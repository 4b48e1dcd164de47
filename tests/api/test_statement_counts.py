"""Statements per request of the hot calls, BEGIN and COMMIT included, so they cannot regress.

On PostgreSQL reads run in autocommit (db.read_engine): no BEGIN or COMMIT around them. SQLite
runs every request in one transaction (db.py takes its write lock at BEGIN), so its reads add
a BEGIN and a ROLLBACK and the token lookup of a write falls inside the write's transaction.
"""
import pytest
from psycopg._queries import MAX_CACHED_STATEMENT_LENGTH

from spravato_ops.db import get_engine, is_sqlite
from spravato_ops.models import UserSite
from spravato_ops.statement_count import StatementCount

from .treatment_support import API, CHECKLIST, at, device, observation, vitals

# Queries of a read: the token with the site check, then the view's own.
READ_BUDGETS = {"GET /patients": 2, "GET /users": 2, "GET /board": 3, "GET /record": 3,
                "GET /discharge-readiness": 2, "GET /timers": 2}
# An observation: the token lookup, then BEGIN, the session locked with its site's policy and
# time zone, its entries, the entry's INSERT, the audit INSERT, COMMIT.
WRITE_TRANSACTION, WRITE_TOTAL = 6, 7


def on_sqlite(app):
    return is_sqlite(get_engine(app).url)


def shown(count):
    """The statements, shortened, for a failure's message."""
    return [len(count.statements)] + [" ".join(s.split())[:70] for s in count.statements]


def counted(app, call):
    """Run `call` (a request); return its response and the statements it sent."""
    with StatementCount(get_engine(app)) as count:
        response = call()
    return response, count


def assert_read_within(app, count, budget):
    """At most `budget` queries; in no transaction on PostgreSQL, in one on SQLite."""
    assert len(count.queries) <= budget, shown(count)
    transactions = count.in_transactions()
    if on_sqlite(app):
        assert [(t[0], t[-1]) for t in transactions] == [("BEGIN", "ROLLBACK")], shown(count)
        assert count.total == len(count.queries) + 2
    else:
        assert count.total == len(count.queries), shown(count)


@pytest.mark.parametrize("role", ["nurse", "front_desk"])
def test_patient_search_of_30_patients_runs_two_queries(app, client, make, role):
    for _ in range(30):
        make.patient()
    headers = make.auth_headers(role)
    response, count = counted(app, lambda: client.get(f"{API}/patients",
                                                      headers=headers))
    assert response.status_code == 200 and len(response.json) == 30
    assert_read_within(app, count, READ_BUDGETS["GET /patients"])


def test_user_list_of_42_users_runs_two_queries(app, client, make, db):
    site = make.site()
    for n in range(41):
        user = make.user("nurse")
        if n % 2:
            db.add(UserSite(user_id=user.id, site_id=site.id))
    db.commit()
    headers = make.auth_headers("admin", site=site)
    response, count = counted(app, lambda: client.get(f"{API}/users", headers=headers))
    assert response.status_code == 200 and len(response.json) == 42
    assert_read_within(app, count, READ_BUDGETS["GET /users"])


def _observing_sessions(day, make, chairs="BCDEF"):
    """The day's session under observation, and one more per chair, each with its entries."""
    day.to_observing()
    for label in chairs:
        chair = make.chair(day.site, label=label)
        other = make.session(chair=chair, site=day.site, scheduled_start=at(0))
        day.sid = other.id
        day.at(-20)
        day.ok(day.post("/arrival", headers=day.desk), 200)
        day.ok(day.put("/checklist", CHECKLIST), 200)
        day.at(-5)
        day.ok(day.post("/vitals", vitals(-5, timepoint="pre_dose")))
        day.at(0)
        day.ok(day.post("/devices", device(0)))
    day.sid = day.session.id


def test_board_runs_three_queries_whatever_its_sessions(app, day, make):
    _observing_sessions(day, make)
    day.at(30)
    response, count = counted(app, lambda: day.client.get(
        f"{API}/board", query_string={"site_id": day.site.id}, headers=day.nurse))
    assert response.status_code == 200 and len(response.json) == 6
    assert_read_within(app, count, READ_BUDGETS["GET /board"])


def test_session_record_runs_three_queries_and_its_read_audit(app, day):
    day.to_observing()
    day.at(30)
    day.ok(day.post("/observations", observation(30)))
    response, count = counted(app, lambda: day.get("/record"))
    assert response.status_code == 200 and len(response.json["observations"]) == 1
    reads, audit = count.queries[:-1], count.queries[-1]
    assert len(reads) <= READ_BUDGETS["GET /record"], shown(count)
    assert audit.startswith("INSERT INTO audit_events"), shown(count)  # who read it, when
    if on_sqlite(app):
        assert count.statements[0] == "BEGIN" and count.statements[-1] == "COMMIT"
    else:
        assert count.total == len(count.queries), shown(count)  # autocommit: no transaction


@pytest.mark.parametrize("call", ["/discharge-readiness", "/timers"])
def test_readiness_and_timers_read_the_session_its_entries_and_policy_at_once(app, day, call):
    """The token, then one query: the session's entries with its planned dose and its site's
    policy (services/records.read_one_record)."""
    day.to_observing()
    day.at(30)
    day.ok(day.post("/observations", observation(30)))
    response, count = counted(app, lambda: day.get(call))
    assert response.status_code == 200, response.json
    assert_read_within(app, count, READ_BUDGETS[f"GET {call}"])


def test_the_hot_statements_fit_the_drivers_cache_of_parsed_statements(app, day):
    """psycopg parses a statement's placeholders again at every execution when it is longer
    than its cache takes: readiness, timers and an observation's statements fit."""
    day.to_observing()
    day.at(30)
    _, write = counted(app, lambda: day.post("/observations", observation(30)))
    _, readiness = counted(app, lambda: day.get("/discharge-readiness"))
    _, timers = counted(app, lambda: day.get("/timers"))
    for statement in write.statements + readiness.statements + timers.statements:
        assert len(statement) <= MAX_CACHED_STATEMENT_LENGTH, " ".join(statement.split())[:200]


def test_an_observation_is_written_in_one_short_transaction(app, day):
    day.to_observing()
    day.at(30)
    response, count = counted(app, lambda: day.post("/observations", observation(30)))
    assert response.status_code == 201, response.json
    [transaction] = count.in_transactions()
    assert (transaction[0], transaction[-1]) == ("BEGIN", "COMMIT")
    inserts = [s for s in transaction if s.lstrip().upper().startswith("INSERT")]
    assert len(inserts) == 2, shown(count)  # the entry and its audit row; no alert raised
    assert count.total <= WRITE_TOTAL, shown(count)
    if not on_sqlite(app):
        assert len(transaction) <= WRITE_TRANSACTION, shown(count)


def test_an_observation_reads_the_devices_alone_however_many_observations_came_before(
        app, day):
    """R3.2 needs the first device of the session; the observations before are not read, so
    the write reads as many rows at the third observation as at the first."""
    day.to_observing()
    rows = []
    for minute in (30, 31, 32):
        day.at(minute)
        response, count = counted(app, lambda: day.post("/observations", observation(minute)))
        assert response.status_code == 201, response.json
        [entries] = [s for s in count.statements if "device_administrations" in s]
        assert "observations" not in entries and "vitals" not in entries, entries
        rows.append(count.rows_read)
    assert rows[0] == rows[1] == rows[2], rows


def test_a_correction_reads_the_observations_and_only_the_entry_it_amends_in_full(app, day):
    day.to_observing()
    day.at(30)
    first = day.ok(day.post("/observations", observation(30)))
    day.at(31)
    body = observation(30, moaas=4, amends=first["id"], reason="Scored the wrong patient.")
    response, count = counted(app, lambda: day.post("/observations", body))
    assert response.status_code == 201, response.json
    assert count.total <= WRITE_TOTAL + 1, shown(count)
    [entries] = [s for s in count.statements if "device_administrations" in s]
    assert "FROM observations" in entries, entries  # to refuse a second correction of one
    day.at(32)
    again = day.post("/observations", {**body, "reason": "Again."})
    assert again.status_code == 409 and "already_amended" in str(again.json), again.json
