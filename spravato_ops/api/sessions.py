"""Treatment sessions: book, list a site's day, reschedule, cancel, no-show."""
from flask import g
from flask_smorest import Blueprint

from schemas.session import SessionIn, SessionOut, SessionPatch, SessionQuery, StateChangeIn

from ..db import get_session
from ..services import booking as service, views
from .common import clock_skew, if_match_version, with_etag

bp = Blueprint("sessions", __name__, url_prefix="/api/v1/sessions",
               description="Treatment sessions (front desk: today's, without clinical fields)")


def _shown(session, record, warnings=(), patient=None):
    """The session as the caller's role may see it, with its version as the ETag."""
    view = views.session_view(session, record, role=g.current_user.role, warnings=warnings,
                              patient=patient)
    return with_etag(view, record.version)


@bp.post("")
@bp.arguments(SessionIn())
@bp.response(201, SessionOut)
def book_session(data):
    """Book a session; 409 lists every rule it breaks (R1, R4, R5, chair and patient conflicts)."""
    session = get_session()
    booked = service.book(session, data=data, actor=g.current_user, clock_skew=clock_skew())
    return _shown(session, booked.record, booked.warnings, patient=booked.patient)


@bp.get("")
@bp.arguments(SessionQuery(), location="query")
@bp.response(200, SessionOut(many=True))
def list_sessions(query):
    """A site's sessions on a site-local date (default today); front desk: today's only."""
    return views.site_day_views(get_session(), site_id=query["site_id"], day=query.get("date"),
                                role=g.current_user.role)


@bp.get("/<int:session_id>")
@bp.response(200, SessionOut)
def get_session_record(session_id):
    return with_etag(*views.session_shown(get_session(), session_id, role=g.current_user.role))


@bp.patch("/<int:session_id>")
@bp.arguments(SessionPatch())
@bp.response(200, SessionOut)
def reschedule_session(changes, session_id):
    """Reschedule (send If-Match with the version you read); every booking check runs again."""
    session = get_session()
    record, warnings = service.reschedule_session(
        session, session_id=session_id, changes=changes, expected_version=if_match_version(),
        actor=g.current_user, clock_skew=clock_skew())
    return _shown(session, record, warnings)


@bp.post("/<int:session_id>/cancel")
@bp.arguments(StateChangeIn())
@bp.response(200, SessionOut)
def cancel_session(data, session_id):
    return _change_state(service.cancel_session, data, session_id)


@bp.post("/<int:session_id>/no-show")
@bp.arguments(StateChangeIn())
@bp.response(200, SessionOut)
def mark_no_show(data, session_id):
    return _change_state(service.mark_no_show, data, session_id)


def _change_state(change, data, session_id):
    """Cancel or no-show with the reason given (If-Match optional); answer the session."""
    session = get_session()
    record = change(session, session_id=session_id, reason=data["reason"], actor=g.current_user,
                    expected_version=if_match_version())
    return _shown(session, record)
