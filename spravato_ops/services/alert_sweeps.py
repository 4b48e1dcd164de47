"""The scheduler's alert sweeps over database state: which staff alerts should be open now,
raised once per condition and resolved when it clears (domain/sweep_alerts.py for the rules).

Each sweep reads in set-based queries and returns (raised, resolved); the caller commits.
"""
from collections import defaultdict
from datetime import timedelta

from sqlmodel import select

from ..domain.cadence import NOT_COUNTED
from ..domain.calendar import local_date
from ..domain.discharge import discharge_readiness
from ..domain.enums import SessionState as S
from ..domain.rems import monitoring_form_required
from ..domain.sweep_alerts import (
    COURSE_KINDS, REMS_FORM_KINDS, TREATMENT_DAY_KINDS, cadence_condition, discharge_condition,
    milestone_condition, missed_session_condition, rems_form_condition, timer_conditions,
    waiting_condition,
)
from ..domain.timers import session_timers
from ..models import RemsForm, Site, TreatmentCourse, TreatmentSession
from .alerts import sync_alerts
from .courses import course_facts
from .records import build_record, read_entries
from .sites import policy_from, select_with_policy, site_facts

IN_THE_CHAIR = (S.ARRIVED, S.CHECKED_IN, S.DOSING, S.OBSERVING)
# How far back forms are looked for: well past the 7-day deadline (R4.3), so overdue
# forms stay an alert for weeks.
FORM_LOOKBACK = timedelta(days=60)


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
    site to tell, so no alert)."""
    sites = {site.id: (site, policy_from(settings)) for site, settings in _sites(session)}
    courses = session.exec(select(TreatmentCourse)
                           .where(TreatmentCourse.status == "active")).all()
    by_course = defaultdict(list)
    for row in session.exec(
            select(TreatmentSession.id, TreatmentSession.course_id, TreatmentSession.site_id,
                   TreatmentSession.patient_id, TreatmentSession.local_day,
                   TreatmentSession.state, TreatmentSession.scheduled_start)
            .join(TreatmentCourse, TreatmentCourse.id == TreatmentSession.course_id)
            .where(TreatmentCourse.status == "active")
            .order_by(TreatmentSession.scheduled_start)):
        by_course[row.course_id].append(row)
    wanted = {}
    for course in courses:
        rows = by_course.get(course.id)
        if rows:
            site, policy = sites[rows[-1].site_id]
            _course_alerts(wanted, course, rows, site, policy, local_date(now, site.timezone))
    return sync_alerts(session, kinds=COURSE_KINDS, wanted=wanted, now=now)


def _course_alerts(wanted, course, rows, site, policy, today):
    facts = course_facts(course)
    counted = [row for row in rows if row.state not in NOT_COUNTED]
    where = dict(site_id=site.id, patient_id=course.patient_id)
    for condition in (cadence_condition(facts, [row.local_day for row in counted], today, policy),
                      milestone_condition(facts, today)):
        if condition is not None:
            _wanted(wanted, condition, f"course:{course.id}", **where)
    for row in rows:
        if row.state == S.NO_SHOW:
            later = any(other.scheduled_start > row.scheduled_start for other in counted)
            condition = missed_session_condition(row.local_day, later, today)
            if condition is not None:
                _wanted(wanted, condition, f"session:{row.id}", **where, session_id=row.id)


def sweep_rems_forms(session, *, now):
    """R4.3: outpatient sessions whose Patient Monitoring Form is due within P-FORM-REMIND
    days of its 7-day deadline, or overdue, until it is submitted."""
    wanted = {}
    for site, settings in _sites(session):
        if not monitoring_form_required(site_facts(site)):
            continue
        policy, today = policy_from(settings), local_date(now, site.timezone)
        rows = session.exec(
            select(TreatmentSession.id, TreatmentSession.patient_id, TreatmentSession.local_day,
                   RemsForm.submitted_at)
            .outerjoin(RemsForm, RemsForm.session_id == TreatmentSession.id)
            .where(TreatmentSession.site_id == site.id,
                   TreatmentSession.local_day >= today - FORM_LOOKBACK,
                   TreatmentSession.state == S.DISCHARGED)).all()
        for row in rows:
            condition = rems_form_condition(row.local_day, today, policy,
                                            submitted=row.submitted_at is not None)
            if condition is not None:
                _wanted(wanted, condition, f"session:{row.id}", site_id=site.id,
                        session_id=row.id, patient_id=row.patient_id)
    return sync_alerts(session, kinds=REMS_FORM_KINDS, wanted=wanted, now=now)
