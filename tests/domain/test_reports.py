"""The report's definitions: its range, percentiles, histogram bars and P-CADENCE spans (R1.7)."""
import statistics
from datetime import date, timedelta

import pytest

from spravato_ops.domain.cadence import CourseFacts, cadence_gap
from spravato_ops.domain.enums import Indication
from spravato_ops.domain.opening_hours import Closure, OpeningHours
from spravato_ops.domain.policy import CadenceGapDays, SitePolicy
from spravato_ops.domain.reports import (
    MAX_REPORT_DAYS, Bin, GapLimitSpan, gap_limit_spans, histogram, open_minutes, percentile,
    range_errors, weekday_counts,
)

TRD, MDSI = Indication.TRD, Indication.MDSI


@pytest.mark.parametrize(("values", "fraction", "expected"), [
    ([140], 0.5, 140),
    ([125, 130, 140, 150, 190], 0.5, 140),
    ([125, 130, 140, 150, 190], 0.9, 174),  # rank 3.6: 150 + 0.6 * 40
    ([45, 75], 0.5, 60),
    ([1, 2, 3, 4], 0.5, 2.5),
    ([7, 7, 7, 9], 0.9, 8.4),  # rank 2.7: 7 + 0.7 * 2
    ([5, 1, 3], 0.0, 1),
    ([5, 1, 3], 1.0, 5),
])
def test_percentile_interpolates_between_the_nearest_ranks(values, fraction, expected):
    frequencies = {}
    for value in values:
        frequencies[value] = frequencies.get(value, 0) + 1
    assert percentile(frequencies, fraction) == pytest.approx(expected)
    if fraction == 0.5:
        assert percentile(frequencies, fraction) == pytest.approx(statistics.median(values))


def test_percentile_of_nothing_is_none():
    assert percentile({}, 0.5) is None and percentile({120: 0}, 0.9) is None


def test_histogram_bars_are_ten_minutes_from_the_r3_1_minimum_with_an_open_last_one():
    bars = histogram({121: 2, 129: 1, 130: 1, 239: 1, 240: 1, 600: 3})
    assert bars[0] == Bin(120, 130, 3) and bars[1] == Bin(130, 140, 1)
    assert bars[-2] == Bin(230, 240, 1) and bars[-1] == Bin(240, None, 4)
    assert len(bars) == 13


def test_histogram_shows_values_below_the_minimum_in_a_bar_of_their_own():
    assert histogram({100: 1, 125: 1})[0] == Bin(None, 120, 1)
    assert histogram({125: 1})[0] == Bin(120, 130, 1)


@pytest.mark.parametrize(("first", "last", "problem"), [
    (date(2025, 1, 1), date(2025, 1, 1), None),
    (date(2024, 1, 1), date(2024, 12, 31), None),  # 366 days
    (date(2025, 1, 1), date(2025, 1, 1) + timedelta(days=MAX_REPORT_DAYS), "to"),
    (date(2025, 1, 2), date(2025, 1, 1), "to"),
    (None, date(2025, 1, 1), "from"),
])
def test_range_errors(first, last, problem):
    errors = range_errors(first, last)
    assert list(errors) == ([problem] if problem else [])


def test_weekday_counts_and_the_default_open_day():
    first, last = date(2025, 3, 3), date(2025, 3, 12)
    assert weekday_counts(first, last) == {1: 2, 2: 2, 3: 2, 4: 1, 5: 1, 6: 1, 7: 1}
    # No P-HOURS set: 08:00-18:00 every day; a closure still closes its day.
    assert open_minutes(OpeningHours(), first, last) == {1: 1200, 2: 1200, 3: 1200, 4: 600,
                                                         5: 600, 6: 600, 7: 600}
    closed = OpeningHours(closures=(Closure(date(2025, 3, 4), "Holiday"),))
    assert open_minutes(closed, first, last)[2] == 600


def test_open_minutes_follow_the_opening_hours():
    """P-HOURS: a lunch break, a day open to midnight, a weekday left out is closed."""
    hours = OpeningHours(weekly=(("mon", (("08:00", "12:00"), ("13:00", "17:30"))),
                                 ("sat", (("20:00", "24:00"),))))
    assert open_minutes(hours, date(2025, 3, 3), date(2025, 3, 9)) == {
        1: 510, 2: 0, 3: 0, 4: 0, 5: 0, 6: 240, 7: 0}


def test_gap_limit_spans_follow_the_phases_and_p_cadence():
    """R1.7: induction (and MDSI) 4 days, maintenance and weekly continuation 9, every 2
    weeks 17; none after MDSI week 4."""
    policy = SitePolicy(cadence_gap_days=CadenceGapDays(induction=3, weekly=8, every_2_weeks=15))
    assert gap_limit_spans(policy) == (
        GapLimitSpan(TRD, 2, 1, 4, 3), GapLimitSpan(TRD, 2, 5, 8, 8),
        GapLimitSpan(TRD, 2, 9, None, 15),
        GapLimitSpan(TRD, None, 1, 4, 3), GapLimitSpan(TRD, None, 5, None, 8),
        GapLimitSpan(MDSI, None, 1, 4, 3), GapLimitSpan(MDSI, None, 5, None, None))


@pytest.mark.parametrize(("indication", "interval"), [(TRD, 1), (TRD, 2), (MDSI, 1)])
def test_gap_limit_spans_agree_with_the_cadence_alert_rule_week_by_week(indication, interval):
    """R1.7: on every day of weeks 1-20, the span's limit is the gap cadence_gap alerts after."""
    start = date(2025, 1, 6)
    course = CourseFacts(indication, start, interval, "sertraline")
    spans = [s for s in gap_limit_spans(SitePolicy()) if s.indication == indication
             and s.continuation_interval_weeks in (interval, None)]
    for offset in range(140):
        day = start + timedelta(days=offset)
        week = offset // 7 + 1
        span = next(s for s in spans if s.first_week <= week <= (s.last_week or week))
        gap_at_limit = cadence_gap(course, day - timedelta(days=span.limit_days or 0), day)
        over_limit = cadence_gap(course, day - timedelta(days=(span.limit_days or 0) + 1), day)
        if span.limit_days is None:
            assert over_limit is None
        else:
            assert gap_at_limit is None and over_limit.limit_days == span.limit_days
