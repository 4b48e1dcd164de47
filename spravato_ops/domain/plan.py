"""Course plan: weeks with phase, limit and bookings, and the next due window (R1.1, R1.3, R1.7)."""
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterable, Sequence

from .cadence import (
    NOT_COUNTED, BookedSession, CadenceWindow, CourseFacts, cadence_window, course_milestones,
    gap_limit_days,
)
from .calendar import course_week, week_bounds
from .enums import Indication, Phase
from .label import MDSI_LAST_WEEK
from .policy import DEFAULT_POLICY, SitePolicy

MAX_DUE_SEARCH_DAYS = 35


@dataclass(frozen=True)
class PlanWeek:
    week: int
    starts_on: date
    ends_on: date
    phase: Phase
    allowed: int
    booked: int
    window_first_week: int
    window_last_week: int
    window_booked: int


@dataclass(frozen=True)
class DueWindow:
    earliest: date
    latest: date


@dataclass(frozen=True)
class CoursePlan:
    weeks: tuple[PlanWeek, ...]
    next_due: DueWindow | None
    induction_ends_on: date | None
    mdsi_ends_on: date | None


def week_counts(course: CourseFacts, sessions: Iterable[BookedSession]) -> dict[int, int]:
    """Sessions that count (R1.1) per course week."""
    counts: dict[int, int] = {}
    for s in sessions:
        if s.state not in NOT_COUNTED:
            week = course_week(course.start_date, s.local_day)
            counts[week] = counts.get(week, 0) + 1
    return counts


def _window_count(course: CourseFacts, week: int,
                  counts: dict[int, int]) -> tuple[CadenceWindow, int]:
    window = cadence_window(course, week)
    return window, sum(counts.get(w, 0) for w in range(window.first_week, window.last_week + 1))


def course_plan(course: CourseFacts, sessions: Sequence[BookedSession], today: date,
                weeks_ahead: int = 4, policy: SitePolicy = DEFAULT_POLICY) -> CoursePlan:
    """Return course weeks with phase, limit, bookings and the next due window (R1.1, R1.3, R1.7).

    Weeks run from 1 to the later of today's week + `weeks_ahead` and the last
    booked week; an MDSI plan stops at week 4 unless sessions were booked later.
    """
    counts = week_counts(course, sessions)
    last_booked = max((w for w in counts if w > 0), default=1)
    horizon = course_week(course.start_date, today) + weeks_ahead
    if course.indication == Indication.MDSI:
        horizon = MDSI_LAST_WEEK
    weeks = []
    for week in range(1, max(horizon, last_booked, 1) + 1):
        window, window_booked = _window_count(course, week, counts)
        starts_on, ends_on = week_bounds(course.start_date, week)
        weeks.append(PlanWeek(week, starts_on, ends_on, window.phase, window.limit,
                              counts.get(week, 0), window.first_week, window.last_week,
                              window_booked))
    milestones = course_milestones(course, today)
    return CoursePlan(tuple(weeks), next_due_window(course, sessions, today, policy, counts),
                      milestones.induction_ends_on, milestones.mdsi_ends_on)


def next_due_window(course: CourseFacts, sessions: Sequence[BookedSession], today: date,
                    policy: SitePolicy = DEFAULT_POLICY,
                    counts: dict[int, int] | None = None) -> DueWindow | None:
    """Return when the session after the last booked one is due (R1.1, R1.7, P-CADENCE).

    earliest: the first day after the last booked session (or today, not before the
    start) whose cadence window has room; latest: that session + the phase's P-CADENCE
    gap. None once an MDSI course reaches week 5. Past windows mean the session is late.
    """
    counts = week_counts(course, sessions) if counts is None else counts
    booked = [s.local_day for s in sessions if s.state not in NOT_COUNTED]
    anchor = max(booked, default=None)
    day = max(anchor + timedelta(days=1) if anchor else today, course.start_date)
    give_up = day + timedelta(days=MAX_DUE_SEARCH_DAYS)
    while True:
        window, used = _window_count(course, course_week(course.start_date, day), counts)
        if used < window.limit:
            break
        # A full window: its days all are; look on from the day after it.
        day = week_bounds(course.start_date, window.last_week)[1] + timedelta(days=1)
        if day >= give_up:
            day = give_up
            break
    if window.phase == Phase.MDSI_EXTENDED:
        return None
    latest = (anchor or day) + timedelta(days=gap_limit_days(course, window.phase, policy))
    return DueWindow(day, max(day, latest))


def week_note(week: PlanWeek, today: date) -> str | None:
    """What a course week still asks of the schedulers (R1.1, R1.3, R1.7).

    "due": the week runs today and its cadence window has room for a session; "gap": the
    window ended on this week with no session held or booked in it; else None.
    """
    if week.starts_on <= today <= week.ends_on and week.window_booked < week.allowed:
        return "due"
    if week.ends_on < today and week.week == week.window_last_week and week.window_booked == 0:
        return "gap"
    return None
