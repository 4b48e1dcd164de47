"""A browser session left idle longer than BROWSER_IDLE_MINUTES ends (shared tablets): the
next page goes to the login, the API answers 401; the pages' own refreshes (X-Background)
do not keep it alive, a person's request does."""
from datetime import timedelta

from freezegun import freeze_time

from spravato_ops.clock import utcnow

from .pages import client_log_in


def test_an_idle_browser_session_ends_and_background_refreshes_do_not_keep_it(client, make):
    nurse = make.user("nurse")
    start = utcnow()
    with freeze_time(start) as clock:
        client_log_in(client, nurse)
        clock.tick(timedelta(minutes=10))
        assert client.get("/nurse").status_code == 200  # a person looked: the clock restarts
        for _ in range(3):  # refreshes at 4, 8 and 12 minutes: the session still lives
            clock.tick(timedelta(minutes=4))
            assert client.get("/api/v1/users/me", headers={"X-Background": "1"}).status_code == 200
        clock.tick(timedelta(minutes=4))  # 16 minutes since the person's last request
        assert client.get("/api/v1/users/me").status_code == 401
        assert client.get("/nurse").headers["Location"].startswith("/login?next=")


def test_the_idle_limit_can_be_lifted(app, client, make):
    app.config["BROWSER_IDLE_MINUTES"] = 0
    with freeze_time(utcnow()) as clock:
        client_log_in(client, make.user("nurse"))
        clock.tick(timedelta(hours=3))
        assert client.get("/nurse").status_code == 200
