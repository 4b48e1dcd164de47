"""Chair capacity per site-local day (P-HOURS, P-SLOT) against the sessions booked and those
the active courses will need (R1.1, R1.3, R1.7), and the courses that need booking now.

Expected sessions: from the course's last booked session on, each next session (the plan's
next due window, `plan.next_due_window`) is put on the first day of its window, not before
today, on which the site is open; the one after it is then due from that day, and so on to
the end of the forecast. That is the earliest the cadence lets the demand come.
"""
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Callable, Iterable, Mapping

from .cadence import NOT_COUNTED, BookedSession, CourseFacts
from .calendar import course_week
from .enums import SessionState
from .opening_hours import OpeningHours
from .plan import DueWindow, next_due_window, week_counts
from .policy import SitePolicy

# A site that sets no P-HOURS (bookings unrestricted) counts as open 08:00-18:00 every day.
DEFAULT_OPEN_SPANS = ((time(8), time(18)),)
MINUTES_PER_DAY = 24 * 60
# How many days past its due day an expected session looks for a day the site is open;
# none found: it stays on its due day, which then shows over capacity.
OPEN_DAY_SEARCH_DAYS = 14


@dataclass(frozen=True)
class CourseDemand:
    """An active course and its sessions (any state), as the forecast reads them."""

    course: CourseFacts
    sessions: tuple[BookedSession, ...]


@dataclass(frozen=True)
class CapacityDay:
    """One site-local day: chair-minutes open, booked and expected, and a closure's reason."""

    day: date
    open_minutes: int
    booked_sessions: int
    expected_sessions: int
    slot_minutes: int
    closure: str | None = None

    @property
    def booked_minutes(self) -> int:
        return self.booked_sessions * self.slot_minutes

    @property
    def expected_minutes(self) -> int:
        return self.expected_sessions * self.slot_minutes

    @property
    def over_capacity(self) -> bool:
        return self.booked_minutes + self.expected_minutes > self.open_minutes


def _minute_of_day(moment: time) -> int:
    return MINUTES_PER_DAY if moment == time.max else moment.hour * 60 + moment.minute


def open_minutes(hours: OpeningHours, day: date) -> int:
    """Minutes one chair is open on a site-local day (P-HOURS): 0 on a closure or a closed
    weekday; DEFAULT_OPEN_SPANS when the site sets no hours. Minutes as on the clock."""
    if hours.closure(day) is not None:
        return 0
    spans = hours.spans(day)
    return sum(_minute_of_day(end) - _minute_of_day(start)
               for start, end in (DEFAULT_OPEN_SPANS if spans is None else spans))


def _first_open_day(day: date, is_open: Callable[[date], bool]) -> date:
    for offset in range(OPEN_DAY_SEARCH_DAYS):
        candidate = day + timedelta(days=offset)
        if is_open(candidate):
            return candidate
    return day


def expected_days(demand: CourseDemand, today: date, last_day: date, policy: SitePolicy,
                  is_open: Callable[[date], bool]) -> list[date]:
    """The days of the course's sessions still to book, from today to `last_day` (R1.1,
    R1.3, R1.7): each on the first open day of its due window (not before today)."""
    course, counts = demand.course, week_counts(demand.course, demand.sessions)
    anchor = max((s for s in demand.sessions if s.state not in NOT_COUNTED),
                 key=lambda s: s.local_day, default=None)
    placed: list[date] = []
    while True:
        window = next_due_window(course, [anchor] if anchor else [], today, policy, counts)
        if window is None:  # R1.3: an MDSI course ends after week 4
            return placed
        day = _first_open_day(max(window.earliest, today), is_open)
        if day > last_day:
            return placed
        placed.append(day)
        week = course_week(course.start_date, day)
        counts[week] = counts.get(week, 0) + 1
        anchor = BookedSession(None, day, 0, SessionState.SCHEDULED)


def capacity_days(first_day: date, last_day: date, *, today: date, chairs: int,
                  policy: SitePolicy, booked: Mapping[date, int],
                  demands: Iterable[CourseDemand]) -> tuple[CapacityDay, ...]:
    """Per site-local day from `first_day` to `last_day`: chair-minutes open (active chairs x
    P-HOURS), booked (`booked`: sessions that are visits, per day, P-SLOT each) and expected
    (the courses' sessions not yet booked, P-SLOT each, from today on)."""
    hours = policy.opening_hours
    per_chair: dict[date, int] = {}

    def chair_minutes(day: date) -> int:
        if day not in per_chair:
            per_chair[day] = open_minutes(hours, day)
        return per_chair[day]

    expected: dict[date, int] = {}
    if last_day >= today:
        for demand in demands:
            for day in expected_days(demand, today, last_day, policy,
                                     lambda d: chair_minutes(d) > 0):
                expected[day] = expected.get(day, 0) + 1
    days = []
    for offset in range((last_day - first_day).days + 1):
        day = first_day + timedelta(days=offset)
        closure = hours.closure(day)
        days.append(CapacityDay(day, chairs * chair_minutes(day), booked.get(day, 0),
                                expected.get(day, 0), policy.slot_minutes,
                                closure.reason if closure else None))
    return tuple(days)


def booking_due(course: CourseFacts, sessions: Iterable[BookedSession], today: date,
                policy: SitePolicy) -> DueWindow | None:
    """The next due window when it is open (earliest <= today), else None (R1.1, R1.7).

    An open window means no session that counts is booked from today on: the window starts
    after the last one.
    """
    window = next_due_window(course, list(sessions), today, policy)
    return window if window is not None and window.earliest <= today else None


def nudge_window(course: CourseFacts, sessions: Iterable[BookedSession], today: date,
                 policy: SitePolicy) -> DueWindow | None:
    """The due window a patient is asked to call the clinic about: open and not yet past its
    latest day (a later gap is the staff's cadence alert, R1.7), else None."""
    window = booking_due(course, sessions, today, policy)
    return window if window is not None and today <= window.latest else None
