"""Chair capacity (P-HOURS, P-SLOT), the sessions courses will need (R1.1, R1.3, R1.7) on the
first open day of each due window, and which courses need booking or a nudge."""
from datetime import date, timedelta

import pytest

from spravato_ops.domain.cadence import BookedSession, CourseFacts
from spravato_ops.domain.capacity import (
    CourseDemand, booking_due, capacity_days, expected_days, nudge_window, open_minutes,
)
from spravato_ops.domain.enums import Indication, SessionState
from spravato_ops.domain.opening_hours import opening_hours_from
from spravato_ops.domain.plan import DueWindow
from spravato_ops.domain.policy import DEFAULT_POLICY, SitePolicy

MONDAY = date(2026, 3, 2)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
HOURS = opening_hours_from({"weekly": {
    **{day: [["08:00", "12:30"], ["13:00", "18:00"]] for day in WEEKDAYS},
    "sat": [["09:00", "24:00"]]}, "closures": [{"date": "2026-03-05", "reason": "Training"}]})
POLICY = SitePolicy(opening_hours=HOURS)


def day(offset):
    return MONDAY + timedelta(days=offset)


def held(*offsets, state=SessionState.DISCHARGED):
    return tuple(BookedSession(None, day(o), 56, state) for o in offsets)


def trd(start_offset, interval=1):
    return CourseFacts(Indication.TRD, day(start_offset), continuation_interval_weeks=interval)


def always_open(_day):
    return True


@pytest.mark.parametrize(("hours", "offset", "minutes"), [
    (HOURS, 0, 570),  # Monday 08:00-12:30 and 13:00-18:00: a lunch break
    (HOURS, 3, 0),  # Thursday 5 March: a closure
    (HOURS, 5, 900),  # Saturday 09:00-24:00
    (HOURS, 6, 0),  # Sunday: not in the week's hours
    (opening_hours_from({"weekly": None}), 6, 600),  # no hours set: 08:00-18:00 every day
    (opening_hours_from({"weekly": None,
                         "closures": [{"date": "2026-03-08", "reason": "Holiday"}]}), 6, 0),
])
def test_p_hours_open_minutes_per_chair(hours, offset, minutes):
    assert open_minutes(hours, day(offset)) == minutes


@pytest.mark.parametrize(("course", "sessions", "expected"), [
    # R1.1 induction, nothing booked: twice in each course week, from today.
    (trd(0), (), [0, 1, 7, 8, 14, 15, 21, 22]),
    # Induction from last Monday, held Monday and Wednesday: twice a week, weekly from week 5.
    (trd(-7), held(-7, -5), [0, 1, 7, 8, 14, 15, 21]),
    # Sessions booked ahead: the expected ones come after the last.
    (trd(-7), held(-7, -5) + held(2, 4, state=SessionState.SCHEDULED), [7, 8, 14, 15, 21]),
    # Maintenance (weeks 5-8) weekly, then weekly continuation (week 9 on).
    (trd(-35), held(-7), [0, 7, 14, 21]),
    # Every 2 weeks from week 9 (R1.1): one per 2-week block.
    (trd(-63, interval=2), held(-7), [7, 21]),
    # A late course (last seen 4 weeks ago): its next session is expected today.
    (trd(-49), held(-28), [0, 7, 14, 21]),
    # A cancelled, no-show or withheld session is not one the cadence counts.
    (trd(-35), held(-7) + held(0, state=SessionState.CANCELLED)
     + held(1, state=SessionState.WITHHELD), [0, 7, 14, 21]),
    # A course that starts later: from its start.
    (trd(10), (), [10, 11, 17, 18, 24, 25]),
])
def test_r1_1_expected_sessions_follow_the_cadence(course, sessions, expected):
    found = expected_days(CourseDemand(course, sessions), MONDAY, day(27), DEFAULT_POLICY,
                          always_open)
    assert found == [day(o) for o in expected]


def test_r1_3_an_mdsi_course_expects_nothing_after_week_4():
    course = CourseFacts(Indication.MDSI, day(-14), oral_antidepressant="sertraline")
    found = expected_days(CourseDemand(course, held(-14, -12, -7, -5)), MONDAY, day(27),
                          DEFAULT_POLICY, always_open)
    assert found == [day(o) for o in (0, 1, 7, 8)]  # weeks 3 and 4, then the course ends


def test_p_hours_an_expected_session_waits_for_the_first_open_day():
    """A course starting on a closed Thursday: Friday, Saturday; next course week on Thursday."""
    found = expected_days(CourseDemand(trd(3), ()), MONDAY, day(13), POLICY,
                          lambda d: open_minutes(HOURS, d) > 0)
    assert found == [day(4), day(5), day(10), day(11)]


def test_p_hours_a_site_never_open_keeps_the_due_day():
    found = expected_days(CourseDemand(trd(0), ()), MONDAY, day(1), POLICY, lambda d: False)
    assert found == [day(0), day(1)]


def test_p_slot_capacity_days_count_open_booked_and_expected_and_flag_the_excess():
    demands = [CourseDemand(trd(0), ()), CourseDemand(trd(-35), held(-7))]
    days = capacity_days(day(-1), day(5), today=MONDAY, chairs=2, policy=POLICY,
                         booked={day(-1): 1, day(0): 3, day(5): 12}, demands=demands)
    assert [(d.day, d.open_minutes, d.booked_sessions, d.expected_sessions) for d in days] == [
        (day(-1), 0, 1, 0),  # Sunday, past: booked only, closed
        (day(0), 1140, 3, 2),  # 2 chairs x 570; both courses due today
        (day(1), 1140, 0, 1),
        (day(2), 1140, 0, 0),
        (day(3), 0, 0, 0),  # the closure
        (day(4), 1140, 0, 0),
        (day(5), 1800, 12, 0),  # Saturday: 2 x 900 minutes, 12 x 150 booked: full, not over
    ]
    assert [d.day for d in days if d.over_capacity] == [day(-1)]
    assert days[0].booked_minutes == 150 and days[1].expected_minutes == 300
    assert days[4].closure == "Training" and days[1].closure is None


def test_p_slot_one_minute_over_is_over_capacity():
    policy = SitePolicy(slot_minutes=151, opening_hours=HOURS)
    [saturday] = capacity_days(day(5), day(5), today=MONDAY, chairs=2, policy=policy,
                               booked={day(5): 12}, demands=())
    assert saturday.over_capacity and saturday.booked_minutes == 1812


@pytest.mark.parametrize(("course", "sessions", "due", "nudge"), [
    (trd(-35), held(-7), DueWindow(day(0), day(2)), True),  # window opens today
    (trd(-35), held(-7) + held(3, state=SessionState.SCHEDULED), None, False),  # booked
    (trd(-38), held(-3), None, False),  # course week 6 (days -3 to 3) is done: due on day 4
    (trd(-49), held(-28), DueWindow(day(-27), day(-24)), False),  # late: staff alert instead
    (trd(2), (), None, False),  # starts on Wednesday
    (trd(0), (), DueWindow(day(0), day(4)), True),  # starts today, nothing booked
    (CourseFacts(Indication.MDSI, day(-28), oral_antidepressant="x"),
     held(-28, -26, -21, -19, -14, -12, -7, -5), None, False),  # R1.3: week 5, it is over
])
def test_r1_7_booking_due_and_the_nudge_window(course, sessions, due, nudge):
    assert booking_due(course, sessions, MONDAY, DEFAULT_POLICY) == due
    assert nudge_window(course, sessions, MONDAY, DEFAULT_POLICY) == (due if nudge else None)
