"""Patient reminders for staff: what was sent, when, on which channel; resend a failed one."""
from flask import g
from flask_smorest import Blueprint

from schemas.reminder import ReminderDeskOut, ReminderOut, ReminderQuery

from ..db import get_session
from ..services import reminders as service

bp = Blueprint("reminders", __name__, url_prefix="/api/v1/reminders",
               description="Patient reminders (front desk: time, channel and status only)")
DESK_FIELDS = frozenset(ReminderDeskOut().fields)


@bp.get("")
@bp.arguments(ReminderQuery(), location="query")
@bp.response(200, ReminderOut(many=True))
def list_reminders(query):
    """Reminders by send time at the caller's sites, filtered by session, course and status;
    403 for a session at a site the caller is not assigned to."""
    found = service.list_reminders(get_session(), viewer=g.current_user, **query)
    if g.current_user.role == "front_desk":
        return [{key: getattr(r, key) for key in DESK_FIELDS} for r in found]
    return found


@bp.post("/<int:reminder_id>/resend")
@bp.response(200, ReminderOut)
def resend_reminder(reminder_id):
    """Send a failed (or unknown) reminder again, to the patient's current address (audited);
    409 for any other status, or when it can no longer go before the appointment."""
    return service.resend(get_session(), reminder_id=reminder_id, actor=g.current_user)
