"""Site-local days, DST and course weeks (R1.1 weeks, R1.8 same day)."""
from datetime import date, datetime, timedelta, timezone

import pytest

from spravato_ops.domain import check_booking, course_week, local_date, local_day_bounds

from .builders import booked, codes, trd

UTC = timezone.utc
NY = "America/New_York"


@pytest.mark.parametrize("day, tz, hours", [
    (date(2026, 3, 8), NY, 23),  # spring forward
    (date(2026, 11, 1), NY, 25),  # fall back
    (date(2026, 3, 9), NY, 24),
    (date(2026, 3, 8), "Asia/Kolkata", 24),
    (date(2026, 3, 8), "America/Phoenix", 24),
    (date(2026, 9, 6), "America/Santiago", 23),  # DST starts at local midnight
])
def test_local_day_bounds_follow_dst(day, tz, hours):
    start, end = local_day_bounds(day, tz)
    assert start.tzinfo is not None and start.utcoffset() == timedelta(0)
    assert end - start == timedelta(hours=hours)
    assert local_date(start, tz) == day
    assert local_date(end - timedelta(microseconds=1), tz) == day
    assert local_date(end, tz) == day + timedelta(days=1)


def test_day_bounds_exact_new_york():
    assert local_day_bounds(date(2026, 3, 8), NY) == (
        datetime(2026, 3, 8, 5, tzinfo=UTC), datetime(2026, 3, 9, 4, tzinfo=UTC))
    assert local_day_bounds(date(2026, 11, 1), NY) == (
        datetime(2026, 11, 1, 4, tzinfo=UTC), datetime(2026, 11, 2, 5, tzinfo=UTC))


@pytest.mark.parametrize("instant, tz, expected", [
    # 23:30 EST on 7 March is 04:30 UTC on 8 March
    (datetime(2026, 3, 8, 4, 30, tzinfo=UTC), NY, date(2026, 3, 7)),
    (datetime(2026, 3, 8, 5, 0, tzinfo=UTC), NY, date(2026, 3, 8)),
    # after spring forward the offset is -4: 03:59 UTC on 9 March is still 8 March
    (datetime(2026, 3, 9, 3, 59, tzinfo=UTC), NY, date(2026, 3, 8)),
    # fall back: 01:30 happens twice on 1 November, both on the same day
    (datetime(2026, 11, 1, 5, 30, tzinfo=UTC), NY, date(2026, 11, 1)),
    (datetime(2026, 11, 1, 6, 30, tzinfo=UTC), NY, date(2026, 11, 1)),
    (datetime(2026, 11, 2, 4, 59, tzinfo=UTC), NY, date(2026, 11, 1)),
    (datetime(2026, 3, 7, 18, 29, tzinfo=UTC), "Asia/Kolkata", date(2026, 3, 7)),
    (datetime(2026, 3, 7, 18, 30, tzinfo=UTC), "Asia/Kolkata", date(2026, 3, 8)),
    (datetime(2026, 3, 9, 6, 59, tzinfo=UTC), "America/Phoenix", date(2026, 3, 8)),
])
def test_local_date(instant, tz, expected):
    assert local_date(instant, tz) == expected


def test_local_date_refuses_naive():
    with pytest.raises(ValueError):
        local_date(datetime(2026, 3, 8, 12), NY)


@pytest.mark.parametrize("tz", [NY, "Asia/Kolkata", "America/Phoenix"])
@pytest.mark.parametrize("day", [date(2026, 3, 8), date(2026, 11, 1)])
def test_r1_8_same_day_detected_across_dst(tz, day):
    """R1.8: two instants in one local day (first and last minute) are the same day."""
    start, end = local_day_bounds(day, tz)
    first, last = local_date(start, tz), local_date(end - timedelta(minutes=1), tz)
    course = trd(start=date(2026, 2, 2))
    found = check_booking(course, last, 56, [booked(first, state="scheduled")])
    assert "same_day_session" in codes(found)
    next_day = local_date(end, tz)
    assert "same_day_session" not in codes(check_booking(course, next_day, 56,
                                                         [booked(first, state="scheduled")]))


@pytest.mark.parametrize("start, day, week", [
    (date(2026, 3, 2), date(2026, 3, 1), 0),
    (date(2026, 3, 2), date(2026, 3, 2), 1),
    (date(2026, 3, 2), date(2026, 3, 8), 1),  # spring-forward Sunday still week 1
    (date(2026, 3, 2), date(2026, 3, 9), 2),
    (date(2026, 10, 26), date(2026, 11, 1), 1),  # fall-back Sunday
    (date(2026, 10, 26), date(2026, 11, 2), 2),
    (date(2026, 1, 5), date(2026, 3, 1), 8),
    (date(2026, 1, 5), date(2026, 3, 2), 9),
])
def test_r1_1_course_week_counts_calendar_days(start, day, week):
    assert course_week(start, day) == week


def test_r1_1_course_week_of_a_local_instant_across_dst():
    """A late-evening NY session in the DST week maps to the right course week."""
    start = date(2026, 3, 2)
    instant = datetime(2026, 3, 9, 3, 30, tzinfo=UTC)  # 23:30 EDT on Sunday 8 March
    assert course_week(start, local_date(instant, NY)) == 1
    assert course_week(start, local_date(instant, "Asia/Kolkata")) == 2
