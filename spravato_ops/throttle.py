"""Throttle failed logins per account and per client address (Flask-Limiter).

`POST /api/v1/auth/tokens` and `POST /login` share both limits, so an attacker gains nothing
by switching between them. Only failures (401) count; once an account or an address has
reached its limit, every login for it answers 429 with Retry-After, the right password
included, until the oldest failure leaves the window.

A wrong current password given to change one's own password (`POST /api/v1/users/me/password`)
counts as a failed login of that account: a stolen session cannot try passwords there either.
"""
from flask import g, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

LOGIN_ENDPOINTS = ("auth.create_token", "web.login")
PASSWORD_CHANGE_ENDPOINT = "users.change_own_password"
# Long enough for any email the users table holds (254); longer input is not an account.
_MAX_ACCOUNT_KEY = 254


def login_account():
    """Return the normalised email a login attempt names ('' when none: not counted)."""
    if request.is_json:
        body = request.get_json(silent=True)
        email = body.get("email") if isinstance(body, dict) else None
    else:
        email = request.form.get("email")
    return _account_key(email) if isinstance(email, str) else ""


def _account_key(email):
    return email.strip().lower()[:_MAX_ACCOUNT_KEY]


def failed_login(response):
    return response.status_code == 401


def own_account():
    """The normalised email of the logged-in user changing their password."""
    user = g.get("current_user")
    return _account_key(user.email) if user is not None else ""


def wrong_current_password(response):
    body = response.get_json(silent=True) if response.status_code == 422 else None
    return isinstance(body, dict) and "current_password" in (body.get("errors") or {})


def _login_limits(limiter, app):
    """The two limits, shared by every login endpoint; only POST is counted."""
    message = "Too many failed logins. Try again later."
    common = dict(methods=["POST"], deduct_when=failed_login, error_message=message)
    per_account = limiter.shared_limit(app.config["LOGIN_FAILURES_PER_ACCOUNT"],
                                       scope="login-account", key_func=login_account, **common)
    per_address = limiter.shared_limit(app.config["LOGIN_FAILURES_PER_ADDRESS"],
                                       scope="login-address", key_func=get_remote_address,
                                       **common)
    return per_account, per_address


def init_app(app):
    """Wrap the login views in the limits; a limiter of this app's own keeps its storage."""
    limiter = Limiter(key_func=get_remote_address, app=app)
    if not limiter.enabled:
        return
    # No other request has limits: spare each of them the limiter's look at it.
    limited = (*LOGIN_ENDPOINTS, PASSWORD_CHANGE_ENDPOINT)
    limiter.request_filter(lambda: request.endpoint not in limited)
    per_account, per_address = _login_limits(limiter, app)
    for endpoint in LOGIN_ENDPOINTS:
        app.view_functions[endpoint] = per_account(per_address(app.view_functions[endpoint]))
    own = limiter.shared_limit(app.config["LOGIN_FAILURES_PER_ACCOUNT"], scope="login-account",
                               key_func=own_account, methods=["POST"],
                               deduct_when=wrong_current_password,
                               error_message="Too many wrong passwords. Try again later.")
    view = app.view_functions[PASSWORD_CHANGE_ENDPOINT]
    app.view_functions[PASSWORD_CHANGE_ENDPOINT] = own(view)
