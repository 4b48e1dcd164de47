"""Security headers on every response, Secure cookies over TLS, and trusted reverse proxies."""
from flask import current_app, has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix


def _policy(directives):
    return "; ".join(f"{name} {value}" for name, value in directives.items())


PAGE_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
}
PAGE_POLICY = _policy(PAGE_DIRECTIVES)
# Swagger UI styles its elements inline and draws its icons from data: URIs; its script, the
# bundle and our init file, still comes only from this service.
DOCS_POLICY = _policy({**PAGE_DIRECTIVES, "style-src": "'self' 'unsafe-inline'",
                       "img-src": "'self' data:"})
DOCS_PAGE = "api-docs.openapi_swagger_ui"
# Files that hold no patient data and may be cached by the browser.
STATIC_ENDPOINTS = frozenset({"static", "web.static", "docs_assets"})
FIXED_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class TLSAwareSessionInterface(SecureCookieSessionInterface):
    """Mark the session cookie Secure whenever the request came over TLS."""

    def get_cookie_secure(self, app):
        return super().get_cookie_secure(app) or (has_request_context() and request.is_secure)


def add_security_headers(response):
    """Set the CSP, framing, sniffing and referrer headers; no-store on all but static files;
    HSTS over TLS."""
    response.headers["Content-Security-Policy"] = (
        DOCS_POLICY if request.endpoint == DOCS_PAGE else PAGE_POLICY)
    response.headers.update(FIXED_HEADERS)
    if request.endpoint not in STATIC_ENDPOINTS:
        response.headers["Cache-Control"] = "no-store"
    if request.is_secure:
        max_age = int(current_app.config["HSTS_MAX_AGE"])
        response.headers["Strict-Transport-Security"] = f"max-age={max_age}; includeSubDomains"
    return response


def init_app(app):
    """Trust the configured proxies, make cookies Secure over TLS, add the headers."""
    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    if app.config["PREFERRED_URL_SCHEME"] == "https":
        app.config["SESSION_COOKIE_SECURE"] = app.config["REMEMBER_COOKIE_SECURE"] = True
    app.session_interface = TLSAwareSessionInterface()
    app.after_request(add_security_headers)
