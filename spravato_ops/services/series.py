"""Series booking: propose a phase's sessions at once (nothing written), then book the chosen
ones in one transaction, all or nothing, each checked and written as a single booking is."""
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import cache
from typing import NamedTuple

from sqlalchemy import and_, bindparam, or_
from sqlmodel import select

from ..clock import utcnow
from ..domain.cadence import NOT_A_VISIT, BookedSession
from ..domain.calendar import local_date, zone
from ..domain.enums import SessionState
from ..domain.series import (
    Proposal, SeriesPlan, SeriesRequest, SeriesSite, propose_series, series_days,
)
from ..domain.violations import split
from ..models import Chair, TreatmentSession
from . import rules
from .booking import (
    Booked, Slot, commit_booking, load_booking, make_slot, new_session, patient_facts,
    refuse_invalid, retries_deadlock, slot_violations, write_booking,
)
from .courses import course_facts
from .failures import InvalidInput, RuleRefusal
from .patients import screening_facts

ONE_DAY = timedelta(days=1)


class Planned(NamedTuple):
    """A session of the series being checked, as the booking checks read a stored one."""

    id: None
    course_id: int
    chair_id: int
    local_day: date
    planned_dose_mg: int
    state: str
    scheduled_start: datetime
    scheduled_end: datetime
    mine: bool = True


@dataclass(frozen=True)
class Checked:
    """A proposal with the Slot it would book and every violation the booking checks find."""

    proposal: Proposal
    slot: Slot
    violations: list


def preview_series(session, *, course_id, data):
    """Propose the course's sessions on the weekdays asked (domain/series.py), each checked
    as a booking is (R1, R4, R5, chair conflicts, P-HOURS); nothing is written."""
    course, patient, enrollment, screening, site, policy, chair = load_booking(
        session, course_id, data["site_id"], data["chair_id"], lock=False)
    refuse_invalid(site, chair, data["chair_id"], None, None)
    chairs = _site_chairs(session, site.id)
    request = SeriesRequest(weekdays=frozenset(data["weekdays"]), start_time=data["start_time"],
                            chair_id=chair.id, weeks=data["span"].get("weeks"),
                            dose_mg=data.get("dose_mg"), window_minutes=data["window_minutes"])
    now = utcnow()
    today = local_date(now, site.timezone)
    facts = course_facts(course)
    first, last = series_days(facts, request, today, now, site.timezone)
    mine, by_chair = _split(_series_sessions(session, course.patient_id, site.id,
                                             first - ONE_DAY, last + ONE_DAY))
    plan = propose_series(
        facts, [_booked(r) for r in mine if r.course_id == course.id],
        request, SeriesSite(site.timezone, policy.opening_hours, policy.slot,
                            tuple(c.id for c in chairs.values() if c.active)),
        {chair: [(r.scheduled_start, r.scheduled_end) for r in held]
         for chair, held in by_chair.items()}, today=today, now=now,
        other_courses=[_booked(r) for r in mine if r.course_id != course.id])
    who, screened = patient_facts(patient, enrollment), screening_facts(screening)
    slots = [make_slot(course, who, screened, site, chairs[p.chair_id], policy, p.start,
                       p.dose_mg) for p in plan.proposals]
    checked = [Checked(p, slot, found) for p, (slot, found)
               in zip(plan.proposals, _check(slots, mine, by_chair))]
    return _preview(course, site, plan, checked)


@retries_deadlock
def book_series(session, *, course_id, data, actor, clock_skew):
    """Book the chosen sessions of a series in one transaction, all or nothing: each checked
    as a single booking (a prescriber's override covers the soft stops of all), audited, with
    its reminders. A refusal names every date refused; a slot taken since the checks (the
    database's guards) fails the whole series too. Returns the Booked sessions by start."""
    course, patient, enrollment, screening, site, policy, _ = load_booking(
        session, course_id, data["site_id"], None)
    chairs = _site_chairs(session, site.id)
    wanted = sorted(data["sessions"], key=lambda row: row["scheduled_start"])
    _refuse_invalid_rows(site, chairs, data["sessions"], clock_skew)
    who, screened = patient_facts(patient, enrollment), screening_facts(screening)
    slots = [make_slot(course, who, screened, site, chairs[row["chair_id"]], policy,
                       row["scheduled_start"], row["planned_dose_mg"]) for row in wanted]
    days = [slot.local_day for slot in slots]
    mine, by_chair = _split(_series_sessions(session, course.patient_id, site.id,
                                             min(days) - ONE_DAY, max(days) + ONE_DAY))
    outcomes, refused = [], []
    for slot, found in _check(slots, mine, by_chair):
        try:
            outcomes.append(rules.enforce(found, actor=actor, override=data.get("override")))
        except RuleRefusal as refusal:
            refused.append((slot, refusal.violations))
    if refused:
        raise series_refusal(refused)
    records = [new_session(session, slot, actor=actor, override=override)
               for slot, (_, override) in zip(slots, outcomes)]

    def write():
        for record, slot, (_, override) in zip(records, slots, outcomes):
            write_booking(session, record, slot, actor=actor, override=override,
                          patient=patient)

    commit_booking(session, slots, None, write, refusal=series_refusal)
    return [Booked(record, warnings, patient)
            for record, (warnings, _) in zip(records, outcomes)]


def series_refusal(refused):
    """One 409 for a series: the violations of each date refused ([(Slot, violations)]),
    each message led by its date, and a message naming the dates. Nothing was booked."""
    days = ", ".join(slot.local_day.isoformat() for slot, _ in refused)
    violations = [replace(v, message=f"{slot.local_day.isoformat()}: {v.message}")
                  for slot, found in refused for v in found]
    return RuleRefusal(violations, f"Nothing was booked: {days} cannot be booked.")


def _refuse_invalid_rows(site, chairs, rows, clock_skew):
    """422 per row (by its index): an active chair of the site, a start not in the past."""
    errors = {}
    for index, row in enumerate(rows):
        try:
            refuse_invalid(site, chairs.get(row["chair_id"]), row["chair_id"],
                           row["scheduled_start"], clock_skew)
        except InvalidInput as invalid:
            errors[index] = invalid.errors
    if errors:
        raise InvalidInput({"sessions": errors})


def _check(slots, patient_rows, by_chair):
    """[(slot, violations)] in order, each slot checked against the stored sessions (of
    _split) and the series' slots before it, which join those lists (R1.1 counts, R1.2 doses,
    R1.8 days, chair overlaps)."""
    checked = []
    for slot in slots:
        on_chair = by_chair.setdefault(slot.chair.id, [])
        overlapping = [row for row in on_chair
                       if row.scheduled_start < slot.end and row.scheduled_end > slot.start]
        checked.append((slot, slot_violations(slot, patient_rows, overlapping)))
        planned = Planned(None, slot.course.id, slot.chair.id, slot.local_day, slot.dose_mg,
                          SessionState.SCHEDULED.value, slot.start, slot.end)
        patient_rows.append(planned)
        on_chair.append(planned)
    return checked


def _booked(row):
    return BookedSession(row.id, row.local_day, row.planned_dose_mg, SessionState(row.state))


def _split(rows):
    """In one pass over _series_sessions: the patient's sessions, and {chair id: [row]} of
    the sessions holding a chair (a state that is a visit: the enums are str)."""
    mine, by_chair = [], {}
    for row in rows:
        if row.mine:
            mine.append(row)
        if row.state not in NOT_A_VISIT:
            by_chair.setdefault(row.chair_id, []).append(row)
    return mine, by_chair


def _site_chairs(session, site_id):
    """{id: Chair} of the site, by label (the order chairs are offered in)."""
    chairs = session.exec(select(Chair).where(Chair.site_id == site_id).order_by(Chair.label))
    return {chair.id: chair for chair in chairs}


def _series_sessions(session, patient_id, site_id, first_day, last_day):
    """In one query: the patient's sessions (any course, state or day: `mine`), and the
    site's active sessions on the days first_day..last_day (the chairs' bookings)."""
    return session.exec(_series_query(), params=dict(
        patient_id=patient_id, site_id=site_id, first_day=first_day, last_day=last_day)).all()


@cache
def _series_query():
    s = TreatmentSession
    mine = s.patient_id == bindparam("patient_id")
    site_days = and_(s.site_id == bindparam("site_id"), s.local_day >= bindparam("first_day"),
                     s.local_day <= bindparam("last_day"), s.state.not_in(NOT_A_VISIT))
    return (select(s.id, s.course_id, s.chair_id, s.local_day, s.planned_dose_mg, s.state,
                   s.scheduled_start, s.scheduled_end, mine.label("mine"))
            .where(or_(mine, site_days)).order_by(s.scheduled_start))


def _preview(course, site, plan: SeriesPlan, checked):
    tz = zone(site.timezone)
    proposals = []
    for item in checked:
        p, slot = item.proposal, item.slot
        stops, warnings = split(item.violations)
        proposals.append(dict(
            date=p.day, week=p.week, phase=p.phase.value, scheduled_start=p.start,
            scheduled_end=p.end, local_time=f"{p.start.astimezone(tz):%H:%M}",
            requested_time=f"{p.requested_start.astimezone(tz):%H:%M}",
            moved=p.start != p.requested_start, placed=p.placed, chair_id=slot.chair.id,
            chair_label=slot.chair.label, planned_dose_mg=p.dose_mg, bookable=not stops,
            violations=[v.as_dict() for v in stops], warnings=[w.as_dict() for w in warnings]))
    return dict(course_id=course.id, site_id=site.id, timezone=site.timezone,
                first_day=plan.first_day, last_day=plan.last_day, proposals=proposals,
                skipped=[dict(date=s.day, rule=s.rule, reason=s.reason) for s in plan.skipped])
