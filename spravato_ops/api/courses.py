"""Treatment courses and their plan."""
from flask import current_app, g
from flask_smorest import Blueprint

from schemas.course import CourseOut, CoursePatch, CoursePlanOut
from schemas.series import SeriesIn, SeriesOut, SeriesPreviewIn, SeriesPreviewOut

from ..db import get_session
from ..models import TreatmentCourse
from ..services import courses as service, series, views
from ..services.common import get_existing
from .common import clock_skew, if_match_version, with_etag

bp = Blueprint("courses", __name__, url_prefix="/api/v1/courses", description="Treatment courses")


@bp.get("/<int:course_id>")
@bp.response(200, CourseOut)
def get_course(course_id):
    course = get_existing(get_session(), TreatmentCourse, course_id, "Course")
    return with_etag(course, course.version)


@bp.patch("/<int:course_id>")
@bp.arguments(CoursePatch())
@bp.response(200, CourseOut)
def update_course(changes, course_id):
    """Change a course; made active again, `warnings` names another active course (R1.1)."""
    session = get_session()
    course = service.update_course(session, course_id=course_id, changes=changes,
                                   actor=g.current_user, expected_version=if_match_version())
    return with_etag(dict(course.model_dump(), warnings=service.course_warnings(session, course)),
                     course.version)


@bp.get("/<int:course_id>/plan")
@bp.response(200, CoursePlanOut)
def get_course_plan(course_id):
    """Course weeks with phase, sessions allowed and booked, and the next due window (R1)."""
    return service.plan_for_course(get_session(), course_id=course_id,
                                   default_timezone=current_app.config["DEMO_TIMEZONE"])


@bp.post("/<int:course_id>/series/preview")
@bp.arguments(SeriesPreviewIn())
@bp.response(200, SeriesPreviewOut)
def preview_series(data, course_id):
    """Propose the sessions of a span on the weekdays asked, each with its chair and every rule
    or conflict it meets (R1.1-R1.3, R1.8, P-HOURS); nothing is written."""
    return series.preview_series(get_session(), course_id=course_id, data=data)


@bp.post("/<int:course_id>/series")
@bp.arguments(SeriesIn())
@bp.response(201, SeriesOut)
def book_series(data, course_id):
    """Book the chosen sessions at once, all or nothing; 409 names every date refused."""
    session = get_session()
    booked = series.book_series(session, course_id=course_id, data=data, actor=g.current_user,
                                clock_skew=clock_skew())
    return dict(course_id=course_id, sessions=[
        views.session_view(session, b.record, role=g.current_user.role, warnings=b.warnings,
                           patient=b.patient) for b in booked])
