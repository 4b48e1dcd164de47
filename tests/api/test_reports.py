"""GET /reports and /reports.csv: the figures, who may read them, bad ranges, the CSV tables."""
import csv
import io

import pytest
from freezegun import freeze_time

from spravato_ops.services.report_tables import TABLE_NAMES

from ..report_dataset import EXPECTED, FIRST_DAY, LAST_DAY, NOW, seed_fortnight


@pytest.fixture(autouse=True)
def frozen():
    with freeze_time(NOW):
        yield


@pytest.fixture
def clinic(make):
    return seed_fortnight(make)


def query(clinic, **changes):
    return {"site_id": clinic.site.id, "from": str(FIRST_DAY), "to": str(LAST_DAY), **changes}


def get_report(client, headers, params):
    return client.get("/api/v1/reports", query_string=params, headers=headers)


def rows_of(response):
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_the_report_carries_the_figures_worked_out_by_hand(client, auth, clinic):
    response = get_report(client, auth("prescriber"), query(clinic))
    assert response.status_code == 200
    body = response.json
    assert body["from"] == "2025-03-03" and body["to"] == "2025-03-16"
    assert body["today"] == "2025-03-18" and body["site"]["name"] == "Report Clinic"
    for section in ("sessions", "discharge_times", "sedation", "courses", "rems_forms"):
        assert {key: body[section][key] for key in EXPECTED[section]} == pytest.approx(
            EXPECTED[section]), section
    assert body["definitions"]["bp_alert"] == "160/100"
    assert body["definitions"]["open_day"] == "an 08:00-18:00 day (no opening hours set)"


@pytest.mark.parametrize(("role", "status"), [
    ("admin", 200), ("prescriber", 200), ("nurse", 200), ("scheduler", 200),
    ("front_desk", 403)])
def test_staff_read_the_report_and_the_front_desk_does_not(client, auth, clinic, role, status):
    assert get_report(client, auth(role), query(clinic)).status_code == status
    csv_response = client.get("/api/v1/reports.csv", headers=auth(role),
                              query_string=query(clinic, table="sessions"))
    assert csv_response.status_code == status


def test_staff_of_another_site_may_not_read_this_one(client, auth, clinic):
    elsewhere = auth("prescriber", site=clinic.other_site)
    assert get_report(client, elsewhere, query(clinic)).status_code == 403
    assert get_report(client, elsewhere, query(clinic, site_id=clinic.other_site.id)
                      ).status_code == 200


@pytest.mark.parametrize(("changes", "field"), [
    ({"to": "2025-03-02"}, "to"),  # before from
    ({"to": "2026-03-04"}, "to"),  # 367 days
    ({"from": "2025-02-30"}, "from"),
    ({"from": None}, "from"),
    ({"to": "tomorrow"}, "to"),
    ({"site_id": "one"}, "site_id"),
])
def test_a_bad_range_is_a_422_naming_the_field(client, auth, clinic, changes, field):
    params = {key: value for key, value in query(clinic, **changes).items() if value is not None}
    response = get_report(client, auth("admin"), params)
    assert response.status_code == 422
    assert field in response.json["errors"]


def test_a_whole_leap_year_is_one_report(client, auth, clinic):
    response = get_report(client, auth("admin"), query(clinic, **{"from": "2024-01-01",
                                                                  "to": "2024-12-31"}))
    assert response.status_code == 200 and response.json["sessions"]["total"] == 0


def test_an_unknown_site_is_a_404(client, auth, clinic):
    assert get_report(client, auth("admin"), query(clinic, site_id=999999)).status_code == 404


def test_the_sessions_table_as_csv(client, auth, clinic):
    response = client.get("/api/v1/reports.csv", headers=auth("prescriber"),
                          query_string=query(clinic, table="sessions"))
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="report-{clinic.site.id}-2025-03-03-2025-03-16-sessions.csv"')
    assert rows_of(response) == [
        ["Outcome", "Sessions", "Share of all sessions (%)"],
        ["Held (dose given)", "5", "55.6"], ["Dose withheld", "1", "11.1"],
        ["Cancelled", "1", "11.1"], ["Did not attend (no-show)", "1", "11.1"],
        ["Still booked or in progress", "1", "11.1"], ["All sessions", "9", "100.0"]]


def test_the_times_forms_and_utilisation_tables_as_csv(client, auth, clinic):
    def table(name):
        return rows_of(client.get("/api/v1/reports.csv", headers=auth("admin"),
                                  query_string=query(clinic, table=name)))

    assert table("times")[1:] == [["Discharge", "5", "140.0", "174.0"],
                                  ["Sedation resolved (MOAA/S back to 5)", "2", "60.0", "72.0"],
                                  ["Dissociation resolved", "2", "37.5", "43.5"]]
    assert table("rems_forms")[1:] == [
        ["Submitted on time", "1", "20.0"], ["Submitted late", "1", "20.0"],
        ["Not submitted, not yet due", "1", "20.0"], ["Not submitted, overdue", "1", "20.0"],
        ["No form started", "1", "20.0"], ["All sessions that need a form", "5", "100.0"]]
    assert table("chair_utilisation") == [
        ["Chair", "Mon (%)", "Tue (%)", "Wed (%)", "Thu (%)", "Fri (%)", "Sat (%)", "Sun (%)",
         "Whole week (%)"],
        ["Chair A", "25.0", "12.5", "12.5", "0.0", "0.0", "0.0", "0.0", "7.1"],
        ["Chair B", "0.0", "12.5", "12.5", "0.0", "0.0", "12.5", "0.0", "5.4"],
        ["All chairs", "12.5", "12.5", "12.5", "0.0", "0.0", "6.3", "0.0", "6.3"]]


def test_every_table_downloads(client, auth, clinic):
    for name in TABLE_NAMES:
        response = client.get("/api/v1/reports.csv", headers=auth("admin"),
                              query_string=query(clinic, table=name))
        assert response.status_code == 200 and len(rows_of(response)) > 1, name


def test_an_unknown_table_is_a_422(client, auth, clinic):
    response = client.get("/api/v1/reports.csv", headers=auth("admin"),
                          query_string=query(clinic, table="patients"))
    assert response.status_code == 422 and "table" in response.json["errors"]


def test_a_chair_label_is_never_a_spreadsheet_formula(client, auth, make, clinic):
    make.chair(clinic.site, label="=HYPERLINK(\"x\")")
    rows = rows_of(client.get("/api/v1/reports.csv", headers=auth("admin"),
                              query_string=query(clinic, table="chair_utilisation")))
    assert ["'=HYPERLINK(\"x\")"] == [row[0] for row in rows if "HYPERLINK" in row[0]]
