"""The REMS forms page by role (API.md: admin and scheduler read, nurse writes, prescriber
writes and signs, front desk none) and in the navigation of the roles that use it."""
from datetime import datetime, timezone

import pytest
from freezegun import freeze_time

from spravato_ops.services.rems_form_rows import FORM_LOOKBACK, sync_forms

from .pages import client_log_in

NOW = datetime(2026, 3, 4, 15, tzinfo=timezone.utc)


@pytest.fixture
def queued(make, db):
    """One discharged session with its form written by the sweep (2 March, due 9 March)."""
    site = make.site()
    make.session(site=site, state="discharged",
                 scheduled_start=datetime(2026, 3, 2, 15, tzinfo=timezone.utc))
    sync_forms(db, now=NOW, lookback=FORM_LOOKBACK)
    db.commit()
    return site


@pytest.mark.parametrize(("role", "sign", "navigation"), [
    ("prescriber", True, True), ("nurse", False, True), ("scheduler", False, True),
    ("admin", False, True)])
def test_the_page_shows_each_role_what_it_may_do(client, make, queued, role, sign, navigation):
    with freeze_time(NOW):  # log in at the page's time: a cookie from the future is refused
        client_log_in(client, make.user(role))
        page = client.get("/rems-forms").get_data(as_text=True)
    assert "5 days left" in page and "Missing before signing" in page
    assert ("Sign form" in page) is sign
    assert ('href="/rems-forms"' in page) is navigation


def test_front_desk_has_no_rems_forms_page_nor_link(client, make, queued):
    client_log_in(client, make.user("front_desk"))
    assert client.get("/rems-forms").status_code == 403
    assert 'href="/rems-forms"' not in client.get("/board").get_data(as_text=True)


def test_an_unknown_status_shows_the_forms_not_submitted(client, make, queued):
    with freeze_time(NOW):
        client_log_in(client, make.user("nurse"))
        response = client.get("/rems-forms?status=late&site_id=abc")
    assert response.status_code == 200 and "5 days left" in response.get_data(as_text=True)
