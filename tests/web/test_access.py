"""Pages: login lands each role on its page; a page a role may not use answers a 403 page."""
from .pages import client_log_in as _log_in


def test_an_admin_lands_on_the_admin_page(client, make):
    admin = make.user("admin")
    make.site(name="Riverside")
    _log_in(client, admin)
    response = client.get("/", follow_redirects=True)
    assert response.request.path == "/admin"
    page = response.get_data(as_text=True)
    assert "Riverside" in page and admin.email in page


def test_the_admin_page_lists_each_persons_sites_and_no_button_against_oneself(client, make):
    admin, site = make.user("admin"), make.site(name="Riverside")
    nurse = make.user("nurse", site=site, name="Nora Quinn", active=False)
    _log_in(client, admin)
    page = client.get("/admin").get_data(as_text=True)
    row = page[page.index(f'data-user-id="{nurse.id}"'):]
    row = row[:row.index("</tr>")]
    assert "Riverside" in row and 'aria-label="Reactivate Nora Quinn"' in row
    assert "Deactivate Nora Quinn" not in row
    mine = page[page.index(f'data-user-id="{admin.id}"'):]
    assert "every site" in mine[:mine.index("</tr>")]
    assert '<span class="muted">you</span>' in mine[:mine.index("</tr>")]


def test_a_page_the_role_may_not_use_is_a_403_page(client, make):
    _log_in(client, make.user("front_desk"))
    response = client.get("/admin")
    assert response.status_code == 403
    assert response.mimetype == "text/html"
    assert "does not use this page" in response.get_data(as_text=True)


def test_without_a_login_a_page_goes_to_login_with_next(client):
    response = client.get("/admin?tab=sites")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/admin?tab%3Dsites"
