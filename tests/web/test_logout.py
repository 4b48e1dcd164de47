"""Logout: a POST with CSRF that ends the browser session for good."""
from datetime import timedelta

from flask_login.utils import encode_cookie
from freezegun import freeze_time
from sqlmodel import select

from spravato_ops.clock import utcnow
from spravato_ops.models import ApiToken, AuditEvent

from ..factories import PASSWORD
from ..readback import rows
from .pages import csrf_token, sent_to_login


def _home(client):
    """The page a logged-in user lands on (the home page may send a role on to its own)."""
    return client.get("/", follow_redirects=True)


def _log_out(client):
    return client.post("/logout", data={"csrf_token": csrf_token(_home(client))})


def test_pages_offer_logout_as_a_form_with_the_csrf_token(logged_in):
    page = _home(logged_in).get_data(as_text=True)
    assert '<form class="logout" method="post" action="/logout">' in page
    assert 'name="csrf_token"' in page
    assert 'href="/logout"' not in page


def test_get_logout_is_not_allowed_and_logs_nobody_out(logged_in):
    response = logged_in.get("/logout")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"] and "GET" not in response.headers["Allow"]
    assert _home(logged_in).status_code == 200


def test_logout_without_the_csrf_token_is_refused(logged_in):
    assert logged_in.post("/logout").status_code == 400
    assert _home(logged_in).status_code == 200


def test_logout_redirects_to_login_and_revokes_the_session_token(logged_in, db):
    response = _log_out(logged_in)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    [token] = rows(db, select(ApiToken))
    assert token.revoked_at is not None
    assert [e.action for e in rows(db, select(AuditEvent))] == ["login", "token_revoked"]
    assert sent_to_login(logged_in)


def test_the_old_session_cookie_does_not_log_in_after_logout(logged_in, csrf_app):
    old_cookie = logged_in.get_cookie("session").value
    response = _log_out(logged_in)
    assert "session=;" in response.headers["Set-Cookie"]  # the browser drops it

    replay = csrf_app.test_client()
    replay.set_cookie("session", old_cookie)
    assert sent_to_login(replay)


def test_logout_deletes_the_remember_me_cookie(logged_in):
    logged_in.set_cookie("remember_token", "anything")
    response = _log_out(logged_in)
    deleted = [c for c in response.headers.getlist("Set-Cookie")
               if c.startswith("remember_token=;")]
    assert deleted and "Expires=Thu, 01 Jan 1970" in deleted[0]


def test_a_remember_me_cookie_alone_does_not_log_in(csrf_app, make):
    user = make.user("nurse")
    client = csrf_app.test_client()
    with csrf_app.app_context():
        client.set_cookie("remember_token", encode_cookie(user.get_id()))
    assert sent_to_login(client)


def test_the_browser_session_ends_with_its_token(csrf_app, make):
    user = make.user("nurse")
    client = csrf_app.test_client()
    with freeze_time(utcnow()) as clock:
        client.post("/login", data={"email": user.email, "password": PASSWORD,
                                    "csrf_token": csrf_token(client.get("/login"))})
        assert not sent_to_login(client)
        clock.tick(timedelta(hours=csrf_app.config["TOKEN_TTL_HOURS"], seconds=1))
        assert sent_to_login(client)


def test_logout_without_a_session_just_goes_to_login(csrf_app):
    client = csrf_app.test_client()
    response = client.post("/logout", data={"csrf_token": csrf_token(client.get("/login"))})
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
