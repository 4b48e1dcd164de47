"""Treatment courses and their plan."""
from flask import current_app, g
from flask_smorest import Blueprint

from schemas.course import CourseOut, CoursePatch, CoursePlanOut

from ..db import get_session
from ..models import TreatmentCourse
from ..services import courses as service
from ..services.common import get_existing
from .common import if_match_version, with_etag

bp = Blueprint("courses", __name__, url_prefix="/api/v1/courses", description="Treatment courses")


@bp.get("/<int:course_id>")
@bp.response(200, CourseOut)
def get_course(course_id):
    course = get_existing(get_session(), TreatmentCourse, course_id, "Course")
    return with_etag(course, course.version)


@bp.patch("/<int:course_id>")
@bp.arguments(CoursePatch)
@bp.response(200, CourseOut)
def update_course(changes, course_id):
    course = service.update_course(get_session(), course_id=course_id, changes=changes,
                                   actor=g.current_user, expected_version=if_match_version())
    return with_etag(course, course.version)


@bp.get("/<int:course_id>/plan")
@bp.response(200, CoursePlanOut)
def get_course_plan(course_id):
    """Course weeks with phase, sessions allowed and booked, and the next due window (R1)."""
    return service.plan_for_course(get_session(), course_id=course_id,
                                   default_timezone=current_app.config["DEMO_TIMEZONE"])
