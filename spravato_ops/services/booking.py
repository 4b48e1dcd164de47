"""Book, reschedule, cancel and no-show treatment sessions (R1, R4, R5, chair capacity)."""
import functools
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from sqlalchemy import and_, bindparam, or_
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import select

from ..clock import utcnow
from ..domain.cadence import NOT_A_VISIT, BookedSession, check_booking, same_day_session
from ..domain.calendar import local_date, zone
from ..domain.eligibility import PatientFacts, ScreeningFacts, check_eligibility
from ..domain.enums import SessionState
from ..domain.policy import SitePolicy
from ..domain.schedule import LONGEST_SLOT, slot_end
from ..domain.state_machine import Action, next_state
from ..domain.opening_hours import opening_violations
from ..domain.violations import hard_stop
from ..models import (
    Chair, Patient, RemsEnrollment, Screening, Site, TreatmentCourse,
    TreatmentSession,
)
from . import audit, reminders, rules
from .common import check_version, insert_row, update_record
from .courses import course_facts
from .entries import check_state, lock_session, move
from .failures import InvalidInput, NotFound, RuleRefusal
from .patients import screening_facts
from .sites import policy_from, site_facts, with_policy

# The database's own guards against double booking (models/session.py).
CHAIR_OVERLAP = "ex_sessions_chair_overlap"
PATIENT_DAY = "uq_sessions_patient_day_active"
_SQLITE_PATIENT_DAY = "sessions.patient_id, sessions.local_day"


DEADLOCK = "40P01"  # PostgreSQL's SQLSTATE for a transaction it aborted to break a deadlock
DEADLOCK_RETRIES = 2


def retries_deadlock(func):
    """Run a booking again (at most DEADLOCK_RETRIES times more) when PostgreSQL aborted it to
    break a deadlock. Two bookings of one chair at once can each insert a session and then
    wait for the other's at the chair-overlap check (an exclusion constraint, unlike a unique
    one, can deadlock so); the one aborted runs again, and its checks or the constraint then
    see the other (409). Nothing of the aborted attempt stays: it is rolled back first. In a
    transaction begun before the booking (a request's Idempotency-Key claim), each attempt
    runs in a savepoint, and only the attempt is rolled back: the key stays claimed."""

    @functools.wraps(func)
    def wrapper(session, **kwargs):
        for attempt in range(DEADLOCK_RETRIES + 1):
            attempt_point = session.begin_nested() if session.in_transaction() else None
            try:
                return func(session, **kwargs)
            except OperationalError as exc:
                if getattr(exc.orig, "sqlstate", None) != DEADLOCK or attempt == DEADLOCK_RETRIES:
                    session.rollback()
                    raise
                (attempt_point or session).rollback()

    return wrapper


@dataclass(frozen=True)
class Slot:
    """A proposed session: which course (and the patient's facts), where, when, what dose."""

    course: TreatmentCourse
    patient: PatientFacts
    screening: ScreeningFacts | None
    site: Site
    chair: Chair
    policy: SitePolicy
    start: datetime
    end: datetime
    local_day: date
    dose_mg: int


@dataclass(frozen=True)
class Booked:
    """A booked session, the warnings it carries, and its patient (for the response)."""

    record: TreatmentSession
    warnings: list
    patient: Patient


@retries_deadlock
def book(session, *, data, actor, clock_skew):
    """Book a session after every check, reported all at once; return what was Booked.

    `clock_skew` tolerates tablet clocks slightly behind ours for "not in the past".
    """
    course, patient, enrollment, screening, site, policy, chair = load_booking(
        session, data["course_id"], data["site_id"], data["chair_id"])
    refuse_invalid(site, chair, data["chair_id"], data["scheduled_start"], clock_skew)
    slot = make_slot(course, patient_facts(patient, enrollment), screening_facts(screening),
                     site, chair, policy, data["scheduled_start"], data["planned_dose_mg"])
    warnings, override = rules.enforce(booking_violations(session, slot), actor=actor,
                                       override=data.get("override"))
    record = session_of(slot, actor=actor, override=override)

    def write():
        insert_row(session, record)  # one statement: a unit-of-work flush costs more CPU
        write_booking(session, record, slot, actor=actor, override=override, patient=patient)

    commit_booking(session, [slot], None, write)
    return Booked(record, warnings, patient)


def new_session(session, slot, *, actor, override):
    """Add the TreatmentSession of a checked Slot to the session (written at the next flush:
    a series' sessions go in one batched INSERT)."""
    record = session_of(slot, actor=actor, override=override)
    session.add(record)
    return record


def session_of(slot, *, actor, override):
    """The TreatmentSession of a checked Slot, in no database session yet."""
    now = utcnow()
    return TreatmentSession(
        course_id=slot.course.id, patient_id=slot.course.patient_id, site_id=slot.site.id,
        chair_id=slot.chair.id, scheduled_start=slot.start, scheduled_end=slot.end,
        local_day=slot.local_day, planned_dose_mg=slot.dose_mg,
        overrides=[override] if override else [], created_by=actor.id, created_at=now,
        updated_at=now,
    )


def write_booking(session, record, slot, *, actor, override, patient):
    """Write a new session's audit rows and its reminders (P-REMINDERS); the caller commits."""
    _audit_book(session, record, actor, override)
    reminders.plan_for_session(session, record=record, patient=patient, site=slot.site,
                               policy=slot.policy)


@retries_deadlock
def reschedule_session(session, *, session_id, changes, expected_version, actor,
                       clock_skew):
    """Move a scheduled session (time, chair, dose), re-running every booking check."""
    record = lock_session(session, session_id)
    check_version(record, expected_version)
    check_state(record, Action.RESCHEDULE)
    moves = {k: v for k, v in changes.items() if k != "override" and getattr(record, k) != v}
    if not moves:
        return record, []
    chair_id = moves.get("chair_id", record.chair_id)
    start = moves.get("scheduled_start", record.scheduled_start)
    course, patient, enrollment, screening, site, policy, chair = load_booking(
        session, record.course_id, record.site_id, chair_id)
    refuse_invalid(site, chair, chair_id, moves.get("scheduled_start"), clock_skew)
    slot = make_slot(course, patient_facts(patient, enrollment), screening_facts(screening),
                     site, chair, policy, start,
                     moves.get("planned_dose_mg", record.planned_dose_mg))
    warnings, override = rules.enforce(booking_violations(session, slot, record.id), actor=actor,
                                       override=changes.get("override"))
    fields = dict(chair_id=chair_id, scheduled_start=start, scheduled_end=slot.end,
                  local_day=slot.local_day, planned_dose_mg=slot.dose_mg)
    if override:
        fields["overrides"] = [*record.overrides, override]
    previous_day = record.local_day

    def write():
        update_record(session, record, fields, entity="session", actor=actor,
                      action="reschedule")
        _audit_override(session, record, actor, override)
        reminders.move_for_session(session, record=record, patient=patient, site=site,
                                   policy=policy, previous_day=previous_day)

    commit_booking(session, [slot], record.id, write)
    return record, warnings


def cancel_session(session, *, session_id, reason, actor, expected_version=None):
    """Cancel a session before any dose; it frees the chair and the patient's day."""
    return _change_state(session, session_id, Action.CANCEL, reason, actor, expected_version)


def mark_no_show(session, *, session_id, reason, actor, expected_version=None):
    """Record that the patient did not come; it frees the chair and the patient's day."""
    return _change_state(session, session_id, Action.NO_SHOW, reason, actor, expected_version)


def booking_violations(session, slot, exclude_session_id=None):
    """Every rule a booking breaks (R1.1-R1.3, R1.8, R4.1, R4.2, R5.1-R5.4, capacity, P-HOURS),
    at once."""
    rows = _related_sessions(session, slot, exclude_session_id)
    return slot_violations(slot, [row for row in rows if row.mine], _chair_conflicts(rows),
                           exclude_session_id)


def slot_violations(slot, patient_sessions, chair_sessions, exclude_session_id=None):
    """booking_violations with the sessions given: the patient's (any course, any state) and
    the active ones on the slot's chair that overlap it, each with the columns of
    _related_query (id, course_id, local_day, planned_dose_mg, state, scheduled_start/end)."""
    course = slot.course
    found = []
    if course.status != "active":
        found.append(hard_stop("course", "course_not_active",
                               f"Course {course.id} is {course.status}; book only in an "
                               "active course."))
    found += check_eligibility(site_facts(slot.site), slot.patient, slot.screening,
                               slot.local_day)
    found += check_booking(course_facts(course), slot.local_day, slot.dose_mg,
                           [_booked(row) for row in patient_sessions
                            if row.course_id == course.id],
                           exclude_session_id,
                           other_courses=[_booked(row) for row in patient_sessions
                                          if row.course_id != course.id])
    found += [_chair_violation(slot, other) for other in chair_sessions]
    found += opening_violations(slot.policy.opening_hours, slot.start, slot.end,
                                slot.site.timezone)
    return found


def make_slot(course, patient, screening, site, chair, policy, start, dose_mg):
    return Slot(course=course, patient=patient, screening=screening, site=site, chair=chair,
                policy=policy, start=start, end=slot_end(start, policy),
                local_day=local_date(start, site.timezone), dose_mg=dose_mg)


def load_booking(session, course_id, site_id, chair_id, lock=True):
    """Load (course, patient, enrollment, screening, site, policy, chair) in one query, the
    patient's row locked unless `lock` is False (see _load_query). 404 for no course, then
    for no site; chair is None when it is not one of the site's."""
    found = session.exec(_load_query(lock), params=dict(
        course_id=course_id, site_id=site_id, chair_id=chair_id)).first()
    if found is None:
        if session.get(TreatmentCourse, course_id) is None:
            raise NotFound(f"Course {course_id} not found.")
        raise NotFound(f"Site {site_id} not found.")
    course, patient, enrollment, screening, site, chair, settings = found
    return course, patient, enrollment, screening, site, policy_from(settings), chair


# Serialize check-then-write per patient: the cadence and same-day checks read the patient's
# sessions, so two bookings for one patient take turns (row lock to commit). Chairs need no
# lock: the exclusion constraint refuses an overlap that slips past the check, and the commit
# turns it into a 409. SQLite ignores FOR UPDATE; its engine opens every transaction with
# BEGIN IMMEDIATE, which already serializes writers.
@cache
def _load_query(lock):
    """The query of load_booking, built once (bound parameters course_id, site_id, chair_id)."""
    query = with_policy(
        select(TreatmentCourse, Patient, RemsEnrollment, Screening, Site, Chair)
        .join(Patient, Patient.id == TreatmentCourse.patient_id)
        .outerjoin(RemsEnrollment, RemsEnrollment.patient_id == Patient.id)
        .outerjoin(Screening, Screening.patient_id == Patient.id)
        .join(Site, Site.id == bindparam("site_id"))
        .outerjoin(Chair, (Chair.id == bindparam("chair_id")) & (Chair.site_id == Site.id)),
        site_id=Site.id,
    ).where(TreatmentCourse.id == bindparam("course_id"))
    return query.with_for_update(key_share=True, of=Patient) if lock else query


def refuse_invalid(site, chair, chair_id, start, clock_skew):
    """422: the chair must be an active chair of the site; a new start not in the past."""
    errors = {}
    if chair is None:
        errors["chair_id"] = [f"Chair {chair_id} is not a chair of site {site.id}."]
    elif not chair.active:
        errors["chair_id"] = [f"Chair '{chair.label}' is not in use."]
    if start is not None and start < utcnow() - clock_skew:
        errors["scheduled_start"] = ["Must not be in the past."]
    if errors:
        raise InvalidInput(errors)


def patient_facts(patient, enrollment):
    return PatientFacts(date_of_birth=patient.date_of_birth,
                        rems_patient_id=enrollment.rems_patient_id if enrollment else None,
                        enrolled_on=enrollment.enrolled_on if enrollment else None)


def _related_sessions(session, slot, exclude_session_id):
    """The sessions a booking is checked against, by start, in one query: the course's and
    the patient's others in any state (`mine`), and the active sessions on the chair whose
    P-SLOT block overlaps the proposed one (`chair_conflict`)."""
    return session.exec(_related_query(), params=dict(
        course_id=slot.course.id, patient_id=slot.course.patient_id, chair_id=slot.chair.id,
        start=slot.start, end=slot.end, end_bound=slot.end + LONGEST_SLOT,
        exclude_id=exclude_session_id or 0)).all()  # ids start at 1: 0 excludes none


@cache
def _related_query():
    """The query of _related_sessions, built once (bound parameters)."""
    s = TreatmentSession
    mine = or_(s.course_id == bindparam("course_id"), s.patient_id == bindparam("patient_id"))
    overlap = and_(s.chair_id == bindparam("chair_id"), s.scheduled_start < bindparam("end"),
                   s.scheduled_end > bindparam("start"), s.state.not_in(NOT_A_VISIT),
                   # implied by the two above, as no block exceeds LONGEST_SLOT: it bounds
                   # the scan of ix_sessions_chair_end to the blocks around this one
                   s.scheduled_end < bindparam("end_bound"),
                   s.id != bindparam("exclude_id"))
    return (select(s.id, s.course_id, s.local_day, s.planned_dose_mg, s.state, s.scheduled_start,
                   s.scheduled_end, mine.label("mine"), overlap.label("chair_conflict"))
            .where(or_(mine, overlap))
            .order_by(s.scheduled_start))


def _booked(row):
    """A session as the cadence rules see it."""
    return BookedSession(row.id, row.local_day, row.planned_dose_mg, SessionState(row.state))


def _chair_conflicts(rows):
    """Of _related_sessions, the active ones on the chair that overlap the proposed block."""
    return [row for row in rows if row.chair_conflict]


def _chair_violation(slot, other=None):
    tz = zone(slot.site.timezone)
    needed = (f"a session needs {slot.policy.slot_minutes} minutes from "
              f"{slot.start.astimezone(tz):%H:%M}")
    if other is None:
        taken = "was booked for an overlapping time at the same moment"
    else:
        start, end = other.scheduled_start.astimezone(tz), other.scheduled_end.astimezone(tz)
        taken = f"is booked {start:%Y-%m-%d %H:%M}-{end:%H:%M} {slot.site.timezone}"
    return hard_stop("capacity", "chair_conflict", f"Chair '{slot.chair.label}' {taken}; {needed}.")


def _audit_book(session, record, actor, override):
    session.flush()
    audit.record(session, action="book", entity="session", entity_id=record.id,
                 after=audit.snapshot(record), actor=actor)
    _audit_override(session, record, actor, override)


def _audit_override(session, record, actor, override):
    if override:
        audit.record(session, action="override", entity="session", entity_id=record.id,
                     after=override, actor=actor)


def _single_refusal(refused):
    return RuleRefusal(refused[0][1])


def commit_booking(session, slots, exclude_session_id, write, refusal=_single_refusal):
    """Run `write` and commit; the database's double-booking guards become a 409, never a 500:
    `refusal` of [(slot, violations)], the slots whose chair or day was taken meanwhile."""
    try:
        write()
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        name = _constraint_name(exc)
        if name not in (CHAIR_OVERLAP, PATIENT_DAY):
            raise
        refused = [(slot, found) for slot in slots
                   if (found := _taken(session, slot, exclude_session_id, name))]
        # Nothing found taken now (the other booking was cancelled since): name them all.
        refused = refused or [(slot, [_chair_violation(slot) if name == CHAIR_OVERLAP
                                      else same_day_session(slot.local_day)]) for slot in slots]
        raise refusal(refused) from exc


def _taken(session, slot, exclude_session_id, constraint):
    """After a commit refused by `constraint`: the violations of `slot` it stands for."""
    rows = _related_sessions(session, slot, exclude_session_id)
    if constraint == CHAIR_OVERLAP:
        return [_chair_violation(slot, other) for other in _chair_conflicts(rows)]
    holds_day = any(row.mine and row.local_day == slot.local_day and row.id != exclude_session_id
                    and SessionState(row.state) not in NOT_A_VISIT for row in rows)
    return [same_day_session(slot.local_day)] if holds_day else []


def _constraint_name(exc):
    """The violated constraint: psycopg's diagnostics, or SQLite's message."""
    name = getattr(getattr(exc.orig, "diag", None), "constraint_name", None)
    if name:
        return name
    return PATIENT_DAY if _SQLITE_PATIENT_DAY in str(exc.orig) else None


def _change_state(session, session_id, action, reason, actor, expected_version):
    record = lock_session(session, session_id)
    check_version(record, expected_version)
    check_state(record, action)
    move(session, record, next_state(SessionState(record.state), action), actor=actor,
         action=action.value, state_reason=reason.strip())
    reminders.cancel_for_session(session, session_id=record.id)
    session.commit()
    return record
