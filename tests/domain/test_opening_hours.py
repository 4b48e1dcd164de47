"""P-HOURS: a session's P-SLOT block inside one open span of an open site-local day."""
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from spravato_ops.domain.opening_hours import (
    Closure, OpeningHours, opening_hours_errors, opening_hours_from, opening_violations,
)

NEW_YORK = "America/New_York"
WEEKDAYS_8_TO_18_WITH_LUNCH = opening_hours_from({"weekly": {
    day: [["08:00", "12:30"], ["13:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")
}, "closures": [{"date": "2026-12-25", "reason": "Christmas Day"}]})
SLOT = timedelta(minutes=150)


def block(day, hhmm, tz=NEW_YORK, slot=SLOT):
    start = datetime.combine(day, datetime.strptime(hhmm, "%H:%M").time(), tzinfo=ZoneInfo(tz))
    return start, start + slot


def codes(hours, day, hhmm, tz=NEW_YORK, slot=SLOT):
    start, end = block(day, hhmm, tz, slot)
    return [v.code for v in opening_violations(hours, start, end, tz)]


MONDAY = date(2026, 12, 7)


@pytest.mark.parametrize(("hhmm", "expected"), [
    ("08:00", []),  # opens at 08:00, block to 10:30
    ("10:00", []),  # 10:00-12:30 ends as the lunch break starts
    ("10:15", ["outside_opening_hours"]),  # runs into lunch
    ("07:45", ["outside_opening_hours"]),  # before opening
    ("13:00", []),
    ("15:30", []),  # ends at closing, 18:00
    ("15:45", ["outside_opening_hours"]),
])
def test_p_hours_a_block_must_fit_one_open_span(hhmm, expected):
    assert codes(WEEKDAYS_8_TO_18_WITH_LUNCH, MONDAY, hhmm) == expected


def test_p_hours_a_weekday_left_out_and_a_dated_closure_are_closed():
    saturday = MONDAY + timedelta(days=5)
    start, end = block(saturday, "09:00")
    [closed] = opening_violations(WEEKDAYS_8_TO_18_WITH_LUNCH, start, end, NEW_YORK)
    assert (closed.rule, closed.code, closed.message) == (
        "P-HOURS", "site_closed", "The site is closed on Saturdays.")
    start, end = block(date(2026, 12, 25), "09:00")
    [holiday] = opening_violations(WEEKDAYS_8_TO_18_WITH_LUNCH, start, end, NEW_YORK)
    assert holiday.message == "The site is closed on 2026-12-25 (Christmas Day)."
    assert holiday.kind.value == "hard_stop"


def test_p_hours_none_set_restricts_nothing_but_closures_still_close():
    assert codes(OpeningHours(), MONDAY, "23:00") == []
    only_closed = OpeningHours(closures=(Closure(MONDAY, "Staff training"),))
    assert codes(only_closed, MONDAY, "09:00") == ["site_closed"]


def test_p_hours_are_site_local_across_daylight_saving():
    # 8 March 2026: New York springs forward; the hours are still 08:00 local.
    sunday_hours = opening_hours_from({"weekly": {"sun": [["08:00", "18:00"]]}})
    assert codes(sunday_hours, date(2026, 3, 8), "08:00") == []
    assert codes(sunday_hours, date(2026, 3, 8), "07:30") == ["outside_opening_hours"]


def test_p_hours_a_block_may_end_at_midnight_but_not_run_past_it():
    late = opening_hours_from({"weekly": {"mon": [["18:00", "24:00"]]}})
    assert codes(late, MONDAY, "21:30") == []
    assert codes(late, MONDAY, "22:00") == ["outside_opening_hours"]


def test_p_hours_message_names_the_days_hours():
    start, end = block(MONDAY, "17:00")
    [refused] = opening_violations(WEEKDAYS_8_TO_18_WITH_LUNCH, start, end, NEW_YORK)
    assert refused.message == ("The block 17:00-19:30 does not fit the opening hours of "
                               "Monday: 08:00-12:30, 13:00-18:00.")


@pytest.mark.parametrize(("weekly", "problem"), [
    ({"mon": [["12:00", "08:00"]]}, "must open before it closes"),
    ({"mon": [["08:00", "13:00"], ["12:00", "18:00"]]}, "not overlap"),
    ({"mon": [["8am", "18:00"]]}, "HH:MM"),
    ({"mon": [["08:00", "09:00"]] * 5}, "at most 4"),
])
def test_p_hours_invalid_hours_are_named(weekly, problem):
    errors = opening_hours_errors(opening_hours_from({"weekly": weekly}))
    assert any(problem in error for error in errors), errors
