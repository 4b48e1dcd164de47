"""What the nurse's tablet reads: the site's chairs today and one session's header."""
from sqlalchemy import func
from sqlmodel import select

from ..domain.cadence import phase_for_week
from ..domain.calendar import course_week
from ..domain.discharge import discharge_readiness
from ..domain.timers import session_timers
from ..models import (
    Chair, Patient, RemsEnrollment, Site, TreatmentCourse, TreatmentSession,
)
from .alerts import open_alerts
from .common import get_existing
from .courses import course_facts
from .records import build_record, read_entries
from .sites import site_policy

FINISHED = frozenset({"discharged", "cancelled", "no_show", "withheld"})


def chairs_today(session, *, site_id, day, now):
    """Each session of the site's day with its patient, chair, next timer and open alerts."""
    rows = session.exec(
        select(TreatmentSession, Patient.first_name, Patient.last_name, Chair.label)
        .join(Patient, Patient.id == TreatmentSession.patient_id)
        .join(Chair, Chair.id == TreatmentSession.chair_id)
        .where(TreatmentSession.site_id == site_id, TreatmentSession.local_day == day)
        .order_by(TreatmentSession.scheduled_start, Chair.label)).all()
    policy = site_policy(session, site_id)
    entries = read_entries(session, [row[0].id for row in rows])
    alerts = open_alerts(session, site_id=site_id)
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
    session's number in it), chair, site and REMS enrollment."""
    record = get_existing(session, TreatmentSession, session_id, "Session")
    patient = session.get(Patient, record.patient_id)
    enrollment = session.exec(select(RemsEnrollment)
                              .where(RemsEnrollment.patient_id == patient.id)).first()
    number = session.exec(select(func.count()).select_from(TreatmentSession).where(
        TreatmentSession.course_id == record.course_id,
        TreatmentSession.scheduled_start <= record.scheduled_start,
        TreatmentSession.state.not_in(("cancelled", "no_show")))).one()
    course = session.get(TreatmentCourse, record.course_id)
    week = course_week(course.start_date, record.local_day)
    phase = phase_for_week(course_facts(course), week).value if week else None
    return {"session": record, "patient": patient, "course": course,
            "course_week": week, "phase": phase,
            "chair": session.get(Chair, record.chair_id), "site": session.get(Site, record.site_id),
            "rems_patient_id": enrollment.rems_patient_id if enrollment else None,
            "session_number": number, "policy": site_policy(session, record.site_id)}
