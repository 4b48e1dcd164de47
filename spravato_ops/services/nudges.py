"""Booking nudges: when a course's next due window opens with no session booked, its patient is
asked once, on their reminder channel, to call the clinic to book (no clinical words: the
`booking_nudge` templates). Planned by a scheduler sweep; the dispatcher sends them.
"""
from datetime import timedelta

from sqlmodel import select

from ..domain.calendar import local_date
from ..domain.capacity import nudge_window
from ..domain.enums import ReminderChannel, ReminderKind, ReminderStatus
from ..domain.reminders import outside_quiet_hours
from ..models import Reminder, Site
from .capacity import RECENT_DAYS, active_courses
from .courses import course_facts
from .reminders import cancel_nudges, recipient_of
from .sites import policy_from, select_with_policy


def nudge_key(course_id, window):
    """One nudge per course and due window: the window's first day names it."""
    return f"nudge:{course_id}:{window.earliest.isoformat()}"


def _nudge(entry, site, policy, key, now):
    patient = entry.patient
    at = outside_quiet_hours(now, policy, site.timezone)  # P-QUIET
    return Reminder(course_id=entry.course.id, patient_id=patient.id, site_id=site.id,
                    channel=patient.reminder_channel, kind=ReminderKind.BOOKING_NUDGE,
                    recipient=recipient_of(patient, patient.reminder_channel), send_at=at,
                    next_attempt_at=at, status=ReminderStatus.PENDING, dedupe_key=key,
                    created_at=now)


def _revive(reminder, fresh):
    """Plan again a nudge of the same window cancelled before it went (a booking since
    cancelled), to the patient's current address."""
    for name in ("channel", "recipient", "send_at", "next_attempt_at", "status"):
        setattr(reminder, name, getattr(fresh, name))
    reminder.attempts, reminder.last_error = 0, None
    return reminder


def sweep_nudges(session, *, now):
    """Plan a nudge for each active course whose due window is open today (not past its latest
    day) with nothing booked, once per window (one cancelled before it went is planned again)
    and not on channel none; cancel those not sent whose course no longer needs one.

    Returns (planned, cancelled); the caller commits.
    """
    sites = {site.id: (site, policy_from(settings)) for site, settings in
             session.exec(select_with_policy(Site, site_id=Site.id))}
    wanted = {}
    since = now.date() - timedelta(days=RECENT_DAYS)
    for entry in active_courses(session, since=since):
        site, policy = sites[entry.site_id]
        window = nudge_window(course_facts(entry.course), entry.sessions,
                              local_date(now, site.timezone), policy)
        if window is not None and entry.patient.reminder_channel != ReminderChannel.NONE:
            wanted[nudge_key(entry.course.id, window)] = (entry, site, policy)
    known = {reminder.dedupe_key: reminder for reminder in session.exec(
        select(Reminder).where(Reminder.dedupe_key.in_(list(wanted))))}
    planned = []
    for key, (entry, site, policy) in wanted.items():
        fresh = _nudge(entry, site, policy, key, now)
        if key not in known:
            planned.append(fresh)
        elif known[key].status == ReminderStatus.CANCELLED:  # it never reached the patient
            planned.append(_revive(known[key], fresh))
    session.add_all(planned)
    return len(planned), cancel_nudges(session, keep=wanted)
