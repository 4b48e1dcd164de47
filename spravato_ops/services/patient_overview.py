"""What a patient's page shows: the record, enrollment and screening facts, courses, sessions."""
from sqlmodel import select

from ..models import Chair, Patient, RemsEnrollment, Screening, TreatmentCourse, TreatmentSession
from .common import get_existing


def patient_overview(session, *, patient_id):
    """Return the patient with REMS enrollment, whether screened, courses and sessions.

    Set-based: one query per part, the sessions with their chair labels.
    """
    patient = get_existing(session, Patient, patient_id, "Patient")
    courses = session.exec(select(TreatmentCourse).where(TreatmentCourse.patient_id == patient_id)
                           .order_by(TreatmentCourse.start_date)).all()
    sessions = session.exec(
        select(TreatmentSession, Chair.label)
        .join(Chair, Chair.id == TreatmentSession.chair_id)
        .where(TreatmentSession.patient_id == patient_id)
        .order_by(TreatmentSession.scheduled_start)).all()
    return {
        "patient": patient, "enrollment": session.get(RemsEnrollment, patient_id),
        "screened": session.get(Screening, patient_id) is not None,
        "courses": courses, "sessions": sessions,
    }
