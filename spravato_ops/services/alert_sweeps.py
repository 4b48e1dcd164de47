"""The scheduler's alert sweeps over database state: which staff alerts should be open now,
raised once per condition and resolved when it clears (domain/sweep_alerts.py for the rules).

Each sweep reads in set-based queries and returns (raised, resolved); the caller commits.
"""
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import case, func
from sqlmodel import select

from ..domain.cadence import NOT_COUNTED
from ..domain.calendar import local_date
from ..domain.discharge import discharge_readiness
from ..domain.enums import FormStatus, SessionState as S
from ..domain.rems import monitoring_form_required
from ..domain.sweep_alerts import (
    COURSE_KINDS, MISSED_SESSION_DAYS, REMS_FORM_KINDS, TREATMENT_DAY_KINDS, cadence_condition,
    discharge_condition, milestone_condition, missed_session_condition, rems_form_condition,
    timer_conditions, waiting_condition,
)
from ..domain.timers import session_timers
from ..models import RemsForm, Site, TreatmentCourse, TreatmentSession
from .alerts import sync_alerts
from .courses import course_facts
from .records import build_record, read_entries
from .rems_form_rows import FORM_LOOKBACK, sync_forms
from .sites import policy_from, select_with_policy, site_facts

IN_THE_CHAIR = (S.ARRIVED, S.CHECKED_IN, S.DOSING, S.OBSERVING)


class CourseSummary(NamedTuple):
    """What the course rules read of an active course's sessions (course_summaries)."""

    course: TreatmentCourse
    site_id: int
    last_day: date | None
    next_day: date | None
    last_start: datetime | None


def _sites(session):
    return session.exec(select_with_policy(Site, site_id=Site.id).order_by(Site.id)).all()


def _wanted(wanted, condition, subject, *, site_id, session_id=None, patient_id=None):
    key = f"{condition.kind}:{subject}:{condition.instance}"
    wanted[key] = dict(kind=condition.kind.value, rule=condition.rule, role=condition.role.value,
                       message=condition.message, site_id=site_id, session_id=session_id,
                       patient_id=patient_id)


def sweep_treatment_day(session, *, now):
    """Today's patients: R2.2 post-dose BP due/overdue, R2.3 recheck due, R3.2 observation
    overdue, R3.4 eligible for discharge, and arrived but not checked in for 15 minutes."""
    wanted = {}
    for site, settings in _sites(session):
        policy, today = policy_from(settings), local_date(now, site.timezone)
        sessions = session.exec(select(TreatmentSession).where(
            TreatmentSession.site_id == site.id,
            TreatmentSession.local_day.in_([today - timedelta(days=1), today]),
            TreatmentSession.state.in_(IN_THE_CHAIR))).all()
        entries = read_entries(session, [s.id for s in sessions])
        for treatment_session in sessions:
            record = build_record(treatment_session, entries[treatment_session.id])
            conditions = timer_conditions(session_timers(record, policy, now), site.timezone)
            if treatment_session.state == S.OBSERVING:
                conditions.append(discharge_condition(discharge_readiness(record, policy, now)))
            conditions.append(waiting_condition(S(treatment_session.state),
                                                treatment_session.arrived_at, now))
            for condition in filter(None, conditions):
                _wanted(wanted, condition, f"session:{treatment_session.id}", site_id=site.id,
                        session_id=treatment_session.id, patient_id=treatment_session.patient_id)
    return sync_alerts(session, kinds=TREATMENT_DAY_KINDS, wanted=wanted, now=now)


def sweep_courses(session, *, now):
    """Active courses: R1.7 cadence gap and missed session, R1.1 end of induction, R1.3 end
    of the 4 MDSI weeks. A course alerts at the site of its latest session (none yet: no
    site to tell, so no alert).

    Three queries however many sessions the courses hold: the sites, one row per course of
    what the rules read (course_summaries), and the no-shows recent enough to alert.
    """
    sites = {site.id: (site, policy_from(settings)) for site, settings in _sites(session)}
    today_at = {site_id: local_date(now, site.timezone) for site_id, (site, _) in sites.items()}
    no_shows = defaultdict(list)
    for no_show in _recent_no_shows(session, today_at):
        no_shows[no_show.course_id].append(no_show)
    wanted = {}
    for summary in course_summaries(session, today_at):
        site, policy = sites[summary.site_id]
        _course_alerts(wanted, summary, no_shows[summary.course.id], site, policy,
                       today_at[site.id])
    return sync_alerts(session, kinds=COURSE_KINDS, wanted=wanted, now=now)


def course_summaries(session, today_at):
    """A CourseSummary of each active course with a session, in one query, by course id.

    From the course's sessions: the site of the latest (where its alerts go), and of those
    that count (R1.1) the last day up to that site's today, the next day after it, and the
    latest start. `today_at`: {site id: the site-local date today}.
    """
    if not today_at:
        return []
    latest = _latest_site_of_courses()
    today = case(today_at, value=latest.c.site_id)
    day, start = TreatmentSession.local_day, TreatmentSession.scheduled_start
    counted = TreatmentSession.state.not_in(NOT_COUNTED)
    rows = session.exec(
        select(TreatmentCourse, latest.c.site_id,
               func.max(case((counted & (day <= today), day))),
               func.min(case((counted & (day > today), day))),
               func.max(case((counted, start))))
        .join(latest, latest.c.course_id == TreatmentCourse.id)
        .join(TreatmentSession, TreatmentSession.course_id == TreatmentCourse.id)
        .group_by(TreatmentCourse.id, latest.c.site_id)
        .order_by(TreatmentCourse.id)).all()
    return [CourseSummary(*row) for row in rows]


def _latest_site_of_courses():
    """Subquery (course_id, site_id): the site of each active course's latest session."""
    ranked = (select(TreatmentSession.course_id, TreatmentSession.site_id,
                     func.row_number().over(
                         partition_by=TreatmentSession.course_id,
                         order_by=(TreatmentSession.scheduled_start.desc(),
                                   TreatmentSession.id.desc())).label("rank"))
              .join(TreatmentCourse, TreatmentCourse.id == TreatmentSession.course_id)
              .where(TreatmentCourse.status == "active").subquery())
    return select(ranked.c.course_id, ranked.c.site_id).where(ranked.c.rank == 1).subquery()


def _recent_no_shows(session, today_at):
    """No-shows of active courses recent enough to alert at any site (R1.7), by start."""
    if not today_at:
        return []
    since = min(today_at.values()) - timedelta(days=MISSED_SESSION_DAYS)
    return session.exec(
        select(TreatmentSession.id, TreatmentSession.course_id, TreatmentSession.local_day,
               TreatmentSession.scheduled_start)
        .join(TreatmentCourse, TreatmentCourse.id == TreatmentSession.course_id)
        .where(TreatmentCourse.status == "active", TreatmentSession.state == S.NO_SHOW,
               TreatmentSession.local_day >= since)
        .order_by(TreatmentSession.scheduled_start)).all()


def _course_alerts(wanted, summary, no_shows, site, policy, today):
    course, facts = summary.course, course_facts(summary.course)
    where = dict(site_id=site.id, patient_id=course.patient_id)
    # R1.7 reads only the last counted day up to today and the next one after it.
    days = [day for day in (summary.last_day, summary.next_day) if day is not None]
    for condition in (cadence_condition(facts, days, today, policy),
                      milestone_condition(facts, today)):
        if condition is not None:
            _wanted(wanted, condition, f"course:{course.id}", **where)
    for no_show in no_shows:
        later = summary.last_start is not None and summary.last_start > no_show.scheduled_start
        condition = missed_session_condition(no_show.local_day, later, today)
        if condition is not None:
            _wanted(wanted, condition, f"session:{no_show.id}", **where, session_id=no_show.id)


def sweep_rems_forms(session, *, now):
    """R4.3: first write the forms of the sessions that need one and have none
    (rems_form_rows.sync_forms); then alert on each form not submitted that is due within
    P-FORM-REMIND days of its 7-day deadline, or overdue."""
    sync_forms(session, now=now, lookback=FORM_LOOKBACK)
    wanted = {}
    for site, settings in _sites(session):
        if not monitoring_form_required(site_facts(site)):
            continue
        policy, today = policy_from(settings), local_date(now, site.timezone)
        rows = session.exec(
            select(TreatmentSession.id, TreatmentSession.patient_id, TreatmentSession.local_day)
            .join(RemsForm, RemsForm.session_id == TreatmentSession.id)
            .where(RemsForm.site_id == site.id,
                   TreatmentSession.local_day >= today - FORM_LOOKBACK,
                   RemsForm.status != FormStatus.SUBMITTED.value)).all()
        for row in rows:
            condition = rems_form_condition(row.local_day, today, policy, submitted=False)
            if condition is not None:
                _wanted(wanted, condition, f"session:{row.id}", site_id=site.id,
                        session_id=row.id, patient_id=row.patient_id)
    return sync_alerts(session, kinds=REMS_FORM_KINDS, wanted=wanted, now=now)
