"""Course phases, session limits, booking checks and gaps (R1.1, R1.3, R1.4, R1.7, R1.8)."""
from dataclasses import dataclass
from datetime import date
from typing import Iterable, Sequence

from .calendar import course_week, week_bounds
from .doses import check_dose
from .enums import AlertKind, Indication, Phase, SessionState
from .label import (
    CONTINUATION_SESSIONS_PER_WINDOW, INDUCTION_LAST_WEEK, INDUCTION_SESSIONS_PER_WEEK,
    MAINTENANCE_LAST_WEEK, MAINTENANCE_SESSIONS_PER_WEEK, MDSI_LAST_WEEK,
    MDSI_SESSIONS_PER_WEEK, PHASE_END_NOTICE_DAYS,
)
from .policy import DEFAULT_POLICY, SitePolicy
from .violations import Violation, hard_stop, soft_stop

# R1.8: a cancelled or no-show session frees its day; a withheld one still happened that day.
NOT_A_VISIT = frozenset({SessionState.CANCELLED, SessionState.NO_SHOW})
# R1.1: sessions that count towards a week's limit (a withheld session gave no dose).
NOT_COUNTED = NOT_A_VISIT | {SessionState.WITHHELD}


@dataclass(frozen=True)
class CourseFacts:
    indication: Indication
    start_date: date
    continuation_interval_weeks: int = 1
    oral_antidepressant: str | None = None


@dataclass(frozen=True)
class BookedSession:
    session_id: int | None
    local_day: date
    dose_mg: int
    state: SessionState


@dataclass(frozen=True)
class CadenceWindow:
    """Course weeks first..last share one limit of `limit` sessions."""

    phase: Phase
    first_week: int
    last_week: int
    limit: int


@dataclass(frozen=True)
class CadenceGap:
    phase: Phase
    last_session_day: date | None
    days_since: int
    limit_days: int


@dataclass(frozen=True)
class CourseMilestones:
    induction_ends_on: date | None
    mdsi_ends_on: date | None
    ending: AlertKind | None


def phase_for_week(course: CourseFacts, week: int) -> Phase:
    """Return the phase of a course week (R1.1 TRD, R1.3 MDSI); weeks start at 1."""
    if week < 1:
        raise ValueError("course weeks start at 1")
    if course.indication == Indication.MDSI:
        return Phase.MDSI if week <= MDSI_LAST_WEEK else Phase.MDSI_EXTENDED
    if week <= INDUCTION_LAST_WEEK:
        return Phase.INDUCTION
    return Phase.MAINTENANCE if week <= MAINTENANCE_LAST_WEEK else Phase.CONTINUATION


def cadence_window(course: CourseFacts, week: int) -> CadenceWindow:
    """Return the weeks that share a session limit with `week` (R1.1, R1.3).

    Every-2-weeks continuation counts in 2-week blocks starting at week 9
    (weeks 9-10, 11-12, ...), at most one session per block. Beyond MDSI week 4
    the twice-weekly limit still applies; the extension itself is a soft stop.
    """
    phase = phase_for_week(course, week)
    if phase in (Phase.MDSI, Phase.MDSI_EXTENDED):
        return CadenceWindow(phase, week, week, MDSI_SESSIONS_PER_WEEK)
    if phase == Phase.INDUCTION:
        return CadenceWindow(phase, week, week, INDUCTION_SESSIONS_PER_WEEK)
    if phase == Phase.MAINTENANCE:
        return CadenceWindow(phase, week, week, MAINTENANCE_SESSIONS_PER_WEEK)
    span = max(1, course.continuation_interval_weeks)
    first = week - (week - MAINTENANCE_LAST_WEEK - 1) % span
    return CadenceWindow(phase, first, first + span - 1, CONTINUATION_SESSIONS_PER_WINDOW)


def sessions_allowed(course: CourseFacts, week: int) -> int:
    """Return the session limit of the cadence window holding `week` (R1.1, R1.3)."""
    return cadence_window(course, week).limit


def check_oral_antidepressant(indication: Indication,
                              oral_antidepressant: str | None) -> list[Violation]:
    """R1.3: MDSI requires a recorded oral antidepressant (hard stop); TRD does not (R1.4)."""
    if indication == Indication.MDSI and not (oral_antidepressant or "").strip():
        return [hard_stop("R1.3", "mdsi_requires_oral_antidepressant",
                          "MDSI treatment requires a recorded oral antidepressant.")]
    return []


def same_day_session(day: date) -> Violation:
    """R1.8: the patient already has a session on this site-local day (hard stop)."""
    return hard_stop("R1.8", "same_day_session", f"The patient already has a session on {day}.")


def _holds_its_day(s: BookedSession, exclude_session_id: int | None) -> bool:
    """R1.8: a session that is a visit, other than the one being rescheduled."""
    return s.state not in NOT_A_VISIT and (exclude_session_id is None
                                           or s.session_id != exclude_session_id)


def _scan(sessions: Iterable[BookedSession], day: date, window: tuple[date, date] | None,
          exclude_session_id: int | None) -> tuple[bool, int, list[int]]:
    """One pass: is the day taken, how many count in the window, doses of earlier days."""
    same_day, in_window, earlier_doses = False, 0, []
    for s in sessions:
        if not _holds_its_day(s, exclude_session_id):
            continue
        if s.local_day == day:
            same_day = True
        if s.state in NOT_COUNTED:
            continue
        if window is not None and window[0] <= s.local_day <= window[1]:
            in_window += 1
        if s.local_day < day:
            earlier_doses.append(s.dose_mg)
    return same_day, in_window, earlier_doses


def check_booking(course: CourseFacts, proposed_day: date, proposed_dose_mg: int,
                  sessions: Sequence[BookedSession], exclude_session_id: int | None = None,
                  other_courses: Iterable[BookedSession] = ()) -> list[Violation]:
    """Check a session booked on a site-local day (R1.1, R1.2, R1.3, R1.4, R1.8); all violations.

    `sessions` are the patient's other sessions of the course (past and future);
    `other_courses` those of the patient's other courses, which count for R1.8 only;
    `exclude_session_id` leaves out the session being rescheduled. Doses are checked
    against sessions on earlier days (booked or given); the service re-checks the
    dose against given doses at dosing. TRD needs no oral antidepressant (R1.4).
    """
    violations: list[Violation] = []
    week = course_week(course.start_date, proposed_day)
    window = cadence_window(course, week) if week else None
    days = (week_bounds(course.start_date, window.first_week)[0],
            week_bounds(course.start_date, window.last_week)[1]) if window else None
    same_day, in_window, earlier_doses = _scan(sessions, proposed_day, days, exclude_session_id)
    same_day = same_day or any(s.local_day == proposed_day and _holds_its_day(s, exclude_session_id)
                               for s in other_courses)
    if week == 0:
        violations.append(hard_stop("R1.1", "before_course_start",
                                    f"{proposed_day} is before the course starts "
                                    f"({course.start_date})."))
    violations.extend(check_oral_antidepressant(course.indication, course.oral_antidepressant))
    if same_day:
        violations.append(same_day_session(proposed_day))
    if window is not None:
        violations.extend(_window_violations(window, week, in_window))
    violations.extend(check_dose(course.indication, proposed_dose_mg, earlier_doses))
    return violations


def _window_violations(window: CadenceWindow, week: int, in_window: int) -> list[Violation]:
    """R1.1 / R1.3 limits for one more session in `window`."""
    found = []
    if window.phase == Phase.MDSI_EXTENDED:
        found.append(soft_stop("R1.3", "mdsi_beyond_4_weeks",
                               f"Week {week}: MDSI use beyond 4 weeks has not been "
                               "systematically evaluated."))
    if in_window + 1 > window.limit:
        weeks = (f"week {window.first_week}" if window.first_week == window.last_week
                 else f"weeks {window.first_week}-{window.last_week}")
        found.append(soft_stop("R1.1", "cadence_exceeded",
                               f"{window.phase.value.capitalize()} allows {window.limit} "
                               f"session(s) in {weeks}; {in_window} already booked."))
    return found


def gap_limit_days(course: CourseFacts, phase: Phase, policy: SitePolicy) -> int:
    """Return the P-CADENCE gap for a phase (R1.7): twice weekly, weekly or every 2 weeks."""
    gaps = policy.cadence_gap_days
    if phase in (Phase.INDUCTION, Phase.MDSI, Phase.MDSI_EXTENDED):
        return gaps.induction
    if phase == Phase.CONTINUATION and course.continuation_interval_weeks == 2:
        return gaps.every_2_weeks
    return gaps.weekly


def cadence_gap(course: CourseFacts, last_session_day: date | None, today: date,
                policy: SitePolicy = DEFAULT_POLICY) -> CadenceGap | None:
    """Return the gap when more than P-CADENCE days passed without a session (R1.7), else None.

    The limit is that of today's phase; with no session yet the gap runs from the
    course start. No alert before the start or after MDSI week 4 (the course is over).
    The scheduler alerts; it never re-plans.
    """
    week = course_week(course.start_date, today)
    if week == 0:
        return None
    phase = phase_for_week(course, week)
    if phase == Phase.MDSI_EXTENDED:
        return None
    anchor = last_session_day or course.start_date
    days_since = (today - anchor).days
    limit = gap_limit_days(course, phase, policy)
    return CadenceGap(phase, last_session_day, days_since, limit) if days_since > limit else None


def course_milestones(course: CourseFacts, today: date) -> CourseMilestones:
    """Return when TRD induction or the 4 MDSI weeks end, and whether that is near (R1.1, R1.3)."""
    last_week = INDUCTION_LAST_WEEK if course.indication == Indication.TRD else MDSI_LAST_WEEK
    ends_on = week_bounds(course.start_date, last_week)[1]
    kind = (AlertKind.INDUCTION_ENDING if course.indication == Indication.TRD
            else AlertKind.MDSI_COURSE_ENDING)
    near = 0 <= (ends_on - today).days < PHASE_END_NOTICE_DAYS
    if course.indication == Indication.TRD:
        return CourseMilestones(ends_on, None, kind if near else None)
    return CourseMilestones(None, ends_on, kind if near else None)
