"""Browser tests: Debian's Chromium driven by Playwright against a live server; and pages
through the test client with CSRF enforced."""
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from ..factories import PASSWORD
from .live import live_server
from .pages import csrf_token

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
PORTRAIT, LANDSCAPE = {"width": 768, "height": 1024}, {"width": 1024, "height": 768}


@pytest.fixture
def server(tmp_path):
    with live_server(tmp_path) as running:
        yield running


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def tablet(browser):
    """A portrait tablet: a browser context of 768x1024 with touch."""
    context = browser.new_context(viewport=PORTRAIT, has_touch=True)
    yield context
    context.close()


def log_in(page, server, user, password=PASSWORD):
    """Log `user` in through the login form; return the page where it landed."""
    page.goto(f"{server.url}/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("networkidle")
    return page


def screenshot(page, name, full_page=True):
    """Save a screenshot under tests/artifacts/ (git-ignored) for a person to look at; of the
    viewport alone (full_page False) where a modal dialog is what the person sees."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


def axe_violations(page, impacts=("serious", "critical")):
    """Run the vendored axe-core in the page; return its violations of these impacts."""
    vendor = Path(__file__).resolve().parents[2] / "spravato_ops" / "web" / "static" / "vendor"
    # Evaluated through the browser's debugging protocol: the page's CSP forbids inline script.
    page.evaluate((vendor / "axe.min.js").read_text())
    found = page.evaluate("async () => (await axe.run(document)).violations")
    return [v for v in found if v["impact"] in impacts]


@pytest.fixture
def csrf_app(app):
    """The same application and database, with CSRF enforced as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app


@pytest.fixture
def logged_in(csrf_app, make):
    """A test client logged in as a new nurse through the login form."""
    client = csrf_app.test_client()
    user = make.user("nurse")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                           "csrf_token": csrf_token(client.get("/login"))})
    assert response.status_code == 302
    return client
