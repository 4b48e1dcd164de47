"""The medical director's report: its date range, the thresholds it counts by, its statistics.

The figures themselves are counted in the database (services/reports.py); this module holds
the definitions they count by, taken from the rules, and the arithmetic on what comes back.
"""
import math
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Mapping

from .cadence import CourseFacts, gap_limit_days, phase_for_week
from .enums import Indication, Phase, SessionState
from .label import INDUCTION_LAST_WEEK, MAINTENANCE_LAST_WEEK, MDSI_LAST_WEEK, MIN_OBSERVATION
from .opening_hours import OpeningHours

# The longest range one report covers (days, both ends counted): a year, leap day included.
MAX_REPORT_DAYS = 366

# Sessions in which a dose was given: the base of every clinical incidence.
DOSED_STATES = frozenset({SessionState.DOSING, SessionState.OBSERVING, SessionState.DISCHARGED})
# Sessions not yet resolved one way or another (still booked, or the patient is in the clinic).
OPEN_STATES = frozenset({SessionState.SCHEDULED, SessionState.ARRIVED, SessionState.CHECKED_IN})

# Sedation as the report counts it: MOAA/S 3 or lower (R3.2's scale; 5 is fully alert).
SEDATION_MOAAS_MAX = 3

# Chair utilisation divides by the site's opening hours (P-HOURS); a site without hours set
# counts this site-local day as open.
OPEN_DAY = (time(8, 0), time(18, 0))
ISO_WEEKDAYS = (1, 2, 3, 4, 5, 6, 7)

# The discharge-time chart: 10-minute bars from the R3.1 minimum, the last one open-ended.
HISTOGRAM_STEP_MINUTES = 10
HISTOGRAM_FIRST_MINUTE = int(MIN_OBSERVATION.total_seconds() // 60)
HISTOGRAM_LAST_MINUTE = 240


def range_errors(first_day: date | None, last_day: date | None) -> dict[str, list[str]]:
    """Per-field problems of a report's date range (empty when it is valid)."""
    if first_day is None or last_day is None:
        return {name: ["Give a date (YYYY-MM-DD)."] for name, day
                in (("from", first_day), ("to", last_day)) if day is None}
    if last_day < first_day:
        return {"to": [f"Must be on or after the start date ({first_day})."]}
    if (last_day - first_day).days + 1 > MAX_REPORT_DAYS:
        return {"to": [f"A report covers at most {MAX_REPORT_DAYS} days."]}
    return {}


def weekday_counts(first_day: date, last_day: date) -> dict[int, int]:
    """How many times each ISO weekday (1 = Monday) occurs from first_day to last_day."""
    counts = dict.fromkeys(ISO_WEEKDAYS, 0)
    day = first_day
    while day <= last_day:
        counts[day.isoweekday()] += 1
        day += timedelta(days=1)
    return counts


def _minute_of_day(moment: time) -> int:
    return 24 * 60 if moment == time.max else moment.hour * 60 + moment.minute


def open_minutes(hours: OpeningHours, first_day: date, last_day: date) -> dict[int, int]:
    """Minutes open per ISO weekday (1 = Monday) over the days first_day..last_day: the
    site's open spans (P-HOURS), nothing on a closure, OPEN_DAY when no hours are set."""
    totals = dict.fromkeys(ISO_WEEKDAYS, 0)
    day = first_day
    while day <= last_day:
        if hours.closure(day) is None:
            spans = hours.spans(day)
            totals[day.isoweekday()] += sum(_minute_of_day(end) - _minute_of_day(start)
                                            for start, end in (spans if spans is not None
                                                               else (OPEN_DAY,)))
        day += timedelta(days=1)
    return totals


def share(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide by."""
    return part / whole if whole else None


def percentile(frequencies: Mapping[int, int], fraction: float) -> float | None:
    """The `fraction` percentile of values given as {value: how often}, interpolated linearly
    between the two nearest ranks (as PostgreSQL's percentile_cont); None without values."""
    values = sorted((value, count) for value, count in frequencies.items() if count > 0)
    total = sum(count for _, count in values)
    if not total:
        return None
    position = fraction * (total - 1)
    low, high = _value_at(values, math.floor(position)), _value_at(values, math.ceil(position))
    return low + (high - low) * (position - math.floor(position))


def _value_at(values: list[tuple[int, int]], rank: int) -> int:
    """The value at 0-based `rank` of the sorted values that `values` counts."""
    seen = 0
    for value, count in values:
        seen += count
        if rank < seen:
            return value
    return values[-1][0]


@dataclass(frozen=True)
class Bin:
    """A bar of a histogram: values first <= v < last (last None: and above)."""

    first: int | None
    last: int | None
    count: int


def histogram(frequencies: Mapping[int, int], step: int = HISTOGRAM_STEP_MINUTES,
              first: int = HISTOGRAM_FIRST_MINUTE, last: int = HISTOGRAM_LAST_MINUTE
              ) -> tuple[Bin, ...]:
    """Bars of `step` from `first` to `last`, one for anything above, and one for anything
    below `first` when there is some (a value under R3.1's minimum is worth seeing)."""
    edges = list(range(first, last, step))
    bins = {edge: 0 for edge in edges}
    below = above = 0
    for value, count in frequencies.items():
        if value < first:
            below += count
        elif value >= last:
            above += count
        else:
            bins[first + (value - first) // step * step] += count
    found = [Bin(edge, edge + step, bins[edge]) for edge in edges] + [Bin(last, None, above)]
    return (Bin(None, first, below), *found) if below else tuple(found)


@dataclass(frozen=True)
class GapLimitSpan:
    """R1.7 / P-CADENCE: from course week first_week to last_week (None: on), a course of this
    indication (and continuation interval; None: any other) alerts after limit_days without a
    session; limit_days None: no cadence alert (after MDSI week 4)."""

    indication: Indication
    continuation_interval_weeks: int | None
    first_week: int
    last_week: int | None
    limit_days: int | None


# The kinds of course whose cadence differs: every-2-weeks TRD continuation, other TRD, MDSI.
COURSE_KINDS = ((Indication.TRD, 2), (Indication.TRD, None), (Indication.MDSI, None))
# From this course week on, no course changes phase again (R1.1, R1.3).
LAST_PHASE_CHANGE_WEEK = max(INDUCTION_LAST_WEEK, MAINTENANCE_LAST_WEEK, MDSI_LAST_WEEK) + 1


def gap_limit_spans(policy) -> tuple[GapLimitSpan, ...]:
    """The P-CADENCE gap of every course week, for each kind of course, as runs of weeks
    (R1.7): what cadence_gap applies on a day of that week. Specific kinds come first."""
    spans = []
    for indication, interval in COURSE_KINDS:
        course = CourseFacts(indication, date(2000, 1, 3), interval or 1)
        limits = [None if phase_for_week(course, week) == Phase.MDSI_EXTENDED
                  else gap_limit_days(course, phase_for_week(course, week), policy)
                  for week in range(1, LAST_PHASE_CHANGE_WEEK + 1)]
        start = 1
        for week in range(2, LAST_PHASE_CHANGE_WEEK + 2):
            if week > LAST_PHASE_CHANGE_WEEK or limits[week - 1] != limits[start - 1]:
                last = None if week > LAST_PHASE_CHANGE_WEEK else week - 1
                spans.append(GapLimitSpan(indication, interval, start, last, limits[start - 1]))
                start = week
    return tuple(spans)
