"""The login page in a real browser: fields with labels, landing after login, accessibility."""
from .conftest import axe_violations, log_in, screenshot


def test_login_page_reads_well_and_logs_a_nurse_in(server, tablet):
    nurse = server.make.user("nurse")
    page = tablet.new_page()
    page.goto(f"{server.url}/login")
    screenshot(page, "login-portrait")
    assert axe_violations(page) == []
    log_in(page, server, nurse)
    assert "/login" not in page.url
    assert nurse.name in page.content()


def test_the_server_clock_moves_for_the_browser_tests(server):
    server.move_clock(3600)
    server.move_clock(0)
