"""Alert streams take a slot each of ALERT_STREAM_SLOTS (a server thread for up to a minute);
with every slot taken a tablet is told to come back (503, Retry-After), and the slot comes
back when its stream ends, so streams never take the threads the API needs. The streams of a
site share their polls."""
import pytest

from spravato_ops.api.alerts import stream_events
from spravato_ops.clock import utcnow
from spravato_ops.db import get_engine
from spravato_ops.models import StaffAlert
from spravato_ops.short_cache import ShortCache
from spravato_ops.statement_count import StatementCount

from .treatment_support import API


@pytest.fixture
def app_settings():
    return {"ALERT_STREAM_SLOTS": 2, "ALERT_STREAM_POLL_SECONDS": 0}


def _stream(client, site, headers):
    return client.get(f"{API}/alerts/stream", query_string={"site_id": site.id, "timeout": 1},
                      headers=headers, buffered=False)


def test_streams_past_the_slots_are_told_to_come_back_and_slots_come_back(client, make):
    site = make.site()
    nurse = make.auth_headers("nurse", site=site)
    first, second = _stream(client, site, nurse), _stream(client, site, nurse)
    assert first.status_code == second.status_code == 200
    busy = _stream(client, site, nurse)
    assert busy.status_code == 503
    assert busy.headers["Retry-After"] == "5"
    assert "reconnect" in busy.json["message"]
    assert client.get(f"{API}/alerts", query_string={"site_id": site.id},
                      headers=nurse).status_code == 200  # the API is not held up
    assert b"retry:" in b"".join(first.response)  # the first stream runs to its end...
    first.close()
    again = _stream(client, site, nurse)  # ...and its slot is free again
    assert again.status_code == 200
    for response in (second, again):
        response.close()


def test_the_streams_of_a_site_share_each_read_of_its_open_alerts(app, db, make):
    """Many tablets' streams of one site read the open alerts once per
    ALERT_STREAM_SHARED_SECONDS between them, and each still gets only what is new to it."""
    site = make.site()
    alert = StaffAlert(site_id=site.id, kind="overdue_observation", message="Chair A is due",
                       dedupe_key="test-shared", raised_at=utcnow())
    db.add(alert)
    db.commit()
    engine = get_engine(app)
    shared = ShortCache(60)
    with StatementCount(engine) as count:
        streams = [list(stream_events(engine, site.id, None, 1, 0, shared=shared))
                   for _ in range(5)]
    assert len([q for q in count.queries if "FROM staff_alerts" in q]) == 1
    assert all(stream == streams[0] for stream in streams)
    assert f"id: {alert.id}\n" in streams[0][1]
    resumed = list(stream_events(engine, site.id, alert.id, 1, 0, shared=shared))
    assert resumed[1:] == [": keep-alive\n\n"]  # nothing after the alert it had
