"""Treatment sessions: book, list a site's day, reschedule, cancel, no-show."""
from flask import abort, g
from flask_smorest import Blueprint
from sqlmodel import select

from schemas.session import (
    SessionDeskOut, SessionIn, SessionOut, SessionPatch, SessionQuery, StateChangeIn,
)

from ..clock import utcnow
from ..db import get_session
from ..domain.calendar import local_date
from ..models import Patient, Site, TreatmentSession
from ..services import booking as service
from ..services.common import get_existing
from .common import clock_skew, if_match_version, with_etag

bp = Blueprint("sessions", __name__, url_prefix="/api/v1/sessions",
               description="Treatment sessions (front desk: today's, without clinical fields)")
DESK_FIELDS = frozenset(SessionDeskOut().fields)


def _is_desk():
    return g.current_user.role == "front_desk"


def _site_today(site):
    return local_date(utcnow(), site.timezone)


def session_view(session, record, warnings=None):
    """The session as the caller's role may see it: front desk gets no dose or overrides."""
    patient = session.get(Patient, record.patient_id)
    return _view(record, patient.first_name, patient.last_name, warnings)


def _view(record, first_name, last_name, warnings=None):
    data = dict(record.model_dump(), warnings=warnings or [],
                patient_initials=f"{first_name[:1]}.{last_name[:1]}.")
    if _is_desk():
        return {key: value for key, value in data.items() if key in DESK_FIELDS}
    return data


@bp.post("")
@bp.arguments(SessionIn)
@bp.response(201, SessionOut)
def book_session(data):
    """Book a session; 409 lists every rule it breaks (R1, R4, R5, chair and patient conflicts)."""
    booked = service.book(get_session(), data=data, actor=g.current_user, clock_skew=clock_skew())
    patient, record = booked.patient, booked.record
    return with_etag(_view(record, patient.first_name, patient.last_name, booked.warnings),
                     record.version)


@bp.get("")
@bp.arguments(SessionQuery, location="query")
@bp.response(200, SessionOut(many=True))
def list_sessions(query):
    """A site's sessions on a site-local date (default today); front desk: today's only."""
    session = get_session()
    site = get_existing(session, Site, query["site_id"], "Site")
    day = query.get("date") or _site_today(site)
    if _is_desk() and day != _site_today(site):
        abort(403, "Front desk sees today's sessions only.")
    rows = session.exec(select(TreatmentSession, Patient.first_name, Patient.last_name)
                        .join(Patient, Patient.id == TreatmentSession.patient_id)
                        .where(TreatmentSession.site_id == site.id,
                               TreatmentSession.local_day == day)
                        .order_by(TreatmentSession.scheduled_start, TreatmentSession.chair_id))
    return [_view(*row) for row in rows]


@bp.get("/<int:session_id>")
@bp.response(200, SessionOut)
def get_session_record(session_id):
    session = get_session()
    record = get_existing(session, TreatmentSession, session_id, "Session")
    if _is_desk() and record.local_day != _site_today(session.get(Site, record.site_id)):
        abort(403, "Front desk sees today's sessions only.")
    return with_etag(session_view(session, record), record.version)


@bp.patch("/<int:session_id>")
@bp.arguments(SessionPatch)
@bp.response(200, SessionOut)
def reschedule_session(changes, session_id):
    """Reschedule (send If-Match with the version you read); every booking check runs again."""
    session = get_session()
    record, warnings = service.reschedule_session(
        session, session_id=session_id, changes=changes, expected_version=if_match_version(),
        actor=g.current_user, clock_skew=clock_skew())
    return with_etag(session_view(session, record, warnings), record.version)


@bp.post("/<int:session_id>/cancel")
@bp.arguments(StateChangeIn)
@bp.response(200, SessionOut)
def cancel_session(data, session_id):
    return _change_state(service.cancel_session, data, session_id)


@bp.post("/<int:session_id>/no-show")
@bp.arguments(StateChangeIn)
@bp.response(200, SessionOut)
def mark_no_show(data, session_id):
    return _change_state(service.mark_no_show, data, session_id)


def _change_state(change, data, session_id):
    """Cancel or no-show with the reason given (If-Match optional); answer the session."""
    session = get_session()
    record = change(session, session_id=session_id, reason=data["reason"], actor=g.current_user,
                    expected_version=if_match_version())
    return with_etag(session_view(session, record), record.version)
