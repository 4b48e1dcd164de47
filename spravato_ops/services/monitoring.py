"""The treatment day after the dose: observations, adverse events, timers, readiness, discharge."""
from ..domain.alerts import adverse_event_alerts, observation_alerts
from ..domain.discharge import discharge_readiness, discharge_violations
from ..domain.entry_times import observation_timing, ready_to_leave_timing
from ..domain.enums import Dissociation
from ..domain.session_record import AdverseEventEntry, ObservationEntry as ObservationValue
from ..domain.state_machine import Action, next_state
from ..domain.timers import session_timers
from ..models import AdverseEvent, Discharge, ObservationEntry
from ..models.columns import entered_columns
from .entries import (
    Written, keep_override, move, prepare, raise_alerts, refuse_mistimed, rolls_back,
    save_entry, validate_times,
)
from .records import build_record, read_one_record
from .rems_form_rows import open_form
from .failures import InvalidInput, NotFound
from .rules import enforce
from .sites import policy_from

OBSERVATION_FIELDS = entered_columns(ObservationEntry)
EVENT_FIELDS = entered_columns(AdverseEvent)


@rolls_back
def record_observation(session, *, session_id, actor, clock_skew, data):
    """R3.2 observation from the first device on; R3.3/R2.3 alerts raised at once."""
    # R3.2 reads the first device; a correction reads the observations too (prepare).
    prepared = prepare(session, session_id=session_id, action=Action.RECORD_OBSERVATION,
                       kind="observations", amends=data.get("amends"), reads=("devices",))
    treatment_session, policy = prepared.session, prepared.policy
    validate_times(session, treatment_session, {"observed_at": data["observed_at"]},
                   clock_skew=clock_skew)
    refuse_mistimed(observation_timing(data["observed_at"], prepared.record.first_device_at))
    values = {name: data.get(name) for name in OBSERVATION_FIELDS}
    values["symptoms"] = list(dict.fromkeys(values["symptoms"] or ()))
    entry = ObservationEntry(session_id=treatment_session.id, **values)
    save_entry(session, entry, entity="observation", actor=actor, original=prepared.original,
               reason=data.get("reason"))
    value = ObservationValue(entry.observed_at, entry.moaas, Dissociation(entry.dissociation),
                             entry.cadss_total, entry.respiratory_depression, entry.spo2,
                             tuple(entry.symptoms))
    raised = raise_alerts(session, treatment_session, observation_alerts(value, policy),
                          source=f"observation:{entry.id}")
    session.commit()
    return Written(entry, treatment_session, alerts=raised)


@rolls_back
def record_adverse_event(session, *, session_id, actor, clock_skew, data):
    """Record an adverse event (from arrival on, late reports included, R4.2)."""
    prepared = prepare(session, session_id=session_id, action=Action.RECORD_ADVERSE_EVENT,
                       kind="adverse_events", amends=data.get("amends"), reads=())
    treatment_session = prepared.session
    validate_times(session, treatment_session, {"resolved_at": data.get("resolved_at")},
                   clock_skew=clock_skew)
    entry = AdverseEvent(session_id=treatment_session.id,
                         **{name: data.get(name) for name in EVENT_FIELDS})
    save_entry(session, entry, entity="adverse_event", actor=actor, original=prepared.original,
               reason=data.get("reason"))
    raised = _raise_adverse_event_alert(session, treatment_session, entry)
    session.commit()
    return Written(entry, treatment_session, alerts=raised)


@rolls_back
def update_adverse_event(session, *, session_id, event_id, actor, clock_skew, changes):
    """Resolve or correct an event: a new entry amends it; the original stays visible."""
    prepared = prepare(session, session_id=session_id, action=Action.RECORD_ADVERSE_EVENT,
                       kind="adverse_events", amends=event_id, reads=(),
                       missing=lambda: _no_such_event(event_id, session_id))
    treatment_session, original = prepared.session, prepared.original
    values = {name: getattr(original, name) for name in EVENT_FIELDS}
    changed = [name for name in EVENT_FIELDS if name in changes and changes[name] != values[name]]
    if not changed:
        raise InvalidInput({"_schema": ["Nothing to change."]})
    values.update({name: changes[name] for name in changed})
    validate_times(session, treatment_session, {"resolved_at": changes.get("resolved_at")},
                   clock_skew=clock_skew)
    reason = changes.get("reason") or "Updated " + ", ".join(changed) + "."
    entry = AdverseEvent(session_id=treatment_session.id, **values)
    save_entry(session, entry, entity="adverse_event", actor=actor, original=original,
               reason=reason)
    raised = _raise_adverse_event_alert(session, treatment_session, entry)
    session.commit()
    return Written(entry, treatment_session, alerts=raised)


def _no_such_event(event_id, session_id):
    raise NotFound(f"Adverse event {event_id} not found in session {session_id}.")


def _raise_adverse_event_alert(session, treatment_session, entry):
    """R3.4: an unresolved serious adverse event alerts the staff at once."""
    event = AdverseEventEntry(entry.serious, entry.resolved_at)
    return raise_alerts(session, treatment_session,
                        adverse_event_alerts(event, entry.description),
                        source=f"adverse_event:{entry.id}")


@rolls_back
def discharge(session, *, session_id, actor, clock_skew, now, data):
    """R3.4 discharge at `now`: R3.1 min_observation is never overridable; other unmet
    criteria are soft stops. An outpatient session's REMS form is written with it (R4.3)."""
    prepared = prepare(session, session_id=session_id, action=Action.DISCHARGE)
    treatment_session, record = prepared.session, prepared.record
    validate_times(session, treatment_session, {"ready_to_leave_at": data["ready_to_leave_at"]},
                   clock_skew=clock_skew, now=now)
    refuse_mistimed(ready_to_leave_timing(data["ready_to_leave_at"], record.first_device_at))
    readiness = discharge_readiness(record, prepared.policy, now, now=now)
    violations = discharge_violations(readiness, data["clinically_stable"])
    warnings, override = enforce(violations, actor=actor, override=data.get("override"))
    entry = Discharge(
        session_id=treatment_session.id, discharged_at=now, clinically_stable=True,
        ready_to_leave_at=data["ready_to_leave_at"],
        override_reason=override and override["reason"],
        unmet_criteria=[{"code": c.code, "detail": c.detail} for c in readiness.unmet])
    save_entry(session, entry, entity="discharge", actor=actor)
    keep_override(treatment_session, override, entity="discharge", entry=entry)
    move(session, treatment_session, next_state(treatment_session.state, Action.DISCHARGE),
         actor=actor)
    open_form(session, treatment_session, actor=actor)  # R4.3
    session.commit()
    return Written(entry, treatment_session, warnings)


def _record_of(session, session_id):
    """Read the session's entries as a SessionRecord, with its site's policy (one query)."""
    found = read_one_record(session, session_id)
    if found is None:
        raise NotFound(f"Session {session_id} not found.")
    treatment_session, entries = found
    return build_record(treatment_session, entries), policy_from(treatment_session.settings)


def timers(session, *, session_id, now):
    """The session's timers at `now`, the server's clock (R1.5, R2.2, R2.3, R3.1, R3.2)."""
    record, policy = _record_of(session, session_id)
    return [t.as_dict() for t in session_timers(record, policy, now)]


def readiness(session, *, session_id, now, at=None):
    """Discharge readiness at `at` (default `now`, the server's clock), every criterion
    reported (R3.4); entries stamped ahead of `now` count from `now`."""
    record, policy = _record_of(session, session_id)
    return discharge_readiness(record, policy, at or now, now=now)
