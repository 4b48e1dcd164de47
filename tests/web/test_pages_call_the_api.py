"""Pages call the JSON API with the browser session: reads as the user, writes with CSRF."""
import re

import pytest

from ..factories import PASSWORD


@pytest.fixture
def csrf_app(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield app
    app.config["WTF_CSRF_ENABLED"] = False


def _logged_in(app, user):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302
    return client, token


def test_a_logged_in_page_reads_the_api_as_its_user(csrf_app, make):
    site = make.site()
    client, _ = _logged_in(csrf_app, make.user("front_desk"))
    assert client.get(f"/api/v1/board?site_id={site.id}").status_code == 200
    assert client.get("/api/v1/users/me").get_json()["role"] == "front_desk"


def test_the_role_matrix_applies_to_page_requests_too(csrf_app, make):
    client, _ = _logged_in(csrf_app, make.user("front_desk"))
    assert client.get("/api/v1/audit").status_code == 403


def test_a_page_write_needs_the_csrf_token(csrf_app, make):
    session = make.session()
    client, token = _logged_in(csrf_app, make.user("nurse"))
    url = f"/api/v1/sessions/{session.id}/arrival"
    refused = client.post(url, json={})
    assert refused.status_code == 400 and "CSRF" in refused.get_json()["message"]
    assert client.post(url, json={}, headers={"X-CSRFToken": token}).status_code == 200


def test_without_a_login_or_a_token_the_api_answers_401(client):
    assert client.get("/api/v1/users/me").status_code == 401
