"""Reading pages in tests."""
import re

from ..factories import PASSWORD

_CSRF_FIELD = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def csrf_token(response):
    """Return the first CSRF token a page carries (the login form, the logout button)."""
    return _CSRF_FIELD.search(response.get_data(as_text=True)).group(1)


def sent_to_login(client):
    """Whether the home page sends this client to the login form (no live browser session)."""
    response = client.get("/")
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


def client_log_in(client, user):
    """Log `user` in through the login form on a test client; return the client."""
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client
