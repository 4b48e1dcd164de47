"""Every response carries the security headers; patient data is never cached; TLS adds HSTS
and Secure cookies."""
import re

import pytest

from spravato_ops.security import DOCS_POLICY, PAGE_POLICY, STATIC_ENDPOINTS

from .factories import PASSWORD

# A file each static route really serves, so that the walk sees a 200 for them too.
STATIC_FILES = {"web.static": "site.css", "docs_assets": "swagger-ui.css", "static": "none.txt"}
FIXED = {"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff",
         "Referrer-Policy": "no-referrer"}


def _path(rule):
    """Fill a URL rule's variables: id 1, or the static file of that route."""
    filename = STATIC_FILES.get(rule.endpoint, "x")
    return re.sub(r"<(?:(\w+):)?\w+>",
                  lambda m: filename if m.group(1) == "path" else "1", rule.rule)


def _directives(policy):
    return dict(directive.strip().split(" ", 1) for directive in policy.split(";"))


def _every_route(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def _assert_secured(response, endpoint):
    for name, value in FIXED.items():
        assert response.headers.get(name) == value, (endpoint, name)
    policy = _directives(response.headers["Content-Security-Policy"])
    assert policy["script-src"] == "'self'", endpoint  # no inline script anywhere
    assert (policy["frame-ancestors"], policy["object-src"]) == ("'none'", "'none'")
    if endpoint in STATIC_ENDPOINTS:
        assert "no-store" not in response.headers.get("Cache-Control", ""), endpoint
    else:
        assert response.headers["Cache-Control"] == "no-store", endpoint
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP


@pytest.mark.parametrize("who", ["anonymous", "admin"])
def test_every_route_answers_with_the_security_headers(app, client, auth, who):
    headers = auth("admin") if who == "admin" else {}
    seen = set()
    for rule, method in _every_route(app):
        with client.open(_path(rule), method=method, headers=headers,
                         json={} if method != "GET" else None) as response:
            assert response.status_code < 500, (method, rule.rule, response.status_code)
            _assert_secured(response, rule.endpoint)
        seen.add(rule.endpoint)
    assert {"web.login", "web.home", "auth.create_token", "docs_assets",
            "api-docs.openapi_swagger_ui"} <= seen


def test_pages_and_api_errors_carry_them_too(client):
    for path in ("/no-such-page", "/api/v1/no-such-resource"):
        response = client.get(path)
        assert response.status_code == 404
        _assert_secured(response, None)


def test_pages_and_the_api_get_the_strict_policy(client, auth):
    assert client.get("/login").headers["Content-Security-Policy"] == PAGE_POLICY
    sites = client.get("/api/v1/sites", headers=auth("admin"))
    assert sites.status_code == 200
    assert sites.headers["Content-Security-Policy"] == PAGE_POLICY
    assert "'unsafe-inline'" not in PAGE_POLICY and "'unsafe-eval'" not in PAGE_POLICY


def test_the_docs_page_runs_no_inline_script(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == DOCS_POLICY
    page = response.get_data(as_text=True)
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, flags=re.S)
    assert len(scripts) == 3
    assert all('src="' in attributes and not body.strip() for attributes, body in scripts)
    for source in re.findall(r'<(?:script|link)[^>]* (?:src|href)="([^"]+)"', page):
        with client.get(source) as asset:
            assert asset.status_code == 200, source
    assert 'data-spec-url="/api/v1/openapi.json"' in page
    assert """data-config='{"validatorUrl": null}'""" in page


def test_the_docs_policy_relaxes_styles_and_images_only(client):
    directives = _directives(DOCS_POLICY)
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self' 'unsafe-inline'"
    assert directives["img-src"] == "'self' data:"


def test_tls_adds_hsts_and_a_secure_session_cookie(client, make):
    user = make.user("nurse")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD},
                           base_url="https://localhost")
    assert response.status_code == 302
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "; Secure" in response.headers["Set-Cookie"]
    assert client.get("/nurse", base_url="https://localhost").status_code == 200


def test_plain_http_cookies_are_not_secure(client, make):
    user = make.user("nurse")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert "Secure" not in response.headers["Set-Cookie"]


@pytest.mark.parametrize("app_settings", [{"PREFERRED_URL_SCHEME": "https"}])
def test_an_https_deployment_always_marks_cookies_secure(app, client, make):
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    user = make.user("nurse")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert "; Secure" in response.headers["Set-Cookie"]


@pytest.mark.parametrize(("app_settings", "hsts"), [({"TRUSTED_PROXIES": 1}, True),
                                                    ({}, False)])
def test_forwarded_https_counts_only_from_a_trusted_proxy(client, hsts):
    response = client.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert ("Strict-Transport-Security" in response.headers) is hsts
