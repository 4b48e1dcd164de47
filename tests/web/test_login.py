"""Browser login: a form with CSRF protection and a session cookie."""
import re

import pytest

from ..factories import PASSWORD


@pytest.fixture
def csrf_app(app):
    """The same application and database, with CSRF enforced as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app


def _csrf_token(page):
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_login_page_has_the_fields(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'name="email"' in page and 'name="password"' in page


def test_login_sets_a_session_and_logout_clears_it(csrf_app, make):
    client = csrf_app.test_client()
    user = make.user("nurse")
    token = _csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    client.get("/logout")
    assert client.get("/").status_code == 302


def test_login_without_csrf_token_is_refused(csrf_app, make):
    client = csrf_app.test_client()
    user = make.user("nurse")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_wrong_password_stays_on_the_form(client, make):
    user = make.user("nurse")
    response = client.post("/login", data={"email": user.email, "password": "wrong password"})
    assert response.status_code == 401
    assert "not correct" in response.get_data(as_text=True)


def test_redirect_after_login_stays_on_this_site(client, make):
    user = make.user("nurse")
    response = client.post("/login?next=//evil.example/x",
                           data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/"
