"""The treatment day up to the dose: arrival, checklist, vitals, devices, withholding."""
from ..clock import utcnow
from ..domain.alerts import vitals_alerts
from ..domain.blood_pressure import pre_dose_warnings
from ..domain.checklist import check_checklist
from ..domain.doses import device_violations, devices_for_dose, too_many_devices
from ..domain.entry_times import vitals_timing
from ..domain.enums import SessionState as S, VitalsTimepoint
from ..domain.policy import BloodPressure
from ..domain.session_record import VitalsReading
from ..domain.state_machine import Action, next_state
from ..models import ChecklistEntry, DeviceAdministration, VitalsEntry
from ..models.columns import entered_columns
from .entries import (
    Written, check_state, keep_override, lock_session, move, prepare, raise_alerts,
    refuse_mistimed, rolls_back, save_entry, validate_times,
)
from .rems_form_rows import open_form
from .rules import enforce

BEFORE_DOSE = frozenset({S.ARRIVED, S.CHECKED_IN})
CHECKLIST_ITEMS = entered_columns(ChecklistEntry)
VITALS_FIELDS = entered_columns(VitalsEntry)


@rolls_back
def record_arrival(session, *, session_id, actor, clock_skew, arrived_at=None, reason=None):
    """Mark the patient arrived: scheduled -> arrived."""
    treatment_session = lock_session(session, session_id)
    check_state(treatment_session, Action.ARRIVE)
    arrived_at = arrived_at or utcnow()
    validate_times(session, treatment_session, {"arrived_at": arrived_at},
                   clock_skew=clock_skew)
    move(session, treatment_session, next_state(treatment_session.state, Action.ARRIVE),
         actor=actor, arrived_at=arrived_at,
         state_reason=reason.strip() if reason else treatment_session.state_reason)
    session.commit()
    return treatment_session


@rolls_back
def record_ride_arrived(session, *, session_id, actor, clock_skew, arrived_at=None):
    """The front desk says the patient's ride home is here (R3.5); the state stays."""
    treatment_session = lock_session(session, session_id)
    check_state(treatment_session, Action.RIDE_ARRIVED)
    arrived_at = arrived_at or utcnow()
    validate_times(session, treatment_session, {"arrived_at": arrived_at},
                   clock_skew=clock_skew)
    move(session, treatment_session, treatment_session.state, actor=actor,
         ride_arrived_at=arrived_at)
    session.commit()
    return treatment_session


@rolls_back
def record_checklist(session, *, session_id, actor, data):
    """R1.6 preparation and R3.5 ride home: a soft stop per failed item; arrived -> checked_in."""
    prepared = prepare(session, session_id=session_id, action=Action.CHECKLIST,
                       kind="checklist", amends=data.get("amends"), reads=())
    treatment_session, original = prepared.session, prepared.original
    items = {name: data.get(name) for name in CHECKLIST_ITEMS}
    # The checklist gates the dose; corrected after dosing it only feeds readiness (transport).
    violations = check_checklist(**items) if S(treatment_session.state) in BEFORE_DOSE else []
    warnings, override = enforce(violations, actor=actor, override=data.get("override"))
    entry = ChecklistEntry(
        session_id=treatment_session.id, no_food_2h=items["no_food_2h"] is True,
        no_liquids_30m=items["no_liquids_30m"] is True,
        nasal_medication_ok=items["nasal_medication_ok"] is True,
        transport_name=(items["transport_name"] or "").strip() or None,
        transport_phone=(items["transport_phone"] or "").strip() or None,
        override_reason=override and override["reason"])
    save_entry(session, entry, entity="checklist", actor=actor, original=original,
               reason=data.get("reason"))
    keep_override(treatment_session, override, entity="checklist", entry=entry)
    if treatment_session.state == S.ARRIVED:
        move(session, treatment_session, next_state(treatment_session.state, Action.CHECKLIST),
             actor=actor)
    session.add(treatment_session)
    session.commit()
    return Written(entry, treatment_session, warnings)


@rolls_back
def record_vitals(session, *, session_id, actor, clock_skew, data):
    """Record vitals; every reading is kept. R2.1 shown as warnings before dosing;
    R2.3 alerts after."""
    prepared = prepare(session, session_id=session_id, action=Action.RECORD_VITALS,
                       kind="vitals", amends=data.get("amends"), reads=("vitals", "devices"))
    treatment_session, record, policy = prepared.session, prepared.record, prepared.policy
    validate_times(session, treatment_session, {"taken_at": data["taken_at"]},
                   clock_skew=clock_skew)
    reading = VitalsReading(VitalsTimepoint(data["timepoint"]),
                            BloodPressure(data["systolic"], data["diastolic"]),
                            data["heart_rate"], data["spo2"], data["taken_at"])
    refuse_mistimed(vitals_timing(reading.timepoint, reading.taken_at, record.first_device_at))
    entry = VitalsEntry(session_id=treatment_session.id,
                        **{name: data.get(name) for name in VITALS_FIELDS})
    save_entry(session, entry, entity="vitals", actor=actor, original=prepared.original,
               reason=data.get("reason"))
    raised = raise_alerts(session, treatment_session,
                          vitals_alerts(reading, record.pre_dose_bp, policy),
                          source=f"vitals:{entry.id}")
    session.add(treatment_session)
    session.commit()
    warnings = [w.as_dict() for w in pre_dose_warnings(reading, record.first_device_at, policy)]
    return Written(entry, treatment_session, warnings, raised)


def _dose_complete(record):
    """R1.5: after the last planned device the session observes; say so, not only the state."""
    return too_many_devices(record.planned_dose_mg, len(record.devices))


@rolls_back
def record_device(session, *, session_id, actor, clock_skew, data):
    """Record one device (R1.5, R2.1): the first moves to dosing, the last planned to observing."""
    prepared = prepare(session, session_id=session_id, action=Action.RECORD_DEVICE,
                       kind="devices", amends=data.get("amends"), explain=_dose_complete,
                       reads=("vitals", "devices"))
    treatment_session, record, original = prepared.session, prepared.record, prepared.original
    validate_times(session, treatment_session, {"administered_at": data["administered_at"]},
                   clock_skew=clock_skew)
    corrects = original.device_number if original is not None else None
    violations, flagged = device_violations(record, data["administered_at"],
                                            data.get("deviation_reason"), prepared.policy,
                                            corrects=corrects)
    warnings, override = enforce(violations, actor=actor, override=data.get("override"))
    number = corrects if corrects is not None else len(record.devices) + 1
    entry = DeviceAdministration(
        session_id=treatment_session.id, device_number=number,
        administered_at=data["administered_at"], lot_number=data["lot_number"].strip(),
        deviation_reason=(data.get("deviation_reason") or "").strip() or None,
        spacing_flagged=flagged, override_reason=override and override["reason"])
    save_entry(session, entry, entity="device", actor=actor, original=original,
               reason=data.get("reason"))
    keep_override(treatment_session, override, entity="device", entry=entry)
    if original is None:
        last = number >= devices_for_dose(treatment_session.planned_dose_mg)
        move(session, treatment_session,
             next_state(treatment_session.state, Action.RECORD_DEVICE, last_device=last),
             actor=actor)
    session.add(treatment_session)
    session.commit()
    return Written(entry, treatment_session, warnings)


@rolls_back
def withhold_dose(session, *, session_id, actor, reason):
    """Withhold this session's dose (e.g. R2.1 bp_hold): arrived/checked_in -> withheld. Its
    REMS form is written where the site keeps forms of withheld doses (R4.3)."""
    treatment_session = lock_session(session, session_id)
    check_state(treatment_session, Action.WITHHOLD)
    move(session, treatment_session, next_state(treatment_session.state, Action.WITHHOLD),
         actor=actor, state_reason=reason.strip())
    open_form(session, treatment_session, actor=actor)
    session.commit()
    return treatment_session
