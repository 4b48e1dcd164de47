"""A site's chair capacity per day and the courses that need booking, read set-based: the
site's active courses and the sessions the cadence rules read, in a few queries whatever their
number."""
from collections import defaultdict, namedtuple
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import select

from ..domain.cadence import NOT_A_VISIT, NOT_COUNTED, BookedSession, phase_for_week
from ..domain.calendar import course_week, local_date
from ..domain.capacity import CourseDemand, booking_due, capacity_days
from ..domain.enums import SessionState
from ..domain.label import DAYS_PER_WEEK
from ..models import Chair, Patient, TreatmentCourse, TreatmentSession
from .courses import course_facts
from .failures import InvalidInput
from .sites import site_with_policy

FORECAST_DAYS = 28  # the default range: 4 weeks from today
MAX_FORECAST_DAYS = 62


# What the forecast, the list and the nudges read of a course and of its patient: plain
# tuples, not ORM objects (a site has hundreds of courses).
CourseRow = namedtuple("CourseRow", "id patient_id indication start_date "
                                    "continuation_interval_weeks oral_antidepressant")
PatientRow = namedtuple("PatientRow", "id first_name last_name mrn date_of_birth email phone "
                                      "reminder_channel")
STATES = {state.value: state for state in SessionState}
SESSION_COLUMNS = select(TreatmentSession.course_id, TreatmentSession.id,
                         TreatmentSession.local_day, TreatmentSession.planned_dose_mg,
                         TreatmentSession.state)
# R1.1: the longest cadence window (every 2 weeks) begins this long before its last day.
LONGEST_WINDOW = timedelta(days=2 * DAYS_PER_WEEK - 1)
# Sessions are read from this many days before today (and, for a course not seen since,
# around its last one).
RECENT_DAYS = 28


@dataclass(frozen=True)
class SiteCourse:
    """An active course, its patient, its site and its sessions (any state)."""

    course: CourseRow
    patient: PatientRow
    site_id: int
    sessions: tuple[BookedSession, ...]


def _site_of_patient():
    """SQL: the site of the course's patient's latest session, as plan_for_course finds it."""
    latest = aliased(TreatmentSession)
    return (select(latest.site_id).where(latest.patient_id == TreatmentCourse.patient_id)
            .order_by(latest.scheduled_start.desc(), latest.id.desc()).limit(1)
            .correlate(TreatmentCourse).scalar_subquery())


def _last_counted_day():
    """SQL: the day of the course's last session that counts (R1.1), booked or held."""
    counted = aliased(TreatmentSession)
    return (select(func.max(counted.local_day))
            .where(counted.course_id == TreatmentCourse.id, counted.state.not_in(NOT_COUNTED))
            .correlate(TreatmentCourse).scalar_subquery())


def active_courses(session, *, since, site_id=None):
    """Active courses, each at the site of its patient's latest session (one with no session
    anywhere has no site and is left out); only those of `site_id` when given.

    Of their sessions, those the cadence rules read (R1.1, R1.7): the next due window is
    looked for from the last counted session on, so the sessions from `since` on and, for a
    course not seen since, those in its last session's cadence window. Three queries at
    most, however long the courses' history.
    """
    site, last = _site_of_patient(), _last_counted_day()
    where = (TreatmentCourse.status == "active",
             site.is_not(None) if site_id is None else site == site_id)
    columns = [getattr(TreatmentCourse, name) for name in CourseRow._fields]
    columns += [getattr(Patient, name) for name in PatientRow._fields]
    courses = session.exec(select(*columns, site, last)
                           .join(Patient, Patient.id == TreatmentCourse.patient_id)
                           .where(*where).order_by(TreatmentCourse.id)).all()
    rows = list(session.exec(SESSION_COLUMNS.where(
        TreatmentSession.course_id.in_(select(TreatmentCourse.id).where(*where)),
        TreatmentSession.local_day >= since)))
    window_of = {row[0]: row[-1] - LONGEST_WINDOW for row in courses
                 if row[-1] is not None and row[-1] - LONGEST_WINDOW < since}
    if window_of:
        rows += [row for row in session.exec(SESSION_COLUMNS.where(
            TreatmentSession.course_id.in_(list(window_of)), TreatmentSession.local_day < since,
            TreatmentSession.local_day >= min(window_of.values())))
            if row.local_day >= window_of[row.course_id]]
    sessions = defaultdict(list)
    for course_id, session_id, day, dose, state in rows:
        sessions[course_id].append(BookedSession(session_id, day, dose, STATES[state]))
    split = len(CourseRow._fields)
    return [SiteCourse(CourseRow(*row[:split]), PatientRow(*row[split:-2]), row[-2],
                       tuple(sessions[row[0]])) for row in courses]


def _forecast_range(first_day, last_day, today):
    first = first_day or today
    last = last_day or first + timedelta(days=FORECAST_DAYS - 1)
    if last < first:
        raise InvalidInput({"to": ["Must be on or after from."]})
    if (last - first).days + 1 > MAX_FORECAST_DAYS:
        raise InvalidInput({"to": [f"At most {MAX_FORECAST_DAYS} days from from."]})
    return first, last


def site_capacity(session, *, site_id, now, first_day=None, last_day=None):
    """Chair-hours open, booked and expected per site-local day (P-HOURS, P-SLOT, R1.1, R1.3,
    R1.7) from `first_day` (default today) to `last_day` (default 4 weeks), at most 62 days."""
    site, policy = site_with_policy(session, site_id)
    today = local_date(now, site.timezone)
    first, last = _forecast_range(first_day, last_day, today)
    courses = (active_courses(session, since=today - timedelta(days=RECENT_DAYS),
                              site_id=site_id) if last >= today else [])
    return _capacity(session, site, policy, today, (first, last), courses)


def needs_booking(session, *, site_id, now):
    """The site's courses whose next due window is open with no session booked from today on
    (R1.1, R1.7), the latest-due first: patient, course, phase and due window."""
    site, policy = site_with_policy(session, site_id)
    today = local_date(now, site.timezone)
    courses = active_courses(session, since=today - timedelta(days=RECENT_DAYS), site_id=site_id)
    return dict(site_id=site_id, today=today, courses=_needs(courses, today, policy))


def site_outlook(session, *, site_id, now):
    """The next 4 weeks' capacity and the courses that need booking, from one read."""
    site, policy = site_with_policy(session, site_id)
    today = local_date(now, site.timezone)
    courses = active_courses(session, since=today - timedelta(days=RECENT_DAYS), site_id=site_id)
    return dict(capacity=_capacity(session, site, policy, today,
                                   _forecast_range(None, None, today), courses),
                needs_booking=_needs(courses, today, policy))


def _capacity(session, site, policy, today, days, courses):
    first, last = days
    chairs = session.exec(select(func.count()).select_from(Chair)
                          .where(Chair.site_id == site.id, Chair.active.is_(True))).one()
    booked = dict(session.exec(
        select(TreatmentSession.local_day, func.count())
        .where(TreatmentSession.site_id == site.id, TreatmentSession.local_day >= first,
               TreatmentSession.local_day <= last, TreatmentSession.state.not_in(NOT_A_VISIT))
        .group_by(TreatmentSession.local_day)).all())
    demands = [CourseDemand(course_facts(entry.course), entry.sessions) for entry in courses]
    return dict(site_id=site.id, timezone=site.timezone, today=today, first_day=first,
                last_day=last, chairs=chairs, slot_minutes=policy.slot_minutes,
                opening_hours_set=policy.opening_hours.weekly is not None,
                days=capacity_days(first, last, today=today, chairs=chairs, policy=policy,
                                   booked=booked, demands=demands))


def _needs(courses, today, policy):
    found = []
    for entry in courses:
        facts = course_facts(entry.course)
        window = booking_due(facts, entry.sessions, today, policy)
        if window is None:
            continue
        held = [s.local_day for s in entry.sessions if s.state not in NOT_COUNTED]
        patient = entry.patient
        found.append(dict(
            course_id=entry.course.id, indication=entry.course.indication,
            course_start_date=entry.course.start_date,
            phase=phase_for_week(facts, course_week(facts.start_date, window.earliest)),
            due=window, late=window.latest < today, last_session_day=max(held, default=None),
            patient=dict(id=patient.id, first_name=patient.first_name,
                         last_name=patient.last_name, mrn=patient.mrn,
                         date_of_birth=patient.date_of_birth)))
    return sorted(found, key=lambda row: (row["due"].latest, row["patient"]["last_name"],
                                          row["course_id"]))
