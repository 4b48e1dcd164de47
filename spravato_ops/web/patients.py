"""The patients' pages: search and register; one patient's record, courses, sessions and
reminders; a session's patient, from the board."""
from flask import current_app, redirect, render_template, request, url_for
from flask_login import current_user

from .. import permissions
from ..db import get_session
from ..domain.calendar import zone
from ..models import TreatmentSession
from ..services.common import get_existing
from ..services.patient_overview import patient_overview
from ..services.patients import search_patients
from ..services.reminders import patient_reminders
from .access import page, refuse_other_sites
from .views import bp


def _may_edit():
    return current_user.role in permissions.MATRIX["POST /patients"]


@bp.get("/patients")
@page("patients")
def patients():
    """Search by name or MRN; schedulers, prescribers and admins also get the register form."""
    query = request.args.get("q", "").strip()[:100]
    found = search_patients(get_session(), q=query, limit=50) if query else []
    return render_template("patients.html", query=query, found=found, may_edit=_may_edit(),
                           desk=current_user.role == "front_desk")


@bp.get("/patients/<int:patient_id>")
@page("patients")
def patient(patient_id):
    """One patient: the front desk sees name and contact only (API.md roles); the others also
    the reminders sent or to be sent, a failed one sent again from here."""
    session = get_session()
    default_timezone = current_app.config["DEMO_TIMEZONE"]
    overview = patient_overview(session, patient_id=patient_id,
                                default_timezone=default_timezone)
    desk = current_user.role == "front_desk"
    reminders = [] if desk else [
        (reminder, reminder.send_at.astimezone(zone(timezone or default_timezone)))
        for reminder, timezone in patient_reminders(session, viewer=current_user,
                                                    patient_id=patient_id)]
    return render_template(
        "patient.html", desk=desk, may_edit=_may_edit(), reminders=reminders,
        may_screen=current_user.role in permissions.MATRIX["PUT /patients/{}/screening"],
        may_cancel=current_user.role in permissions.MATRIX["POST /sessions/{}/cancel"],
        may_resend=current_user.role in permissions.MATRIX["POST /reminders/{}/resend"],
        **overview)


@bp.get("/board/sessions/<int:session_id>/patient")
@page("patients")
def session_patient(session_id):
    """The patient of a session, from the board's row (initials only there): the front desk
    calls a patient who is late from their contact details."""
    refuse_other_sites()
    record = get_existing(get_session(), TreatmentSession, session_id, "Session")
    return redirect(url_for("web.patient", patient_id=record.patient_id))
