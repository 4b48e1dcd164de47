"""Conditions the scheduler's sweeps alert staff about while they hold (R1.1, R1.3, R1.7, R2.2,
R2.3, R3.2, R3.4, R4.3); an alert resolves itself when its condition no longer holds.

Each condition carries an `instance`: what makes this occurrence distinct (a due time, the
day of the last session), so that the same condition arising again later is a new alert.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Iterable, Sequence

from .cadence import CourseFacts, cadence_gap, course_milestones, gap_limit_days, phase_for_week
from .calendar import course_week, zone
from .discharge import DischargeReadiness
from .enums import AlertKind, Phase, Role, SessionState, TimerCode, TimerState
from .policy import SitePolicy
from .rems import form_reminder_due, rems_form_deadline
from .timers import Timer

# Service choices (not label): how long an arrived patient waits before staff are told, and
# for how long a no-show stays an alert of its own (the cadence gap alert follows it).
ARRIVAL_WAIT = timedelta(minutes=15)
MISSED_SESSION_DAYS = 14

# (timer, state) -> (alert kind, rule)
TIMER_CONDITIONS = {
    (TimerCode.POST_DOSE_BP, TimerState.DUE): (AlertKind.POST_DOSE_BP_DUE, "R2.2"),
    (TimerCode.POST_DOSE_BP, TimerState.OVERDUE): (AlertKind.POST_DOSE_BP_OVERDUE, "R2.2"),
    (TimerCode.BP_RECHECK, TimerState.DUE): (AlertKind.BP_RECHECK_DUE, "R2.3"),
    (TimerCode.BP_RECHECK, TimerState.OVERDUE): (AlertKind.BP_RECHECK_DUE, "R2.3"),
    (TimerCode.OBSERVATION, TimerState.OVERDUE): (AlertKind.OBSERVATION_OVERDUE, "R3.2"),
}
TIMER_MESSAGES = {
    AlertKind.POST_DOSE_BP_DUE: "Post-dose blood pressure is due (40 min after the first device).",
    AlertKind.POST_DOSE_BP_OVERDUE: "Post-dose blood pressure is overdue (due by {due}).",
    AlertKind.BP_RECHECK_DUE: "Blood pressure recheck due since {due}: the last reading was "
                              "above the alert level.",
    AlertKind.OBSERVATION_OVERDUE: "Observation overdue: it was due at {due}.",
}
TREATMENT_DAY_KINDS = frozenset({kind for kind, _ in TIMER_CONDITIONS.values()}
                                | {AlertKind.DISCHARGE_ELIGIBLE, AlertKind.WAITING_FOR_CHECK_IN})
COURSE_KINDS = frozenset({AlertKind.CADENCE_GAP, AlertKind.MISSED_SESSION,
                          AlertKind.INDUCTION_ENDING, AlertKind.MDSI_COURSE_ENDING})
REMS_FORM_KINDS = frozenset({AlertKind.REMS_FORM_DUE, AlertKind.REMS_FORM_OVERDUE})
# Alerts about the days ahead, not about a patient in a chair: the pages list them below the
# day's chairs, and the tablet does not sound for them.
FOLLOW_UP_KINDS = COURSE_KINDS | REMS_FORM_KINDS | {AlertKind.REMINDER_FAILED,
                                                    AlertKind.REMINDER_UNKNOWN}
# Whose follow-ups the chairs page lists to each clinical role: nurses keep the REMS forms
# (R4.3) that prescribers sign, and prescribers review the course milestones (R1.1, R1.3).
CLINICAL_FOLLOW_UPS = {
    Role.NURSE: frozenset({Role.NURSE}),
    Role.PRESCRIBER: frozenset({Role.PRESCRIBER, Role.NURSE}),
}
# The schedule page lists the schedulers' to whoever books: the next session to book (R1.7),
# failed reminders to answer.
SCHEDULING_FOLLOW_UPS = frozenset({Role.SCHEDULER})


def is_follow_up(kind: str) -> bool:
    """Whether an alert of `kind` is a follow-up rather than about a patient in a chair now."""
    return kind in FOLLOW_UP_KINDS


def clinical_follow_ups(viewer: str) -> frozenset:
    """The roles whose follow-ups the chairs page lists to `viewer` (none to other roles)."""
    return CLINICAL_FOLLOW_UPS.get(Role(viewer), frozenset())


def follows_up(roles: frozenset, alert_role: str | None) -> bool:
    """Whether a follow-up meant for `alert_role` (none: any clinical staff) is among the
    follow-ups of `roles`."""
    return Role.NURSE in roles if alert_role is None else Role(alert_role) in roles


@dataclass(frozen=True)
class Condition:
    """An alert that should be open now: what, under which rule, for whom, and why."""

    kind: AlertKind
    rule: str | None
    role: Role
    instance: str
    message: str


def _local_clock(instant: datetime, tz_name: str) -> str:
    return f"{instant.astimezone(zone(tz_name)):%H:%M}"


def timer_conditions(timers: Iterable[Timer], tz_name: str) -> list[Condition]:
    """R2.2 post-dose BP due and overdue, R2.3 recheck due, R3.2 observation overdue."""
    found = []
    for timer in timers:
        kind, rule = TIMER_CONDITIONS.get((timer.code, timer.state), (None, None))
        if kind is None:
            continue
        due = _local_clock(timer.overdue_at if kind == AlertKind.POST_DOSE_BP_OVERDUE
                           else timer.due_at, tz_name)
        found.append(Condition(kind, rule, Role.NURSE, timer.due_at.isoformat(),
                               TIMER_MESSAGES[kind].format(due=due)))
    return found


def discharge_condition(readiness: DischargeReadiness) -> Condition | None:
    """R3.4: every discharge criterion is met; the nurse may discharge the patient."""
    if not readiness.ready:
        return None
    return Condition(AlertKind.DISCHARGE_ELIGIBLE, "R3.4", Role.NURSE, "ready",
                     "Every discharge criterion is met: the patient may be discharged.")


def waiting_condition(state: SessionState, arrived_at: datetime | None,
                      now: datetime) -> Condition | None:
    """An arrived patient not checked in after ARRIVAL_WAIT."""
    if state != SessionState.ARRIVED or arrived_at is None or now - arrived_at < ARRIVAL_WAIT:
        return None
    minutes = int((now - arrived_at).total_seconds() // 60)
    return Condition(AlertKind.WAITING_FOR_CHECK_IN, None, Role.NURSE, arrived_at.isoformat(),
                     f"The patient arrived {minutes} min ago and is not checked in yet.")


def cadence_condition(course: CourseFacts, session_days: Sequence[date], today: date,
                      policy: SitePolicy) -> Condition | None:
    """R1.7: no session booked within P-CADENCE days of the last one (or of the course start).

    `session_days` are the site-local days of the course's sessions that count (R1.1).
    A later session booked too far out alerts at once; the service never re-plans.
    """
    week = course_week(course.start_date, today)
    if week == 0 or phase_for_week(course, week) == Phase.MDSI_EXTENDED:
        return None
    past = [day for day in session_days if day <= today]
    anchor = max(past, default=course.start_date)
    upcoming = min((day for day in session_days if day > today), default=None)
    limit = gap_limit_days(course, phase_for_week(course, week), policy)
    since = f"the last session ({anchor})" if past else f"the course start ({anchor})"
    if upcoming is not None:
        gap_days = (upcoming - anchor).days
        if gap_days <= limit:
            return None
        message = (f"Next session booked too late: {upcoming} is {gap_days} days after "
                   f"{since}; P-CADENCE allows {limit} days.")
    else:
        gap = cadence_gap(course, max(past, default=None), today, policy)
        if gap is None:
            return None
        message = (f"Next session needed: {since} was {gap.days_since} days ago and none is "
                   f"booked; P-CADENCE allows {limit} days.")
    return Condition(AlertKind.CADENCE_GAP, "R1.7", Role.SCHEDULER, f"after:{anchor}", message)


def missed_session_condition(no_show_day: date, later_session_booked: bool,
                             today: date) -> Condition | None:
    """R1.7: a no-show with no later session booked, for MISSED_SESSION_DAYS after it."""
    if later_session_booked or (today - no_show_day).days > MISSED_SESSION_DAYS:
        return None
    return Condition(AlertKind.MISSED_SESSION, "R1.7", Role.SCHEDULER, str(no_show_day),
                     f"The patient did not come on {no_show_day} and no later session is "
                     "booked.")


def milestone_condition(course: CourseFacts, today: date) -> Condition | None:
    """R1.1 end of TRD induction (week 4: prescriber reviews the response); R1.3 the 4 MDSI
    weeks ending. Open during the last PHASE_END_NOTICE_DAYS of the phase."""
    milestones = course_milestones(course, today)
    if milestones.ending == AlertKind.INDUCTION_ENDING:
        ends = milestones.induction_ends_on
        return Condition(AlertKind.INDUCTION_ENDING, "R1.1", Role.PRESCRIBER, str(ends),
                         f"Induction ends on {ends} (week 4): review the response before "
                         "maintenance.")
    if milestones.ending == AlertKind.MDSI_COURSE_ENDING:
        ends = milestones.mdsi_ends_on
        return Condition(AlertKind.MDSI_COURSE_ENDING, "R1.3", Role.PRESCRIBER, str(ends),
                         f"The 4 weeks of MDSI treatment end on {ends}; use beyond 4 weeks "
                         "has not been systematically evaluated.")
    return None


def rems_form_condition(session_day: date, today: date, policy: SitePolicy,
                        submitted: bool) -> Condition | None:
    """R4.3: the Patient Monitoring Form due within P-FORM-REMIND days, or overdue."""
    kind = form_reminder_due(session_day, today, policy, submitted)
    if kind is None:
        return None
    deadline = rems_form_deadline(session_day)
    state = "is overdue" if kind == AlertKind.REMS_FORM_OVERDUE else "is due"
    return Condition(kind, "R4.3", Role.NURSE, str(deadline),
                     f"The REMS Patient Monitoring Form of {session_day} {state} "
                     f"(deadline {deadline}).")
