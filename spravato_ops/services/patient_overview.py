"""What a patient's page shows: the record, enrollment and screening, courses with their plan
as course weeks, sessions, and the prescribers a new course may name."""
from collections import defaultdict

from sqlmodel import select

from ..domain.calendar import course_week, local_date
from ..domain.enums import ConcomitantMedication
from ..domain.plan import week_note
from ..models import (
    Chair, Patient, RemsEnrollment, Screening, Site, TreatmentCourse, TreatmentSession, User,
)
from .common import get_existing
from .courses import plan_for_course

# The words of a session's state in a course week (R1.1): what the schedulers count.
HELD, BOOKED, MISSED = "held", "booked", "missed"
WEEK_WORDS = {"discharged": HELD, "withheld": HELD, "no_show": MISSED, "scheduled": BOOKED,
              "arrived": BOOKED, "checked_in": BOOKED, "dosing": BOOKED, "observing": BOOKED}


def patient_overview(session, *, patient_id, default_timezone):
    """Return the patient with REMS enrollment, screening, courses (each with its plan),
    sessions and the active prescribers. One query per part, the plans one per course."""
    patient = get_existing(session, Patient, patient_id, "Patient")
    courses = session.exec(select(TreatmentCourse).where(TreatmentCourse.patient_id == patient_id)
                           .order_by(TreatmentCourse.start_date)).all()
    sessions = session.exec(
        select(TreatmentSession, Chair.label)
        .join(Chair, Chair.id == TreatmentSession.chair_id)
        .where(TreatmentSession.patient_id == patient_id)
        .order_by(TreatmentSession.scheduled_start)).all()
    prescribers = session.exec(select(User).where(User.role == "prescriber", User.active)
                               .order_by(User.name)).all()
    screening = session.get(Screening, patient_id)
    return {
        "patient": patient, "enrollment": session.get(RemsEnrollment, patient_id),
        "screening": screening,
        "screening_day": screening and local_date(
            screening.recorded_at, _timezone(session, sessions, default_timezone)),
        "medication_classes": [m.value for m in ConcomitantMedication],
        "courses": [_with_calendar(session, course, sessions, default_timezone)
                    for course in courses],
        "sessions": sessions, "prescribers": prescribers,
    }


def _timezone(session, sessions, default_timezone):
    """The time zone of the site of the patient's latest session (as the course plans read
    "today"), else `default_timezone`."""
    if not sessions:
        return default_timezone
    return session.get(Site, sessions[-1][0].site_id).timezone


def _with_calendar(session, course, sessions, default_timezone):
    """The course and its weeks: each with its phase, what it allows, its sessions in words
    (held, booked, missed) and what it still asks (domain.plan.week_note); and the ids of its
    sessions still booked from today on (to cancel once the course is stopped)."""
    plan = plan_for_course(session, course_id=course.id, default_timezone=default_timezone)
    by_week = defaultdict(list)
    for record, _chair in sessions:
        if record.course_id == course.id and record.state in WEEK_WORDS:
            week = course_week(course.start_date, record.local_day)
            by_week[week].append((record.local_day, WEEK_WORDS[record.state]))
    weeks = [{"week": week, "note": week_note(week, plan["today"]),
              "sessions": by_week.get(week.week, [])} for week in plan["weeks"]]
    still_booked = [record.id for record, _chair in sessions
                    if record.course_id == course.id and record.state == "scheduled"
                    and record.local_day >= plan["today"]]
    return {"course": course, "plan": plan, "weeks": weeks, "still_booked": still_booked}
