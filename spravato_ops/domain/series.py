"""Series booking: the sessions a course's cadence allows on chosen weekdays over a span, each
on a free chair inside the opening hours (R1.1, R1.2, R1.3, R1.8, P-HOURS, P-SLOT).

Pure: the service passes the course, its sessions, the site, the chairs' bookings and `now`.
The service then checks every proposal with the booking rules, as a single booking is.
"""
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Iterable, Mapping, Sequence

from .cadence import (
    NOT_A_VISIT, NOT_COUNTED, BookedSession, CadenceWindow, CourseFacts, cadence_window,
    phase_for_week, same_day_session,
)
from .calendar import course_week, local_instant, week_bounds
from .enums import Indication, Phase
from .label import (
    DAYS_PER_WEEK, INDUCTION_LAST_WEEK, MAINTENANCE_LAST_WEEK, MDSI_LAST_WEEK,
    TRD_STARTING_DOSE_MG,
)
from .opening_hours import RULE as HOURS_RULE, OpeningHours, opening_violations
from .schedule import LONGEST_SLOT

MAX_SERIES_WEEKS = 12  # continuation has no end: a series spans at most this many weeks
MAX_SERIES_SESSIONS = 2 * MAX_SERIES_WEEKS  # no phase allows more than 2 sessions a week
MAX_SEARCH_MINUTES = 240  # how far a start may move to find a free chair
SEARCH_STEP_MINUTES = 5
MDSI_DOSE_MG = 84  # R1.3: 84 mg twice weekly
# The last course week of the phases that end (R1.1, R1.3); the others run on.
PHASE_LAST_WEEK = {Phase.INDUCTION: INDUCTION_LAST_WEEK, Phase.MAINTENANCE: MAINTENANCE_LAST_WEEK,
                   Phase.MDSI: MDSI_LAST_WEEK}


@dataclass(frozen=True)
class SeriesRequest:
    """Weekdays (0 = Monday), a site-local start time, the preferred chair, the span (`weeks`,
    or None for the rest of the current phase), a dose (None: per R1.2) and how many minutes
    a start may move to find a free chair."""

    weekdays: frozenset[int]
    start_time: time
    chair_id: int
    weeks: int | None = None
    dose_mg: int | None = None
    window_minutes: int = 60


@dataclass(frozen=True)
class SeriesSite:
    """The site as a series needs it: zone, P-HOURS, P-SLOT and its chairs in use, in order."""

    timezone: str
    hours: OpeningHours
    slot: timedelta
    chair_ids: tuple[int, ...]


@dataclass(frozen=True)
class Proposal:
    """A proposed session. `placed` is False when no chair was free inside the hours within
    the window: it keeps the requested start and chair, and the booking checks say why."""

    day: date
    week: int
    phase: Phase
    start: datetime
    end: datetime
    chair_id: int
    dose_mg: int
    requested_start: datetime
    placed: bool


@dataclass(frozen=True)
class Skipped:
    """A chosen weekday with no proposal, and the rule that leaves it out."""

    day: date
    rule: str
    reason: str


@dataclass(frozen=True)
class SeriesPlan:
    first_day: date
    last_day: date
    proposals: tuple[Proposal, ...]
    skipped: tuple[Skipped, ...]


class ChairBookings:
    """The blocks taken on each chair (UTC), asked "is this chair free from start to end?"."""

    def __init__(self, busy: Mapping[int, Iterable[tuple[datetime, datetime]]]):
        self._blocks = {chair: sorted(blocks) for chair, blocks in busy.items()}
        self._starts = {chair: [b[0] for b in blocks] for chair, blocks in self._blocks.items()}

    def free(self, chair_id: int, start: datetime, end: datetime) -> bool:
        # A block overlapping [start, end) starts before `end` and, being at most
        # LONGEST_SLOT long, after `start - LONGEST_SLOT`.
        starts = self._starts.get(chair_id, ())
        low = bisect_right(starts, start - LONGEST_SLOT)
        high = bisect_left(starts, end)
        return not any(b_end > start for _, b_end in self._blocks.get(chair_id, [])[low:high])


def series_days(course: CourseFacts, request: SeriesRequest, today: date,
                now: datetime, tz_name: str) -> tuple[date, date]:
    """First and last day of a series: from today (tomorrow once today's start has passed),
    not before the course starts, for `weeks` weeks or to the end of the current phase
    (R1.1, R1.3), never more than MAX_SERIES_WEEKS."""
    first = today if local_instant(today, request.start_time, tz_name) > now else (
        today + timedelta(days=1))
    first = max(first, course.start_date)
    capped = first + timedelta(days=DAYS_PER_WEEK * MAX_SERIES_WEEKS - 1)
    if request.weeks is not None:
        return first, first + timedelta(days=DAYS_PER_WEEK * min(request.weeks,
                                                                 MAX_SERIES_WEEKS) - 1)
    phase = phase_for_week(course, course_week(course.start_date, first))
    last_week = PHASE_LAST_WEEK.get(phase)
    if last_week is None:
        return first, capped
    return first, min(capped, week_bounds(course.start_date, last_week)[1])


def series_dose(course: CourseFacts, asked: int | None, earlier_doses: Sequence[int]) -> int:
    """The dose of a proposed session (R1.2, R1.3): a TRD course's first session is 56 mg
    whatever is asked; else the dose asked; else the last dose, or for a first session 56 mg
    (TRD) or 84 mg (MDSI)."""
    if not earlier_doses and course.indication == Indication.TRD:
        return TRD_STARTING_DOSE_MG
    if asked is not None:
        return asked
    if earlier_doses:
        return earlier_doses[-1]
    return MDSI_DOSE_MG


def search_offsets(window_minutes: int) -> list[int]:
    """Minutes to move a start by, nearest first, later before earlier: 0, 5, -5, 10, -10..."""
    offsets = [0]
    for minutes in range(SEARCH_STEP_MINUTES, window_minutes + 1, SEARCH_STEP_MINUTES):
        offsets += [minutes, -minutes]
    return offsets


def place_session(request: SeriesRequest, site: SeriesSite, chairs: ChairBookings, day: date,
                  now: datetime) -> tuple[datetime, int, bool]:
    """(start, chair, placed) of a day's session: the requested start on the preferred chair,
    else on another free chair, else the nearest start within the window on any chair whose
    block fits the opening hours (P-HOURS, P-SLOT) and lies ahead of `now`."""
    requested = local_instant(day, request.start_time, site.timezone)
    order = (request.chair_id, *(c for c in site.chair_ids if c != request.chair_id))
    for offset in search_offsets(request.window_minutes):
        start = requested + timedelta(minutes=offset)
        end = start + site.slot
        if start <= now or opening_violations(site.hours, start, end, site.timezone):
            continue
        chair = next((c for c in order if chairs.free(c, start, end)), None)
        if chair is not None:
            return start, chair, True
    return requested, request.chair_id, False


def _window_days(course: CourseFacts, window: CadenceWindow) -> tuple[date, date]:
    return (week_bounds(course.start_date, window.first_week)[0],
            week_bounds(course.start_date, window.last_week)[1])


def _window_full(course: CourseFacts, day: date, counted: Sequence[date]) -> Skipped | None:
    """R1.1 / R1.3: the reason a day is left out when its cadence window is full."""
    week = course_week(course.start_date, day)
    window = cadence_window(course, week)
    first, last = _window_days(course, window)
    used = sum(1 for held_day in counted if first <= held_day <= last)
    if used < window.limit:
        return None
    weeks = (f"week {week}" if window.first_week == window.last_week
             else f"weeks {window.first_week}-{window.last_week}")
    rule = "R1.3" if window.phase in (Phase.MDSI, Phase.MDSI_EXTENDED) else "R1.1"
    return Skipped(day, rule, f"{window.phase.value.capitalize()} allows {window.limit} "
                   f"session(s) in {weeks}; {used} already booked or proposed.")


def _closed(site: SeriesSite, day: date, request: SeriesRequest) -> Skipped | None:
    """P-HOURS: the reason a day is left out when the site is closed on it."""
    start = local_instant(day, request.start_time, site.timezone)
    found = [v for v in opening_violations(site.hours, start, start + site.slot, site.timezone)
             if v.code == "site_closed"]
    return Skipped(day, HOURS_RULE, found[0].message) if found else None


def propose_series(course: CourseFacts, sessions: Sequence[BookedSession],
                   request: SeriesRequest, site: SeriesSite,
                   busy: Mapping[int, Iterable[tuple[datetime, datetime]]], *, today: date,
                   now: datetime, other_courses: Iterable[BookedSession] = ()) -> SeriesPlan:
    """Propose a session on each chosen weekday of the span that the cadence allows.

    `sessions` are the course's (any state), `other_courses` the patient's other sessions,
    `busy` the blocks taken on each chair. A day is left out (Skipped) when the patient
    already has a session that day (R1.8), its cadence window is full counting the sessions
    booked and those proposed before it (R1.1, R1.3), or the site is closed (P-HOURS), so a
    later weekday of the same window takes its place.
    """
    first, last = series_days(course, request, today, now, site.timezone)
    chairs = ChairBookings(busy)
    held = {s.local_day for s in (*sessions, *other_courses) if s.state not in NOT_A_VISIT}
    counted = sorted((s.local_day, s.dose_mg) for s in sessions if s.state not in NOT_COUNTED)
    proposals, skipped = [], []
    day = first
    while day <= last:
        if day.weekday() in request.weekdays:
            found = _propose_day(course, request, site, chairs, day, now, held, counted)
            (proposals if isinstance(found, Proposal) else skipped).append(found)
            if isinstance(found, Proposal):
                counted = sorted([*counted, (day, found.dose_mg)])
        day += timedelta(days=1)
    return SeriesPlan(first, last, tuple(proposals), tuple(skipped))


def _propose_day(course, request, site, chairs, day, now, held, counted):
    """The day's Proposal, or the Skipped that says why there is none."""
    if day in held:
        return Skipped(day, "R1.8", same_day_session(day).message)
    skipped = (_window_full(course, day, [d for d, _ in counted])
               or _closed(site, day, request))
    if skipped is not None:
        return skipped
    week = course_week(course.start_date, day)
    start, chair_id, placed = place_session(request, site, chairs, day, now)
    dose = series_dose(course, request.dose_mg, [mg for d, mg in counted if d < day])
    return Proposal(day, week, phase_for_week(course, week), start, start + site.slot, chair_id,
                    dose, local_instant(day, request.start_time, site.timezone), placed)
