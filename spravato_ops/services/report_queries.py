"""The report's figures of sessions, forms, chairs and courses, counted in the database: each
query groups, none returns a row per session (the clinical ones: report_clinical.py).

Every query takes `scope`, the ids of the site's sessions in the date range (a subquery);
those over the sessions table itself filter by its conditions (in_scope) instead of joining
the table to itself.
"""
from sqlalchemy import and_, case, false, func
from sqlmodel import select

from ..domain.cadence import NOT_A_VISIT, NOT_COUNTED
from ..domain.calendar import DAYS_PER_WEEK
from ..domain.reports import gap_limit_spans
from ..models import RemsForm, TreatmentCourse, TreatmentSession
from ..sql_functions import days_between, iso_weekday, local_date, seconds_between

S = TreatmentSession


def session_scope(site_id, first_day, last_day):
    """The ids of a site's sessions on site-local days first_day..last_day."""
    return select(S.id).where(S.site_id == site_id, S.local_day >= first_day,
                              S.local_day <= last_day)


def in_scope(scope):
    """The conditions of `scope` (session_scope), for a query over the sessions table."""
    return scope.whereclause


def state_counts(session, scope):
    """{state: sessions}."""
    rows = session.exec(select(S.state, func.count()).where(in_scope(scope))
                        .group_by(S.state))
    return dict(rows.all())


def _counted_by(session, keyed):
    """{key: rows} of a subquery with a `key` column: grouped outside the subquery, so that
    PostgreSQL sees one expression however many parameters the key's expression binds."""
    rows = session.exec(select(keyed.c.key, func.count()).group_by(keyed.c.key))
    return dict(rows.all())


def form_punctuality(session, scope, site, states, today):
    """{category: sessions in `states` (those that need a form)}: the REMS form submitted on
    time or late, not submitted with its deadline ahead (open) or past (overdue), or no form
    row at all (R4.3)."""
    submitted_on = local_date(RemsForm.submitted_at, site.timezone)
    category = case(
        (RemsForm.id.is_(None), "no_form"),
        (and_(RemsForm.submitted_at.isnot(None), submitted_on <= RemsForm.deadline), "on_time"),
        (RemsForm.submitted_at.isnot(None), "late"),
        (RemsForm.deadline < today, "overdue"),
        else_="open")
    return _counted_by(session, select(category.label("key"))
                       .select_from(S).outerjoin(RemsForm, RemsForm.session_id == S.id)
                       .where(in_scope(scope), S.state.in_(states)).subquery())


def booked_minutes(session, scope):
    """{(chair id, ISO weekday): chair-minutes booked} by sessions that hold their chair."""
    weekday = iso_weekday(S.local_day).label("weekday")
    minutes = func.sum(seconds_between(S.scheduled_start, S.scheduled_end))
    rows = session.exec(select(S.chair_id, weekday, minutes)
                        .where(in_scope(scope), S.state.not_in(NOT_A_VISIT))
                        .group_by(S.chair_id, weekday))
    return {(chair_id, day): int(seconds) // 60 for chair_id, day, seconds in rows}


def _gap_limit(course, day, policy):
    """SQL: the P-CADENCE gap (R1.7) that applies on `day` of `course` (NULL: none)."""
    week = days_between(course.start_date, day) // DAYS_PER_WEEK + 1
    whens = []
    for span in gap_limit_spans(policy):
        if span.limit_days is None:  # after MDSI week 4: no week matches, NULL, never a gap
            continue
        conditions = [course.indication == span.indication, week >= span.first_week]
        if span.continuation_interval_weeks is not None:
            conditions.append(course.continuation_interval_weeks
                              == span.continuation_interval_weeks)
        if span.last_week is not None:
            conditions.append(week <= span.last_week)
        whens.append((and_(*conditions), span.limit_days))
    return case(*whens, else_=None)


def course_gaps(session, scope, policy, first_day, last_day, today):
    """(courses seen, courses with a gap, gaps) among the courses with a session in `scope`.

    R1.7 as the scheduler's cadence alert applies it: counted sessions (R1.1) more than
    P-CADENCE days apart, or the course start and its first session, the limit being that of
    the earlier day's phase; a gap belongs to the range its later session falls in. An active
    course with no later session has a gap when more than P-CADENCE days pass after its last
    one (or its start) by the range's end, or today if that is earlier.
    """
    courses = select(S.course_id).where(in_scope(scope)).distinct()
    order = {"partition_by": S.course_id, "order_by": (S.local_day, S.id)}
    counted = select(S.course_id, S.local_day,
                     func.lag(S.local_day).over(**order).label("previous"),
                     func.lead(S.local_day).over(**order).label("next")).where(
        S.course_id.in_(courses), S.state.not_in(NOT_COUNTED)).subquery()
    c, C = counted.c, TreatmentCourse
    until = min(last_day, today)
    anchor = func.coalesce(c.previous, C.start_date)
    gap_before = and_(c.local_day >= first_day, c.local_day <= last_day,
                      days_between(anchor, c.local_day) > _gap_limit(C, anchor, policy))
    last = func.coalesce(c.local_day, C.start_date)  # no counted session: the start
    gap_after = false() if until < first_day else and_(
        c.next.is_(None), C.status == "active",
        days_between(last, until) > _gap_limit(C, last, policy))
    gaps = (case((gap_before, 1), else_=0) + case((gap_after, 1), else_=0)).label("gaps")
    per_row = (select(C.id.label("course_id"), gaps)
               .select_from(C).outerjoin(counted, c.course_id == C.id)
               .where(C.id.in_(courses)).subquery())
    per_course = (select(func.sum(per_row.c.gaps).label("gaps"))
                  .group_by(per_row.c.course_id).subquery())
    row = session.exec(select(
        func.count(), func.coalesce(func.sum(case((per_course.c.gaps > 0, 1), else_=0)), 0),
        func.coalesce(func.sum(per_course.c.gaps), 0))).one()
    return tuple(int(value) for value in row)
