"""The report page through the test client: who opens it, the range, what the page holds."""
import re

import pytest
from freezegun import freeze_time

from spravato_ops.services.report_tables import TABLE_NAMES
from spravato_ops.web.charts import bar_chart, column_chart, histogram_position

from ..report_dataset import NOW, seed_fortnight
from .pages import client_log_in


@pytest.fixture(autouse=True)
def frozen():
    with freeze_time(NOW):
        yield


@pytest.fixture
def clinic(make):
    return seed_fortnight(make)


def open_report(client, make, clinic, role="prescriber", **arguments):
    client_log_in(client, make.user(role))
    query = {"site_id": clinic.site.id, "from": "2025-03-03", "to": "2025-03-16", **arguments}
    return client.get("/reports", query_string={k: v for k, v in query.items() if v is not None})


@pytest.mark.parametrize(("role", "status"), [
    ("prescriber", 200), ("nurse", 200), ("scheduler", 200), ("admin", 200),
    ("front_desk", 403)])
def test_staff_open_the_report_page_and_the_front_desk_does_not(client, make, clinic, role,
                                                                status):
    assert open_report(client, make, clinic, role).status_code == status


def test_the_page_shows_the_figures_charts_and_a_download_of_every_table(client, make, clinic):
    page = " ".join(open_report(client, make, clinic).get_data(as_text=True).split())
    assert "Median 140 minutes, 90th percentile 174 minutes" in page
    assert "2 of 4 courses on schedule" in page
    assert "1 on time, 1 late, 1 not yet due, 1 overdue and 1 not started" in page
    assert page.count('<svg class="chart') == 5
    for name in TABLE_NAMES:
        assert (f"/api/v1/reports.csv?site_id={clinic.site.id}&amp;to=2025-03-16&amp;"
                f"table={name}&amp;from=2025-03-03") in page


def test_the_page_needs_no_inline_style_or_script(client, make, clinic):
    """The CSP (security.py) allows neither: the charts use attributes and classes only."""
    response = open_report(client, make, clinic)
    page = response.get_data(as_text=True)
    assert " style=" not in page and "<style" not in page
    assert re.findall(r"<script(?![^>]*\bsrc=)", page) == []
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_without_dates_the_page_shows_the_last_four_weeks(client, make, clinic):
    response = open_report(client, make, clinic, **{"from": None, "to": None})
    page = " ".join(response.get_data(as_text=True).split())
    assert "from <strong>February 19, 2025</strong>" in page
    assert "to <strong>March 18, 2025</strong> (28 days)" in page


@pytest.mark.parametrize(("arguments", "message"), [
    ({"to": "2025-03-01"}, "Must be on or after the start date (2025-03-03)."),
    ({"to": "2026-03-04"}, "A report covers at most 366 days."),
    ({"from": "03/03/2025"}, "Give a date (YYYY-MM-DD)."),
])
def test_a_bad_range_says_what_to_correct(client, make, clinic, arguments, message):
    response = open_report(client, make, clinic, **arguments)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Choose the dates again" in page and message in page
    assert "<svg" not in page


def test_a_site_not_the_users_is_not_found(client, make, clinic):
    client_log_in(client, make.user("prescriber", site=clinic.other_site))
    assert client.get(f"/reports?site_id={clinic.site.id}").status_code == 404


def test_bar_lengths_are_shares_of_the_largest_or_of_the_maximum():
    chart = bar_chart("c", "t", [("a", 5), ("b", 1), ("c", 0)])
    assert [bar.width for bar in chart.bars] == [380, 76, 0]
    shares = bar_chart("c", "t", [("a", 0.5)], maximum=1)
    assert shares.bars[0].width == 190


def test_columns_stand_on_the_axis_with_markers_inside_their_column():
    chart = column_chart("c", "t", [("120", 2), ("130", 1)], markers=[("median", 0.5)])
    assert [bar.y + bar.height for bar in chart.bars] == [chart.baseline] * 2
    assert chart.bars[1].height == chart.bars[0].height / 2
    assert chart.markers[0].x == 180 and chart.scale_label is None
    bins = [{"from_minute": 120, "to_minute": 130}, {"from_minute": 130, "to_minute": None}]
    assert histogram_position(125, bins) == 0.5 and histogram_position(400, bins) == 1.5
