"""Alert streams take a slot each of ALERT_STREAM_SLOTS (a server thread for up to a minute);
with every slot taken a tablet is told to come back (503, Retry-After), and the slot comes
back when its stream ends, so streams never take the threads the API needs."""
import pytest

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
