"""The treatment day up to the dose: arrival, checklist, vitals, devices, withholding."""
from ..clock import utcnow
from ..domain.alerts import alerts_for_vitals
from ..domain.blood_pressure import check_pre_dose_bp
from ..domain.checklist import check_checklist
from ..domain.doses import check_device, devices_for_dose
from ..domain.enums import AlertKind, SessionState as S, VitalsTimepoint
from ..domain.policy import BloodPressure
from ..domain.session_record import VitalsReading
from ..domain.state_machine import Action, next_state
from ..domain.violations import hard_stop
from ..models import ChecklistEntry, DeviceAdministration, VitalsEntry
from ..models.columns import entered_columns
from .entries import (
    Written, check_state, keep_override, lock_session, move, prepare, raise_alerts, rolls_back,
    save_entry, validate_times, without,
)
from .failures import InvalidInput
from .records import current
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
def record_checklist(session, *, session_id, actor, data):
    """R1.6 preparation and R3.5 ride home: a soft stop per failed item; arrived -> checked_in."""
    prepared = prepare(session, session_id=session_id, action=Action.CHECKLIST,
                       kind="checklist", amends=data.get("amends"))
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


def _check_vitals_timing(data, first_device_at):
    """A pre-dose reading precedes the first device; the others follow it (R2.1, R2.2)."""
    pre_dose = data["timepoint"] == VitalsTimepoint.PRE_DOSE
    if pre_dose and first_device_at is not None and data["taken_at"] >= first_device_at:
        raise InvalidInput({"taken_at": ["A pre-dose reading must be taken before the first "
                                         "device."]})
    if not pre_dose and (first_device_at is None or data["taken_at"] < first_device_at):
        raise InvalidInput({"timepoint": [f"A {data['timepoint']} reading must be taken after "
                                          "the first device; use pre_dose before dosing."]})


def _vitals_alert_messages(reading, baseline, policy):
    return {
        AlertKind.BP_HIGH: ("R2.3", f"Post-dose BP {reading.bp} is above the alert level "
                            f"{policy.bp_alert}: recheck every {policy.bp_recheck_minutes} min."),
        AlertKind.BP_RISE: ("R2.3", f"Post-dose BP {reading.bp} rose 40/25 or more over the "
                            f"pre-dose {baseline}: recheck every {policy.bp_recheck_minutes} min."),
        AlertKind.SPO2_LOW: ("R3.3", f"SpO2 {reading.spo2}% is below {policy.spo2_min}%."),
    }


def _pre_dose_warnings(reading, record, policy):
    """R2.1 judged on the reading for the nurse's eyes; it stops the dose at the first device."""
    if reading.timepoint != VitalsTimepoint.PRE_DOSE or record.first_device_at is not None:
        return []
    return [{"rule": v.rule, "code": v.code,
             "message": v.message + (" Withhold the dose." if v.code == "bp_hold" else "")}
            for v in check_pre_dose_bp(reading.bp, policy)]


@rolls_back
def record_vitals(session, *, session_id, actor, clock_skew, data):
    """Record vitals; every reading is kept. R2.1 shown as warnings before dosing;
    R2.3 alerts after."""
    prepared = prepare(session, session_id=session_id, action=Action.RECORD_VITALS,
                       kind="vitals", amends=data.get("amends"))
    treatment_session, record, policy = prepared.session, prepared.record, prepared.policy
    validate_times(session, treatment_session, {"taken_at": data["taken_at"]},
                   clock_skew=clock_skew)
    _check_vitals_timing(data, record.first_device_at)
    reading = VitalsReading(VitalsTimepoint(data["timepoint"]),
                            BloodPressure(data["systolic"], data["diastolic"]),
                            data["heart_rate"], data["spo2"], data["taken_at"])
    entry = VitalsEntry(session_id=treatment_session.id,
                        **{name: data.get(name) for name in VITALS_FIELDS})
    save_entry(session, entry, entity="vitals", actor=actor, original=prepared.original,
               reason=data.get("reason"))
    baseline = record.pre_dose_bp
    raised = raise_alerts(session, treatment_session, alerts_for_vitals(reading, baseline, policy),
                          source=f"vitals:{entry.id}",
                          messages=_vitals_alert_messages(reading, baseline, policy))
    session.add(treatment_session)
    session.commit()
    return Written(entry, treatment_session, _pre_dose_warnings(reading, record, policy), raised)


def _device_violations(treatment_session, record, devices, original, data, policy):
    """R2.1 pre-dose BP gates the first device; R1.5 count and spacing (corrections: neighbours).

    Missing or at P-BP-HOLD: hard stop; above P-BP-ELEVATED: soft stop a prescriber
    may override on this request. The latest (corrected) pre-dose reading counts.
    """
    at, reason = data["administered_at"], data.get("deviation_reason")
    if original is None:
        violations = []
        if not devices:
            violations = check_pre_dose_bp(record.pre_dose_bp, policy)
        found, flagged = check_device(treatment_session.planned_dose_mg,
                                      [d.administered_at for d in devices], at, reason)
        return violations + found, flagged
    earlier = [d.administered_at for d in devices if d.device_number < original.device_number]
    later = [d.administered_at for d in devices if d.device_number > original.device_number]
    found, flagged = check_device(treatment_session.planned_dose_mg, earlier, at, reason)
    if later and at > min(later):
        found.append(hard_stop("R1.5", "device_out_of_order",
                               "A device cannot be recorded after the device that followed it."))
    return found, flagged


def _dose_complete(treatment_session, record, _entries):
    """R1.5: after the last planned device the session observes; say so, not only the state."""
    planned = devices_for_dose(treatment_session.planned_dose_mg)
    if len(record.devices) < planned:
        return []
    return [hard_stop("R1.5", "too_many_devices",
                      f"All {planned} devices of the {treatment_session.planned_dose_mg} mg dose "
                      "are already recorded.")]


@rolls_back
def record_device(session, *, session_id, actor, clock_skew, data):
    """Record one device (R1.5, R2.1): the first moves to dosing, the last planned to observing."""
    prepared = prepare(session, session_id=session_id, action=Action.RECORD_DEVICE,
                       kind="devices", amends=data.get("amends"), explain=_dose_complete)
    treatment_session, original = prepared.session, prepared.original
    validate_times(session, treatment_session, {"administered_at": data["administered_at"]},
                   clock_skew=clock_skew)
    devices = without(current(prepared.entries["devices"]), original)
    violations, flagged = _device_violations(treatment_session, prepared.record, devices,
                                             original, data, prepared.policy)
    warnings, override = enforce(violations, actor=actor, override=data.get("override"))
    number = original.device_number if original is not None else len(devices) + 1
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
    """Withhold this session's dose (e.g. R2.1 bp_hold): arrived/checked_in -> withheld."""
    treatment_session = lock_session(session, session_id)
    check_state(treatment_session, Action.WITHHOLD)
    move(session, treatment_session, next_state(treatment_session.state, Action.WITHHOLD),
         actor=actor, state_reason=reason.strip())
    session.commit()
    return treatment_session
