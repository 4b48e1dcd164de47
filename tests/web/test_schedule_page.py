"""The schedule page: the day's grid frame for schedulers and prescribers."""
from .pages import client_log_in as _log_in


def test_a_scheduler_lands_on_the_day_grid_with_chairs_and_lines(client, make):
    site = make.site(name="Riverside")
    make.chair(site, label="Chair A")
    make.chair(site, label="Chair B")
    _log_in(client, make.user("scheduler", site=site))
    response = client.get("/", follow_redirects=True)
    assert response.request.path == "/schedule"
    page = response.get_data(as_text=True)
    assert "Chair A" in page and "Chair B" in page
    assert 'aria-label="Book Chair B at 07:15"' in page
    assert "override-reason" not in page


def test_a_prescriber_gets_the_override_field_and_any_day(client, make):
    site = make.site()
    _log_in(client, make.user("prescriber"))
    page = client.get(f"/schedule?site_id={site.id}&date=2026-03-02").get_data(as_text=True)
    assert 'data-day="2026-03-02"' in page and "override-reason" in page
    assert "date=2026-03-09" in page and "date=2026-03-01" in page


def test_the_front_desk_does_not_use_the_schedule_page(client, make):
    _log_in(client, make.user("front_desk"))
    assert client.get("/schedule").status_code == 403
