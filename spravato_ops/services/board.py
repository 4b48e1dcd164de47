"""The front-desk board: today's sessions at a site by chair, readiness, nothing clinical."""
from sqlmodel import select

from ..clock import utcnow
from ..domain.calendar import local_date
from ..domain.discharge import discharge_readiness
from ..models import Chair, Patient, Site, TreatmentSession
from .common import get_or_404
from .records import build_record, load_entries
from .sites import site_policy

# Patients expected or in the clinic; those who left (or never came) drop off the board.
BOARD_STATES = ("scheduled", "arrived", "checked_in", "dosing", "observing")
READINESS_KINDS = ("checklist", "vitals", "devices", "observations", "adverse_events")


def board(session, *, site_id):
    """Return the board rows of today (site-local), by chair label then time.

    Set-based: one query for the sessions with their chairs and patients, one per
    entry table for all of them, one for the policy.
    """
    site = get_or_404(session, Site, site_id, "Site")
    now = utcnow()
    rows = session.exec(
        select(TreatmentSession, Chair.label, Patient.first_name, Patient.last_name)
        .join(Chair, Chair.id == TreatmentSession.chair_id)
        .join(Patient, Patient.id == TreatmentSession.patient_id)
        .where(TreatmentSession.site_id == site_id,
               TreatmentSession.local_day == local_date(now, site.timezone),
               TreatmentSession.state.in_(BOARD_STATES))
        .order_by(Chair.label, TreatmentSession.scheduled_start, TreatmentSession.id)
    ).all()
    entries = load_entries(session, [row[0].id for row in rows], READINESS_KINDS)
    policy = site_policy(session, site_id)
    result = []
    for treatment_session, label, first_name, last_name in rows:
        record = build_record(treatment_session, entries[treatment_session.id])
        readiness = discharge_readiness(record, policy, now)
        result.append({
            "chair": label, "session_id": treatment_session.id,
            "patient_initials": f"{first_name[:1]}{last_name[:1]}".upper(),
            "state": treatment_session.state, "scheduled_start": treatment_session.scheduled_start,
            "ready": readiness.ready, "ready_at": readiness.earliest_ready_at,
        })
    return result
