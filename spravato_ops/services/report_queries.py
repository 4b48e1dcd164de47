"""The report's figures, counted in the database: each query groups, none returns a row per
session. Clinical entries count as the rules read them: a corrected entry by its correction.

Every query takes `scope`, the ids of the site's sessions in the date range (a subquery).
"""
from sqlalchemy import and_, case, exists, false, func, or_, union_all
from sqlalchemy.orm import aliased
from sqlmodel import select

from ..domain.cadence import NOT_A_VISIT, NOT_COUNTED
from ..domain.calendar import DAYS_PER_WEEK
from ..domain.enums import Dissociation, SessionState, VitalsTimepoint
from ..domain.label import BP_RISE_DIASTOLIC, BP_RISE_SYSTOLIC, MOAAS_BASELINE_DEFAULT
from ..domain.reports import SEDATION_MOAAS_MAX, gap_limit_spans
from ..models import (
    Discharge, DeviceAdministration, ObservationEntry, RemsForm, TreatmentCourse,
    TreatmentSession, VitalsEntry,
)
from ..sql_functions import days_between, iso_weekday, local_date, seconds_between

S = TreatmentSession


def session_scope(site_id, first_day, last_day):
    """The ids of a site's sessions on site-local days first_day..last_day."""
    return select(S.id).where(S.site_id == site_id, S.local_day >= first_day,
                              S.local_day <= last_day)


def current(model, scope):
    """The rows of an entry table for the sessions in `scope` that no later entry amends."""
    amending = aliased(model)
    return (model.session_id.in_(scope),
            ~exists().where(amending.amends_id == model.id))


def state_counts(session, scope):
    """{state: sessions}."""
    rows = session.exec(select(S.state, func.count()).where(S.id.in_(scope)).group_by(S.state))
    return dict(rows.all())


def _first_devices(scope):
    """Per session: when its first device was given."""
    D = DeviceAdministration
    return (select(D.session_id, func.min(D.administered_at).label("at"))
            .where(*current(D, scope)).group_by(D.session_id).cte("first_devices"))


def _counted_by(session, keyed):
    """{key: rows} of a subquery with a `key` column: grouped outside the subquery, so that
    PostgreSQL sees one expression however many parameters the key's expression binds."""
    rows = session.exec(select(keyed.c.key, func.count()).group_by(keyed.c.key))
    return dict(rows.all())


def discharge_minutes(session, scope):
    """{whole minutes from the first device to discharge: sessions} (R3.1's clock)."""
    first = _first_devices(scope)
    discharged = (select(Discharge.session_id, func.max(Discharge.discharged_at).label("at"))
                  .where(*current(Discharge, scope)).group_by(Discharge.session_id).subquery())
    minutes = (seconds_between(first.c.at, discharged.c.at) // 60).label("key")
    return _counted_by(session, select(minutes).select_from(
        first.join(discharged, discharged.c.session_id == first.c.session_id)).subquery())


def _flag(condition):
    return func.max(case((condition, 1), else_=0))


def blood_pressure(session, scope, policy):
    """Sessions and readings with a rise of 40/25 over the pre-dose reading, and above
    P-BP-ALERT (R2.3), among the readings after the pre-dose one."""
    V = VitalsEntry
    vitals = (select(V.id, V.session_id, V.timepoint, V.systolic, V.diastolic, V.taken_at)
              .where(*current(V, scope)).cte("current_vitals"))
    latest_first = func.row_number().over(partition_by=vitals.c.session_id,
                                          order_by=(vitals.c.taken_at.desc(), vitals.c.id.desc()))
    pre_dose = (select(vitals.c.session_id, vitals.c.systolic, vitals.c.diastolic,
                       latest_first.label("rank"))
                .where(vitals.c.timepoint == VitalsTimepoint.PRE_DOSE).subquery())
    rise = or_(vitals.c.systolic - pre_dose.c.systolic >= BP_RISE_SYSTOLIC,
               vitals.c.diastolic - pre_dose.c.diastolic >= BP_RISE_DIASTOLIC)
    high = or_(vitals.c.systolic > policy.bp_alert.systolic,
               vitals.c.diastolic > policy.bp_alert.diastolic)
    per_session = (
        select(_flag(rise).label("rise"), _flag(high).label("high"),
               func.sum(case((rise, 1), else_=0)).label("rise_readings"),
               func.sum(case((high, 1), else_=0)).label("high_readings"))
        .select_from(vitals.outerjoin(pre_dose, and_(pre_dose.c.session_id == vitals.c.session_id,
                                                     pre_dose.c.rank == 1)))
        .where(vitals.c.timepoint != VitalsTimepoint.PRE_DOSE)
        .group_by(vitals.c.session_id).subquery())
    row = session.exec(select(
        func.count(), func.coalesce(func.sum(per_session.c.rise), 0),
        func.coalesce(func.sum(per_session.c.high), 0),
        func.coalesce(func.sum(per_session.c.rise_readings), 0),
        func.coalesce(func.sum(per_session.c.high_readings), 0))).one()
    return dict(zip(("sessions_with_readings", "sessions_with_rise", "sessions_above_alert",
                     "readings_with_rise", "readings_above_alert"), map(int, row)))


def low_spo2(session, scope, policy):
    """Readings (vitals and observations) with SpO2 below P-SPO2-MIN, and their sessions (R3.3)."""
    readings = union_all(*(
        select(model.session_id).where(*current(model, scope), model.spo2 < policy.spo2_min)
        for model in (VitalsEntry, ObservationEntry))).subquery()
    row = session.exec(select(func.count(func.distinct(readings.c.session_id)),
                              func.count())).one()
    return {"sessions_below": row[0], "readings_below": row[1]}


def effect_resolution(session, scope):
    """{effect: {minutes from the first device to resolution, or None: sessions}} for
    'sedation' (MOAA/S <= 3; resolved at the first later observation back at the baseline,
    R3.4) and 'dissociation' (any recorded; resolved at the first later observation)."""
    O = ObservationEntry
    by_session = {"partition_by": O.session_id}
    observations = select(
        O.session_id, O.observed_at, O.moaas,
        func.max(case((O.moaas <= SEDATION_MOAAS_MAX, O.observed_at))).over(**by_session)
        .label("last_sedated"),
        func.max(case((O.dissociation != Dissociation.NONE, O.observed_at))).over(**by_session)
        .label("last_dissociated"),
    ).where(*current(O, scope)).subquery()
    o = observations.c
    per_session = select(
        o.session_id, func.max(o.last_sedated).label("sedation"),
        func.min(case((and_(o.observed_at > o.last_sedated, o.moaas >= MOAAS_BASELINE_DEFAULT),
                       o.observed_at))).label("sedation_resolved"),
        func.max(o.last_dissociated).label("dissociation"),
        func.min(case((o.observed_at > o.last_dissociated, o.observed_at)))
        .label("dissociation_resolved"),
    ).group_by(o.session_id).cte("effects")
    first = _first_devices(scope)
    found = {}
    for effect in ("sedation", "dissociation"):
        minutes = (seconds_between(first.c.at, per_session.c[f"{effect}_resolved"]) // 60)
        found[effect] = _counted_by(session, select(minutes.label("key")).select_from(
            per_session.outerjoin(first, first.c.session_id == per_session.c.session_id))
            .where(per_session.c[effect].isnot(None)).subquery())
    return found


def form_punctuality(session, scope, site, today):
    """{category: discharged sessions}: the REMS form submitted on time or late, not submitted
    with its deadline ahead (open) or past (overdue), or no form row at all (R4.3)."""
    submitted_on = local_date(RemsForm.submitted_at, site.timezone)
    category = case(
        (RemsForm.id.is_(None), "no_form"),
        (and_(RemsForm.submitted_at.isnot(None), submitted_on <= RemsForm.deadline), "on_time"),
        (RemsForm.submitted_at.isnot(None), "late"),
        (RemsForm.deadline < today, "overdue"),
        else_="open")
    return _counted_by(session, select(category.label("key"))
                       .select_from(S).outerjoin(RemsForm, RemsForm.session_id == S.id)
                       .where(S.id.in_(scope), S.state == SessionState.DISCHARGED).subquery())


def booked_minutes(session, scope):
    """{(chair id, ISO weekday): chair-minutes booked} by sessions that hold their chair."""
    weekday = iso_weekday(S.local_day).label("weekday")
    minutes = func.sum(seconds_between(S.scheduled_start, S.scheduled_end))
    rows = session.exec(select(S.chair_id, weekday, minutes)
                        .where(S.id.in_(scope), S.state.not_in(NOT_A_VISIT))
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
    courses = select(S.course_id).where(S.id.in_(scope)).distinct()
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
