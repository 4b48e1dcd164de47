"""The front-desk board: today's sessions at a site by chair, readiness, nothing clinical."""
from sqlmodel import select

from ..clock import utcnow
from ..domain.calendar import local_date
from ..domain.discharge import discharge_readiness
from ..models import Chair, Patient, TreatmentSession
from .records import build_record, read_entries
from .sites import site_with_policy

# Patients expected or in the clinic; those who left (or never came) drop off the board.
BOARD_STATES = ("scheduled", "arrived", "checked_in", "dosing", "observing")
READINESS_KINDS = ("checklist", "vitals", "devices", "observations", "adverse_events")


def board(session, *, site_id):
    """Return the board rows of today (site-local), by chair label then time.

    Set-based: one query for the site with its policy, one for the sessions with their
    chairs and patients, one per entry table for all of them.
    """
    site, policy = site_with_policy(session, site_id)
    now = utcnow()
    rows = session.exec(
        select(TreatmentSession.id, TreatmentSession.state, TreatmentSession.scheduled_start,
               TreatmentSession.planned_dose_mg, Chair.label, Patient.first_name,
               Patient.last_name)
        .join(Chair, Chair.id == TreatmentSession.chair_id)
        .join(Patient, Patient.id == TreatmentSession.patient_id)
        .where(TreatmentSession.site_id == site_id,
               TreatmentSession.local_day == local_date(now, site.timezone),
               TreatmentSession.state.in_(BOARD_STATES))
        .order_by(Chair.label, TreatmentSession.scheduled_start, TreatmentSession.id)
    ).all()
    entries = read_entries(session, [row.id for row in rows], READINESS_KINDS)
    return [_board_row(row, entries[row.id], policy, now) for row in rows]


def _board_row(row, entries, policy, now):
    readiness = discharge_readiness(build_record(row, entries), policy, now, now=now)
    return {
        "chair": row.label, "session_id": row.id,
        "patient_initials": f"{row.first_name[:1]}{row.last_name[:1]}".upper(),
        "state": row.state, "scheduled_start": row.scheduled_start,
        "ready": readiness.ready, "ready_at": readiness.earliest_ready_at,
    }
