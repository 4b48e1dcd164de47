"""Browser login: a form with CSRF protection and a session cookie."""
from ..factories import PASSWORD
from .pages import csrf_token, sent_to_login


def test_login_page_has_the_fields(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'name="email"' in page and 'name="password"' in page


def test_login_sets_a_session_and_logout_clears_it(csrf_app, make):
    client = csrf_app.test_client()
    user = make.user("nurse")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                           "csrf_token": csrf_token(client.get("/login"))})
    assert response.status_code == 302
    home = client.get("/", follow_redirects=True)
    assert home.status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token(home)})
    assert sent_to_login(client)


def test_login_without_csrf_token_is_refused(csrf_app, make):
    client = csrf_app.test_client()
    user = make.user("nurse")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert sent_to_login(client)


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
