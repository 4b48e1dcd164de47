"""The treatment day of a session: arrival to discharge, its record, timers and readiness."""
from flask import g
from flask_smorest import Blueprint

from schemas.clinical import (
    AdverseEventIn, AdverseEventOut, AdverseEventPatch, ArrivalOut, ChecklistIn, ChecklistOut,
    DeviceIn, DeviceOut, DischargeIn, DischargeOut, ObservationIn, ObservationOut,
    ReadinessOut, ReadinessQuery, SessionRecordOut, TimerOut, VitalsIn, VitalsOut,
)
from schemas.session import ArrivalIn, RideArrivedIn, SessionOut, StateChangeIn

from ..clock import utcnow
from ..db import get_session
from ..services import monitoring, treatment_day, views
from .common import clock_skew

bp = Blueprint("workflow", __name__, url_prefix="/api/v1/sessions",
               description="The treatment day: arrival, checklist, vitals, devices, "
                           "observations, adverse events, discharge")


def _writing(session_id):
    """What every timed treatment-day write is told: the session, who acts, the clock skew."""
    return dict(session_id=session_id, actor=g.current_user, clock_skew=clock_skew())


def written(result):
    """A stored entry with the session's state, the warnings and the alerts it raised."""
    return views.written_view(result)


@bp.post("/<int:session_id>/arrival")
@bp.arguments(ArrivalIn())
@bp.response(200, ArrivalOut)
def record_arrival(data, session_id):
    """Mark the patient arrived (front desk or nurse): scheduled -> arrived."""
    return treatment_day.record_arrival(get_session(), **_writing(session_id), **data)


@bp.post("/<int:session_id>/transport")
@bp.arguments(RideArrivedIn())
@bp.response(200, ArrivalOut)
def record_ride_arrived(data, session_id):
    """The ride home is here (front desk, nurse): the time is kept; the state stays."""
    return treatment_day.record_ride_arrived(get_session(), **_writing(session_id), **data)


@bp.put("/<int:session_id>/checklist")
@bp.arguments(ChecklistIn())
@bp.response(200, ChecklistOut)
def record_checklist(data, session_id):
    """R1.6 preparation and R3.5 ride home; a failed item is a soft stop. arrived -> checked_in."""
    return written(treatment_day.record_checklist(get_session(), session_id=session_id,
                                                  actor=g.current_user, data=data))


@bp.post("/<int:session_id>/vitals")
@bp.arguments(VitalsIn())
@bp.response(201, VitalsOut)
def record_vitals(data, session_id):
    """Every reading is kept. Pre-dose: R2.1 judged as warnings. After dosing: R2.3/R3.3 alerts."""
    return written(treatment_day.record_vitals(get_session(), **_writing(session_id), data=data))


@bp.post("/<int:session_id>/devices")
@bp.arguments(DeviceIn())
@bp.response(201, DeviceOut)
def record_device(data, session_id):
    """R1.5 one 28 mg device, numbered in order. The first needs the R2.1 pre-dose BP: missing or
    at P-BP-HOLD a hard stop, above P-BP-ELEVATED a soft stop a prescriber may override."""
    return written(treatment_day.record_device(get_session(), **_writing(session_id), data=data))


@bp.post("/<int:session_id>/observations")
@bp.arguments(ObservationIn())
@bp.response(201, ObservationOut)
def record_observation(data, session_id):
    """R3.2 observation; R3.3 and R2.3 alerts are raised at once."""
    return written(monitoring.record_observation(get_session(), **_writing(session_id),
                                                 data=data))


@bp.post("/<int:session_id>/adverse-events")
@bp.arguments(AdverseEventIn())
@bp.response(201, AdverseEventOut)
def record_adverse_event(data, session_id):
    return written(monitoring.record_adverse_event(get_session(), **_writing(session_id),
                                                   data=data))


@bp.patch("/<int:session_id>/adverse-events/<int:event_id>")
@bp.arguments(AdverseEventPatch())
@bp.response(200, AdverseEventOut)
def update_adverse_event(changes, session_id, event_id):
    """Resolve or correct an event: answers the new entry that amends `event_id`."""
    return written(monitoring.update_adverse_event(get_session(), **_writing(session_id),
                                                   event_id=event_id, changes=changes))


@bp.post("/<int:session_id>/withhold")
@bp.arguments(StateChangeIn())
@bp.response(200, SessionOut)
def withhold_dose(data, session_id):
    """Withhold this session's dose (e.g. R2.1 bp_hold): arrived/checked_in -> withheld."""
    return treatment_day.withhold_dose(get_session(), session_id=session_id,
                                       actor=g.current_user, reason=data["reason"])


@bp.get("/<int:session_id>/record")
@bp.response(200, SessionRecordOut)
def get_record(session_id):
    """Every clinical entry of the session; corrected ones flagged `amended`."""
    return views.record_view(get_session(), session_id)


@bp.get("/<int:session_id>/timers")
@bp.response(200, TimerOut(many=True))
def get_timers(session_id):
    """What is due when, from the first device (R1.5, R2.2, R2.3, R3.1, R3.2)."""
    return monitoring.timers(get_session(), session_id=session_id, now=utcnow())


@bp.get("/<int:session_id>/discharge-readiness")
@bp.arguments(ReadinessQuery(), location="query")
@bp.response(200, ReadinessOut)
def get_discharge_readiness(query, session_id):
    """R3.4 criteria at `at` (default now), met or not, with when they will be met."""
    return monitoring.readiness(get_session(), session_id=session_id, now=utcnow(),
                                at=query.get("at"))


@bp.post("/<int:session_id>/discharge")
@bp.arguments(DischargeIn())
@bp.response(201, DischargeOut)
def discharge(data, session_id):
    """R3.4 discharge; R3.1 120 minutes is a hard stop; other unmet criteria are soft stops."""
    return written(monitoring.discharge(get_session(), **_writing(session_id), now=utcnow(),
                                        data=data))
