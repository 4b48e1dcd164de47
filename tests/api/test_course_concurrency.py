"""Courses started at once for one patient: one starts, the others are refused, since a
patient has one active course at a time (R1.1; both lock the patient's row first)."""
import pytest
from sqlmodel import select

from spravato_ops.models import TreatmentCourse

from .booking_setup import fire_at_once
from .test_courses import course_body

STARTS = 6


@pytest.mark.postgres_only
def test_simultaneous_courses_for_one_patient_start_one(app, make, db):
    patient = make.patient()
    prescriber = make.user("prescriber")
    results = fire_at_once(app, make.auth_headers("prescriber"),
                           [course_body(prescriber)] * STARTS,
                           f"/api/v1/patients/{patient.id}/courses")
    assert sorted(status for status, _ in results) == [201] + [409] * (STARTS - 1), results
    db.expire_all()
    assert len(db.exec(select(TreatmentCourse).where(
        TreatmentCourse.patient_id == patient.id)).all()) == 1
