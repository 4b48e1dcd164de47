"""The board's short cache: each worker makes a site's board at most once in
BOARD_CACHE_SECONDS of the server's clock, and answers 304 to the ETag it already gave."""
import pytest

from spravato_ops.db import get_engine
from spravato_ops.statement_count import StatementCount

from .treatment_support import API


@pytest.fixture
def app_settings():
    return {"BOARD_CACHE_SECONDS": 5}


def _board(day, **headers):
    return day.client.get(f"{API}/board", query_string={"site_id": day.site.id},
                          headers={**day.desk, **headers})


def _states(response):
    assert response.status_code == 200, response.json
    return [row["state"] for row in response.json]


def test_the_board_is_made_once_in_its_seconds_then_anew(app, day):
    day.at(-10)
    assert _states(_board(day)) == ["scheduled"]
    day.ok(day.post("/arrival", headers=day.desk), 200)
    with StatementCount(get_engine(app)) as count:
        kept = _board(day)
    assert _states(kept) == ["scheduled"]  # as made a moment ago
    assert not any("FROM sites" in query for query in count.queries)
    day.clock.tick(5)
    assert _states(_board(day)) == ["arrived"]


def test_a_clock_moved_back_makes_the_board_anew(day):
    day.at(-10)
    assert _states(_board(day)) == ["scheduled"]
    day.ok(day.post("/arrival", headers=day.desk), 200)
    day.clock.tick(-1)
    assert _states(_board(day)) == ["arrived"]


def test_a_board_that_has_not_changed_is_answered_304(day):
    day.at(-10)
    first = _board(day)
    etag = first.headers["ETag"]
    again = _board(day, **{"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    day.ok(day.post("/arrival", headers=day.desk), 200)
    day.clock.tick(5)
    changed = _board(day, **{"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert _states(changed) == ["arrived"]


def test_the_cache_keeps_no_site_from_a_user_not_assigned_to_it(day, make):
    day.at(-10)
    assert _board(day).status_code == 200
    elsewhere = make.auth_headers("front_desk", site=make.site())
    response = day.client.get(f"{API}/board", query_string={"site_id": day.site.id},
                              headers=elsewhere)
    assert response.status_code == 403
