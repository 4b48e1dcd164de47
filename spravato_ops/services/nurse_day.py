"""What the nurse's tablet reads: the site's chairs today and one session's header."""
import functools

from sqlalchemy import bindparam, func
from sqlalchemy.orm import aliased
from sqlmodel import select

from ..domain.cadence import phase_for_week
from ..domain.calendar import course_week
from ..domain.discharge import discharge_readiness
from ..domain.doses import devices_for_dose
from ..domain.timers import session_timers
from ..models import (
    Chair, Patient, RemsEnrollment, Site, TreatmentCourse, TreatmentSession,
)
from .courses import course_facts
from .failures import NotFound
from .records import build_record, read_entries
from .sites import policy_from, site_policy, with_policy

FINISHED = frozenset({"discharged", "cancelled", "no_show", "withheld"})


def chairs_today(session, *, site_id, day, now, alerts):
    """Each session of the site's day with its patient, chair, next timer and its `alerts`
    (of the site's open alerts)."""
    rows = session.exec(
        select(TreatmentSession, Patient.first_name, Patient.last_name, Chair.label)
        .join(Patient, Patient.id == TreatmentSession.patient_id)
        .join(Chair, Chair.id == TreatmentSession.chair_id)
        .where(TreatmentSession.site_id == site_id, TreatmentSession.local_day == day)
        .order_by(TreatmentSession.scheduled_start, Chair.label)).all()
    policy = site_policy(session, site_id)
    entries = read_entries(session, [row[0].id for row in rows])
    return [_chair_row(record, f"{first} {last}", chair, entries[record.id], policy, alerts, now)
            for record, first, last, chair in rows]


def _chair_row(record, name, chair, entries, policy, alerts, now):
    facts = build_record(record, entries)
    timers = session_timers(facts, policy, now)
    waiting = [t.as_dict() for t in timers if t.state.value != "done" and t.due_at]
    return {"session": record, "patient_name": name, "chair": chair,
            "next_timer": min(waiting, key=lambda t: t["due_at"]) if waiting else None,
            "alerts": [a for a in alerts if a.session_id == record.id],
            "finished": record.state in FINISHED,
            "ready": (record.state == "observing"
                      and discharge_readiness(facts, policy, now, now=now).ready)}


def session_header(session, *, session_id):
    """The session screen's header: patient, course (its phase and week, R1.1/R1.3, and the
    session's number in it), chair, site, REMS enrollment and policy, read in one query."""
    found = session.exec(_header_query(), params={"session_id": session_id}).first()
    if found is None:
        raise NotFound(f"Session {session_id} not found.")
    *described, settings = found
    return {**_described(*described), "policy": policy_from(settings)}


def day_list(session, *, site_id, day):
    """The site's sessions of a day but those cancelled, in time order, each described as the
    session screen's header is (patient, course phase and week, the session's number in the
    course, chair, REMS patient id): the day's list on paper, for the morning's huddle and
    for a network outage. One query."""
    rows = session.exec(_sessions_query().where(
        TreatmentSession.site_id == site_id, TreatmentSession.local_day == day,
        TreatmentSession.state != "cancelled")
        .order_by(TreatmentSession.scheduled_start, Chair.label)).all()
    return [_described(*row) for row in rows]


def _described(record, patient, course, chair, site, rems_patient_id, number):
    week = course_week(course.start_date, record.local_day)
    phase = phase_for_week(course_facts(course), week).value if week else None
    return {"session": record, "patient": patient, "course": course,
            "course_week": week, "phase": phase, "chair": chair, "site": site,
            "rems_patient_id": rems_patient_id, "session_number": number,
            "devices": devices_for_dose(record.planned_dose_mg)}


@functools.cache
def _header_query():
    """The session `session_id` described (_sessions_query) with its site's policy settings
    (built once)."""
    return with_policy(_sessions_query().where(TreatmentSession.id == bindparam("session_id")),
                       site_id=Site.id)


@functools.cache
def _sessions_query():
    """Sessions with their patient, course, chair, site, REMS patient id and number in the
    course (cancelled and no-show sessions not counted); built once."""
    earlier = aliased(TreatmentSession)
    number = (select(func.count()).select_from(earlier)
              .where(earlier.course_id == TreatmentSession.course_id,
                     earlier.scheduled_start <= TreatmentSession.scheduled_start,
                     earlier.state.not_in(("cancelled", "no_show")))
              .scalar_subquery())
    return (select(TreatmentSession, Patient, TreatmentCourse, Chair, Site,
                   RemsEnrollment.rems_patient_id, number)
            .join(Patient, Patient.id == TreatmentSession.patient_id)
            .join(TreatmentCourse, TreatmentCourse.id == TreatmentSession.course_id)
            .join(Chair, Chair.id == TreatmentSession.chair_id)
            .join(Site, Site.id == TreatmentSession.site_id)
            .outerjoin(RemsEnrollment, RemsEnrollment.patient_id == Patient.id))
