"""Throttle failed logins per account and per client address (Flask-Limiter).

`POST /api/v1/auth/tokens` and `POST /login` share both limits, so an attacker gains nothing
by switching between them. Only failures (401) count; once an account or an address has
reached its limit, every login for it answers 429 with Retry-After, the right password
included, until the oldest failure leaves the window.
"""
from flask import request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

LOGIN_ENDPOINTS = ("auth.create_token", "web.login")
# Long enough for any email the users table holds (254); longer input is not an account.
_MAX_ACCOUNT_KEY = 254


def login_account():
    """Return the normalised email a login attempt names ('' when none: not counted)."""
    if request.is_json:
        body = request.get_json(silent=True)
        email = body.get("email") if isinstance(body, dict) else None
    else:
        email = request.form.get("email")
    return email.strip().lower()[:_MAX_ACCOUNT_KEY] if isinstance(email, str) else ""


def failed_login(response):
    return response.status_code == 401


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
    limiter.request_filter(lambda: request.endpoint not in LOGIN_ENDPOINTS)
    per_account, per_address = _login_limits(limiter, app)
    for endpoint in LOGIN_ENDPOINTS:
        app.view_functions[endpoint] = per_account(per_address(app.view_functions[endpoint]))
