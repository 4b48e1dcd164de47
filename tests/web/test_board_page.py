"""The front-desk board page: the frame for the user's site, nothing clinical in it."""
from .pages import client_log_in as _log_in


def test_front_desk_lands_on_the_board_of_their_site(client, make):
    site = make.site(name="Riverside")
    make.site(name="Hilltop")
    make.session(site=site, planned_dose_mg=84)
    _log_in(client, make.user("front_desk", site=site))
    response = client.get("/", follow_redirects=True)
    assert response.request.path == "/board"
    page = response.get_data(as_text=True)
    assert "<h1>Riverside: today's patients" in page and "Hilltop" not in page
    assert f'data-site-id="{site.id}"' in page
    assert "84 mg" not in page and "dose" not in page.lower()


def test_the_board_refuses_a_site_the_user_does_not_work_at(client, make):
    site, other = make.site(), make.site()
    _log_in(client, make.user("front_desk", site=site))
    assert client.get(f"/board?site_id={other.id}").status_code == 404
    assert client.get(f"/board?site_id={site.id}").status_code == 200


def test_the_board_in_tv_mode_has_no_controls(client, make):
    site = make.site()
    _log_in(client, make.user("admin"))
    page = client.get(f"/board?site_id={site.id}&tv=1").get_data(as_text=True)
    assert 'class="board tv"' in page and "TV mode</a>" not in page


def test_a_sessions_patient_opens_from_the_board_at_ones_own_site_only(client, make):
    here, there = make.site(), make.site()
    mine, other = make.session(site=here), make.session(site=there)
    _log_in(client, make.user("front_desk", site=here))
    answer = client.get(f"/sessions/{mine.id}/patient")
    assert answer.status_code == 302 and answer.headers["Location"] == (
        f"/patients/{mine.patient_id}")
    assert client.get(f"/sessions/{other.id}/patient").status_code == 403
    assert client.get("/sessions/999999/patient").status_code == 404
