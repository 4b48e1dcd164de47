"""Treatment courses (R1.1-R1.4) and their plan."""
from ..clock import utcnow
from ..domain.violations import hard_stop
from ..errors import InvalidInput, RuleRefusal
from ..models import Patient, TreatmentCourse, User
from .common import get_or_404, save_new, save_update


def _check_prescriber(session, prescriber_id):
    prescriber = session.get(User, prescriber_id)
    if prescriber is None or prescriber.role != "prescriber" or not prescriber.active:
        raise InvalidInput({"prescriber_id": ["Must be an active user with the prescriber role."]})


def _check_mdsi_antidepressant(indication, oral_antidepressant):
    """R1.3: an MDSI course requires a recorded oral antidepressant (hard stop)."""
    if indication == "MDSI" and not (oral_antidepressant or "").strip():
        raise RuleRefusal([hard_stop(
            "R1.3", "mdsi_requires_oral_antidepressant",
            "An MDSI course requires a recorded oral antidepressant.",
        )])


def create_course(session, *, patient_id, data):
    get_or_404(session, Patient, patient_id, "Patient")
    _check_prescriber(session, data["prescriber_id"])
    _check_mdsi_antidepressant(data["indication"], data.get("oral_antidepressant"))
    course = TreatmentCourse(patient_id=patient_id, created_at=utcnow(), **data)
    return save_new(session, course, entity="course")


def update_course(session, *, course_id, changes, expected_version=None):
    course = get_or_404(session, TreatmentCourse, course_id, "Course")
    if "oral_antidepressant" in changes:
        _check_mdsi_antidepressant(course.indication, changes["oral_antidepressant"])
    return save_update(session, course, changes, entity="course", expected_version=expected_version)
