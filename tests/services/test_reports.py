"""The report's figures against a fortnight worked out by hand (tests/report_dataset.py)."""
from datetime import date

import pytest
from sqlalchemy import text
from sqlmodel import Session

from spravato_ops.db import read_engine
from spravato_ops.models import SitePolicyRecord
from spravato_ops.services.failures import InvalidInput, NotFound
from spravato_ops.services.reports import REPORT_WORK_MEM, clinic_report, one_snapshot
from spravato_ops.statement_count import StatementCount

from ..report_dataset import (
    EXPECTED, FIRST_DAY, LAST_DAY, NOW, keep_facts_of_the_ended, seed_fortnight,
)


@pytest.fixture(params=["from the entries", "from kept facts"])
def clinic(request, make):
    """The fortnight, its ended sessions read from their entries or from their kept facts."""
    clinic = seed_fortnight(make)
    if request.param == "from kept facts":
        keep_facts_of_the_ended(make.db)
    return clinic


def report(db, clinic, **changes):
    arguments = dict(site_id=clinic.site.id, first_day=FIRST_DAY, last_day=LAST_DAY, now=NOW)
    return clinic_report(db, **{**arguments, **changes})


def subset(found, expected):
    return {key: found[key] for key in expected}


@pytest.mark.parametrize("section", [
    "sessions", "discharge_times", "blood_pressure", "sedation", "dissociation", "spo2",
    "courses", "rems_forms"])
def test_each_figure_is_the_one_worked_out_by_hand(db, clinic, section):
    """R2.3 rises and P-BP-ALERT, R3.1 discharge times, R3.3 SpO2, R1.7 gaps, R4.3 forms."""
    found = report(db, clinic)[section]
    assert subset(found, EXPECTED[section]) == pytest.approx(EXPECTED[section])


def test_corrections_replace_what_they_amend(db, clinic):
    found = report(db, clinic)
    # The 08:50 first device corrected to 09:00: 125 minutes, not 135.
    assert found["discharge_times"]["histogram"][0] == {
        "from_minute": 120, "to_minute": 130, "sessions": 1}


def test_discharge_histogram_has_ten_minute_bars_from_the_two_hour_minimum(db, clinic):
    bars = report(db, clinic)["discharge_times"]["histogram"]
    assert [(b["from_minute"], b["sessions"]) for b in bars] == [
        (120, 1), (130, 1), (140, 1), (150, 1), (160, 0), (170, 0), (180, 0), (190, 1),
        (200, 0), (210, 0), (220, 0), (230, 0), (240, 0)]
    assert bars[-1]["to_minute"] is None


def test_chair_utilisation_per_chair_and_weekday(db, clinic):
    found = report(db, clinic)["chair_utilisation"]
    assert found["open_minutes_per_weekday"] == dict.fromkeys(range(1, 8), 1200)
    assert found["days_per_weekday"] == dict.fromkeys(range(1, 8), 2)
    rows = {row["chair"]: row["weekdays"] for row in found["chairs"]}
    assert {chair: [cell["booked_minutes"] for cell in cells]
            for chair, cells in rows.items()} == EXPECTED["booked"]
    assert rows["Chair A"][0]["utilisation"] == pytest.approx(300 / 1200)
    assert [cell["utilisation"] for cell in found["all_chairs"]] == pytest.approx(
        [300 / 2400, 300 / 2400, 300 / 2400, 0, 0, 150 / 2400, 0])


def test_a_withheld_session_needs_a_form_where_the_sites_switch_says_so(db, clinic):
    """R4.3: the withheld session of 12 March has no form row."""
    clinic.site.rems_forms_for_withheld = True
    db.add(clinic.site)
    db.commit()
    forms = report(db, clinic)["rems_forms"]
    assert (forms["sessions"], forms["no_form"], forms["on_time"]) == (6, 2, 1)


def test_a_site_that_files_no_forms_counts_none(db, clinic):
    clinic.site.rems_forms_required = False
    db.add(clinic.site)
    db.commit()
    forms = report(db, clinic)["rems_forms"]
    assert forms["required"] is False and forms["sessions"] == 0


def test_utilisation_divides_by_the_sites_opening_hours_less_its_closures(db, make, clinic):
    """P-HOURS: weekdays 08:00-12:00 and 13:00-17:00, closed at weekends and on 10 March."""
    weekday = [["08:00", "12:00"], ["13:00", "17:00"]]
    hours = {"weekly": {day: weekday for day in ("mon", "tue", "wed", "thu", "fri")},
             "closures": [{"date": "2025-03-10", "reason": "Training day"}]}
    db.add(SitePolicyRecord(site_id=clinic.site.id, settings={"opening_hours": hours},
                            updated_at=NOW))
    db.commit()
    found = report(db, clinic)
    utilisation = found["chair_utilisation"]
    assert utilisation["open_minutes_per_weekday"] == {1: 480, 2: 960, 3: 960, 4: 960, 5: 960,
                                                       6: 0, 7: 0}
    chair_a = next(row for row in utilisation["chairs"] if row["chair"] == "Chair A")
    assert [cell["utilisation"] for cell in chair_a["weekdays"]] == pytest.approx(
        [300 / 480, 150 / 960, 150 / 960, 0, 0, None, None])
    assert found["definitions"]["open_day"] == "the site's opening hours"


def test_a_day_outside_every_session_counts_nothing(db, clinic):
    found = report(db, clinic, first_day=LAST_DAY, last_day=LAST_DAY)
    assert found["sessions"]["total"] == 0
    assert found["discharge_times"]["median_minutes"] is None
    assert found["sedation"]["incidence"] is None
    assert found["chair_utilisation"]["all_chairs"][6]["utilisation"] == 0


def test_the_figures_come_in_a_fixed_number_of_queries(engine, db, clinic):
    with StatementCount(engine) as few:
        report(db, clinic)
    for _ in range(3):
        seed_fortnight(clinic.make)
    with StatementCount(engine) as many:
        report(db, clinic)
    assert len(few.queries) == len(many.queries) <= 12


@pytest.mark.parametrize(("first_day", "last_day", "field"), [
    (LAST_DAY, FIRST_DAY, "to"),
    (FIRST_DAY, FIRST_DAY.replace(year=2026, day=4), "to"),  # 367 days
    (None, LAST_DAY, "from"),
])
def test_a_bad_range_is_refused_with_the_field_named(db, clinic, first_day, last_day, field):
    with pytest.raises(InvalidInput) as refused:
        report(db, clinic, first_day=first_day, last_day=last_day)
    assert field in refused.value.errors


def test_a_year_with_a_leap_day_is_accepted(db, clinic):
    assert report(db, clinic, first_day=date(2024, 1, 1), last_day=date(2024, 12, 31))


def test_an_unknown_site_is_not_found(db, clinic):
    with pytest.raises(NotFound):
        report(db, clinic, site_id=clinic.site.id + 100)


@pytest.mark.postgres_only
def test_on_postgresql_the_figures_come_from_one_read_only_snapshot(engine):
    with Session(read_engine(engine)) as request_session:
        with one_snapshot(request_session) as reading:
            shown = {name: reading.exec(text(f"SHOW {name}")).one()[0] for name in (
                "transaction_isolation", "transaction_read_only", "jit", "work_mem")}
        after = request_session.exec(text("SHOW work_mem")).one()[0]
    assert shown == {"transaction_isolation": "repeatable read", "transaction_read_only": "on",
                     "jit": "off", "work_mem": REPORT_WORK_MEM}
    assert after != REPORT_WORK_MEM
