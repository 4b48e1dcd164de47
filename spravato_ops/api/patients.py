"""Patients, screening, REMS enrollment and their courses."""
from flask import g
from flask_smorest import Blueprint
from sqlmodel import select

from schemas.course import CourseIn, CourseOut
from schemas.patient import (
    EnrollmentIn, EnrollmentOut, PatientContactOut, PatientIn, PatientOut, PatientPatch,
    PatientQuery, ScreeningIn, ScreeningOut,
)

from ..db import get_session
from ..models import Patient, RemsEnrollment, Screening, TreatmentCourse
from ..services import courses as course_service
from ..services import patients as service, views
from ..services.common import get_existing
from .common import if_match_version, with_etag

bp = Blueprint("patients", __name__, url_prefix="/api/v1/patients", description="Patients")
# A patient as read: PatientContactOut for the front desk, PatientOut for every other role.
PATIENT_AS_READ = {"oneOf": [PatientOut, PatientContactOut]}


def documented_as_read(schema):
    """Document a read's 200 body as `schema` (the role's view) instead of PatientOut."""
    return bp.doc(responses={200: {"content": {"application/json": {"schema": schema}}}})


@bp.post("")
@bp.arguments(PatientIn())
@bp.response(201, PatientOut)
def create_patient(data):
    session = get_session()
    patient = service.create_patient(session, data=data, actor=g.current_user)
    return views.patient_views(session, [patient], role=g.current_user.role)[0]


@bp.get("")
@bp.arguments(PatientQuery(), location="query")
@bp.response(200, PatientOut(many=True))
@documented_as_read({"type": "array", "items": PATIENT_AS_READ})
def search_patients(query):
    """Search by name or MRN (`q`); front desk sees name and contact only."""
    return views.patient_search(get_session(), role=g.current_user.role, **query)


@bp.get("/<int:patient_id>")
@bp.response(200, PatientOut)
@documented_as_read(PATIENT_AS_READ)
def get_patient(patient_id):
    return with_etag(*views.patient_shown(get_session(), patient_id, role=g.current_user.role))


@bp.patch("/<int:patient_id>")
@bp.arguments(PatientPatch())
@bp.response(200, PatientOut)
def update_patient(changes, patient_id):
    session = get_session()
    patient = service.update_patient(session, patient_id=patient_id, changes=changes,
                                     actor=g.current_user, expected_version=if_match_version())
    [view] = views.patient_views(session, [patient], role=g.current_user.role)
    return with_etag(view, patient.version)


def screening_view(screening):
    eligible, warnings = service.screening_summary(screening)
    return dict(screening.model_dump(), eligible=eligible, warnings=warnings)


@bp.put("/<int:patient_id>/screening")
@bp.arguments(ScreeningIn())
@bp.response(200, ScreeningOut)
def record_screening(answers, patient_id):
    """Record the R5 screening; contraindications are hard stops at booking (R5.1)."""
    screening = service.record_screening(get_session(), patient_id=patient_id, answers=answers,
                                         actor=g.current_user)
    return screening_view(screening)


@bp.get("/<int:patient_id>/screening")
@bp.response(200, ScreeningOut)
def get_screening(patient_id):
    session = get_session()
    get_existing(session, Patient, patient_id, "Patient")
    return screening_view(get_existing(session, Screening, patient_id, "Screening of patient"))


@bp.put("/<int:patient_id>/rems-enrollment")
@bp.arguments(EnrollmentIn())
@bp.response(200, EnrollmentOut)
def record_enrollment(data, patient_id):
    """Record the patient's REMS enrollment (R4.2)."""
    return service.record_enrollment(get_session(), patient_id=patient_id,
                                     actor=g.current_user, **data)


@bp.get("/<int:patient_id>/rems-enrollment")
@bp.response(200, EnrollmentOut)
def get_enrollment(patient_id):
    session = get_session()
    get_existing(session, Patient, patient_id, "Patient")
    return get_existing(session, RemsEnrollment, patient_id, "REMS enrollment of patient")


@bp.post("/<int:patient_id>/courses")
@bp.arguments(CourseIn())
@bp.response(201, CourseOut)
def create_course(data, patient_id):
    """Start a treatment course (TRD or MDSI); `warnings` names another active course of the
    patient (R1.1)."""
    session = get_session()
    course = course_service.create_course(session, patient_id=patient_id, data=data,
                                          actor=g.current_user)
    return dict(course.model_dump(), warnings=course_service.course_warnings(session, course))


@bp.get("/<int:patient_id>/courses")
@bp.response(200, CourseOut(many=True))
def list_courses(patient_id):
    session = get_session()
    get_existing(session, Patient, patient_id, "Patient")
    query = select(TreatmentCourse).where(TreatmentCourse.patient_id == patient_id)
    return session.exec(query.order_by(TreatmentCourse.start_date)).all()
