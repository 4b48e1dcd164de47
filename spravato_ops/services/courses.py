"""Treatment courses (R1.1-R1.4) and their plan."""
from sqlmodel import select

from ..clock import utcnow
from ..domain.cadence import (
    NOT_COUNTED, BookedSession, CourseFacts, check_oral_antidepressant, phase_for_week,
)
from ..domain.calendar import course_week, local_date
from ..domain.enums import Indication, SessionState
from ..domain.plan import course_plan
from ..domain.policy import DEFAULT_POLICY
from ..domain.violations import warning
from ..models import Patient, Site, TreatmentCourse, TreatmentSession, User
from .common import check_version, get_existing, save_new, save_update
from .reminders import cancel_nudges
from .failures import InvalidInput, RuleRefusal
from .sites import site_policy


def _check_prescriber(session, prescriber_id):
    prescriber = session.get(User, prescriber_id)
    if prescriber is None or prescriber.role != "prescriber" or not prescriber.active:
        raise InvalidInput({"prescriber_id": ["Must be an active user with the prescriber role."]})


def _check_mdsi_antidepressant(indication, oral_antidepressant):
    """R1.3: an MDSI course requires a recorded oral antidepressant (hard stop)."""
    violations = check_oral_antidepressant(indication, oral_antidepressant)
    if violations:
        raise RuleRefusal(violations)


def create_course(session, *, patient_id, data, actor):
    get_existing(session, Patient, patient_id, "Patient")
    _check_prescriber(session, data["prescriber_id"])
    _check_mdsi_antidepressant(data["indication"], data.get("oral_antidepressant"))
    course = TreatmentCourse(patient_id=patient_id, created_at=utcnow(), **data)
    return save_new(session, course, entity="course", actor=actor)


def course_warnings(session, course):
    """R1.1 warnings of an active course: each other active course of the patient, whose
    weekly limits are counted apart from this one's (the pages start a course only once the
    last has ended; the API warns)."""
    if course.status != "active":
        return []
    others = session.exec(select(TreatmentCourse.id).where(
        TreatmentCourse.patient_id == course.patient_id, TreatmentCourse.status == "active",
        TreatmentCourse.id != course.id).order_by(TreatmentCourse.id)).all()
    return [warning("R1.1", "another_course_active",
                    f"The patient's course {other} is active too: each course's weekly limits "
                    "are counted apart. Complete or stop the course that has ended.").as_dict()
            for other in others]


def update_course(session, *, course_id, changes, actor, expected_version=None):
    """Change a course under If-Match. A course completed or stopped cancels, in the same
    transaction, its booking nudges not sent yet: a patient who has ended treatment is not
    asked to book (the sessions already booked stay, for the schedulers to cancel)."""
    course = get_existing(session, TreatmentCourse, course_id, "Course")
    check_version(course, expected_version)  # first: a stale change cancels nothing
    if "oral_antidepressant" in changes:
        _check_mdsi_antidepressant(course.indication, changes["oral_antidepressant"])
    if changes.get("status", course.status) != "active" and course.status == "active":
        cancel_nudges(session, course_id=course.id)
    return save_update(session, course, changes, entity="course", actor=actor)


def course_facts(course):
    """The course as the cadence rules see it (R1.1-R1.4)."""
    return CourseFacts(indication=Indication(course.indication), start_date=course.start_date,
                       continuation_interval_weeks=course.continuation_interval_weeks,
                       oral_antidepressant=course.oral_antidepressant)


def course_sessions(session, *, course_id):
    """Every session of a course, in any state, as the cadence rules see them."""
    rows = session.exec(select(TreatmentSession).where(TreatmentSession.course_id == course_id)
                        .order_by(TreatmentSession.scheduled_start))
    return [BookedSession(row.id, row.local_day, row.planned_dose_mg, SessionState(row.state))
            for row in rows]


def plan_for_course(session, *, course_id, default_timezone):
    """The course weeks, bookings and next due window as of today (R1.1, R1.3, R1.7).

    A course has no site: "today" and the P-CADENCE gaps are those of the site of
    the patient's most recent session, else `default_timezone` and the defaults.
    """
    course = get_existing(session, TreatmentCourse, course_id, "Course")
    latest = session.exec(select(TreatmentSession)
                          .where(TreatmentSession.patient_id == course.patient_id)
                          .order_by(TreatmentSession.scheduled_start.desc(),
                                    TreatmentSession.id.desc())).first()
    site = session.get(Site, latest.site_id) if latest else None
    timezone = site.timezone if site else default_timezone
    policy = site_policy(session, site.id) if site else DEFAULT_POLICY
    today = local_date(utcnow(), timezone)
    facts = course_facts(course)
    sessions = course_sessions(session, course_id=course.id)
    plan = course_plan(facts, sessions, today, policy=policy)
    last = next((s for s in reversed(sessions)
                 if s.local_day <= today and s.state not in NOT_COUNTED), None)
    week = course_week(course.start_date, today)
    return dict(course_id=course.id, indication=course.indication, today=today, timezone=timezone,
                current_week=week, current_phase=phase_for_week(facts, week) if week else None,
                weeks=plan.weeks, next_due=plan.next_due, induction_ends_on=plan.induction_ends_on,
                mdsi_ends_on=plan.mdsi_ends_on,
                last_session=last and dict(session_id=last.session_id, local_day=last.local_day,
                                           planned_dose_mg=last.dose_mg, state=last.state.value))
