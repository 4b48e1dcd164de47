"""The front-desk board: today's sessions at a site by chair, readiness, nothing clinical."""
from datetime import timedelta
from functools import cache

from sqlalchemy import and_, bindparam
from sqlmodel import select

from ..clock import utcnow
from ..domain.calendar import local_date
from ..domain.discharge import discharge_readiness
from ..models import Chair, ChecklistEntry, Patient, Site, TreatmentSession
from .failures import NotFound
from .records import build_record, read_entries
from .sites import policy_from, with_policy

# Patients expected or in the clinic; those who left (or never came) drop off the board.
BOARD_STATES = ("scheduled", "arrived", "checked_in", "dosing", "observing")
READINESS_KINDS = ("checklist", "vitals", "devices", "observations", "adverse_events")
# Every time zone's date is within a day of the UTC date (offsets run from -12 to +14 hours).
ZONE_DAYS = (-1, 0, 1)


def initials(first_name, last_name):
    """What the board shows of a patient: "ML" for Maria Lopez."""
    return f"{first_name[:1]}{last_name[:1]}".upper()


def board(session, *, site_id):
    """Return the board rows of today (site-local), by chair label then time.

    Set-based, in two queries: the site with its policy and the sessions of the days that
    may be today there (the site's time zone decides which, here), then the entries of
    today's.
    """
    now = utcnow()
    found = session.exec(_board_query(), params={
        "site_id": site_id, "days": [now.date() + timedelta(days=d) for d in ZONE_DAYS],
    }).all()
    if not found:
        raise NotFound(f"Site {site_id} not found.")
    today = local_date(now, found[0].timezone)
    rows = [row for row in found if row.id is not None and row.local_day == today]
    policy = policy_from(found[0].settings)
    entries = read_entries(session, [row.id for row in rows], READINESS_KINDS)
    return [_board_row(row, entries[row.id], policy, now) for row in rows]


@cache
def _board_query():
    """The site (one row with NULL sessions when it has none) and its sessions on `days`."""
    on_board = and_(TreatmentSession.site_id == Site.id,
                    TreatmentSession.local_day.in_(bindparam("days", expanding=True)),
                    TreatmentSession.state.in_(BOARD_STATES))
    query = (select(Site.timezone, TreatmentSession.id, TreatmentSession.local_day,
                    TreatmentSession.state, TreatmentSession.scheduled_start,
                    TreatmentSession.planned_dose_mg, TreatmentSession.arrived_at,
                    TreatmentSession.ride_arrived_at, Chair.label, Patient.first_name,
                    Patient.last_name)
             .select_from(Site)
             .outerjoin(TreatmentSession, on_board)
             .outerjoin(Chair, Chair.id == TreatmentSession.chair_id)
             .outerjoin(Patient, Patient.id == TreatmentSession.patient_id)
             .where(Site.id == bindparam("site_id"))
             .order_by(Chair.label, TreatmentSession.scheduled_start, TreatmentSession.id))
    return with_policy(query, site_id=Site.id)


def _board_row(row, entries, policy, now):
    readiness = discharge_readiness(build_record(row, entries), policy, now, now=now)
    return {
        "chair": row.label, "session_id": row.id,
        "patient_initials": initials(row.first_name, row.last_name),
        "state": row.state, "scheduled_start": row.scheduled_start,
        "ready": readiness.ready, "ready_at": readiness.earliest_ready_at,
        "arrived_at": row.arrived_at, "ride_arrived_at": row.ride_arrived_at,
    }


def ride_home(session, *, session_id):
    """The patient's initials and the ride home the checklist records (R3.5), for the front
    desk to call the ride before the patient is ready: (initials, name, phone), the name and
    phone of the latest entry not corrected by another (None when none is recorded)."""
    record = session.exec(select(TreatmentSession, Patient.first_name, Patient.last_name)
                          .join(Patient, Patient.id == TreatmentSession.patient_id)
                          .where(TreatmentSession.id == session_id)).first()
    if record is None:
        raise NotFound(f"Session {session_id} not found.")
    corrected = (select(ChecklistEntry.amends_id)
                 .where(ChecklistEntry.session_id == session_id,
                        ChecklistEntry.amends_id.is_not(None)))
    ride = session.exec(select(ChecklistEntry.transport_name, ChecklistEntry.transport_phone)
                        .where(ChecklistEntry.session_id == session_id,
                               ChecklistEntry.id.not_in(corrected))
                        .order_by(ChecklistEntry.recorded_at.desc(), ChecklistEntry.id.desc())
                        .limit(1)).first()
    _, first_name, last_name = record
    return (initials(first_name, last_name), *(ride or (None, None)))
