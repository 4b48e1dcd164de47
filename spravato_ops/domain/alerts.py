"""Staff alerts raised by readings, observations, adverse events and timers (R2.2, R2.3,
R3.1-R3.4): which kinds a rule raises, and what staff are told under which rule."""
from dataclasses import dataclass
from typing import Iterable

from .blood_pressure import emergency_symptoms, post_dose_alerts
from .enums import AlertKind, TimerCode, TimerState, VitalsTimepoint
from .policy import BloodPressure, SitePolicy
from .session_record import AdverseEventEntry, ObservationEntry, VitalsReading
from .timers import Timer

# timer code -> (states that alert, alert kind)
TIMER_ALERTS = {
    TimerCode.POST_DOSE_BP: ({TimerState.OVERDUE}, AlertKind.POST_DOSE_BP_OVERDUE),
    TimerCode.OBSERVATION: ({TimerState.OVERDUE}, AlertKind.OBSERVATION_OVERDUE),
    TimerCode.BP_RECHECK: ({TimerState.DUE, TimerState.OVERDUE}, AlertKind.BP_RECHECK_DUE),
    TimerCode.DISCHARGE_ELIGIBLE: ({TimerState.DUE}, AlertKind.DISCHARGE_ELIGIBLE),
}

# R3.4: how much of an adverse event's description an alert repeats
EVENT_DESCRIPTION_CHARS = 200


@dataclass(frozen=True)
class Alert:
    """An alert a recorded entry raises: its kind, the rule behind it, what staff are told."""

    kind: AlertKind
    rule: str
    message: str


def spo2_low(spo2: int | None, policy: SitePolicy) -> bool:
    """R3.3: SpO2 below P-SPO2-MIN."""
    return spo2 is not None and spo2 < policy.spo2_min


def alerts_for_vitals(reading: VitalsReading, baseline: BloodPressure | None,
                      policy: SitePolicy) -> tuple[AlertKind, ...]:
    """R2.3 BP alerts for a post-dose reading (never for the pre-dose one) and R3.3 low SpO2."""
    alerts: list[AlertKind] = []
    if reading.timepoint != VitalsTimepoint.PRE_DOSE:
        alerts.extend(post_dose_alerts(reading.bp, baseline, policy))
    if spo2_low(reading.spo2, policy):
        alerts.append(AlertKind.SPO2_LOW)
    return tuple(alerts)


def alerts_for_observation(obs: ObservationEntry, policy: SitePolicy) -> tuple[AlertKind, ...]:
    """R3.3 low SpO2 and respiratory depression; R2.3 emergency symptoms, at once."""
    alerts: list[AlertKind] = []
    if spo2_low(obs.spo2, policy):
        alerts.append(AlertKind.SPO2_LOW)
    if obs.respiratory_depression:
        alerts.append(AlertKind.RESPIRATORY_DEPRESSION)
    if emergency_symptoms(obs.symptoms):
        alerts.append(AlertKind.EMERGENCY_SYMPTOM)
    return tuple(alerts)


def alerts_for_adverse_event(event: AdverseEventEntry) -> tuple[AlertKind, ...]:
    """R3.4: a serious adverse event left unresolved holds the patient (no_open_serious_event)
    and calls the prescriber at once."""
    if event.serious and event.resolved_at is None:
        return (AlertKind.SERIOUS_ADVERSE_EVENT,)
    return ()


def alerts_for_timers(timers: Iterable[Timer]) -> tuple[AlertKind, ...]:
    """Alerts from timers: R2.2 post-dose BP and R3.2 observation overdue, R2.3 recheck, R3.1."""
    alerts = []
    for timer in timers:
        states, kind = TIMER_ALERTS.get(timer.code, ((), None))
        if timer.state in states:
            alerts.append(kind)
    return tuple(alerts)


def vitals_alerts(reading: VitalsReading, baseline: BloodPressure | None,
                  policy: SitePolicy) -> tuple[Alert, ...]:
    """The R2.3 and R3.3 alerts of a reading (alerts_for_vitals), each with its message."""
    recheck = f"recheck every {policy.bp_recheck_minutes} min."
    messages = {
        AlertKind.BP_HIGH: ("R2.3", f"Post-dose BP {reading.bp} is above the alert level "
                            f"{policy.bp_alert}: {recheck}"),
        AlertKind.BP_RISE: ("R2.3", f"Post-dose BP {reading.bp} rose 40/25 or more over the "
                            f"pre-dose {baseline}: {recheck}"),
        AlertKind.SPO2_LOW: ("R3.3", f"SpO2 {reading.spo2}% is below {policy.spo2_min}%."),
    }
    return tuple(Alert(kind, *messages[kind])
                 for kind in alerts_for_vitals(reading, baseline, policy))


def observation_alerts(obs: ObservationEntry, policy: SitePolicy) -> tuple[Alert, ...]:
    """The R3.3 and R2.3 alerts of an observation (alerts_for_observation), with messages."""
    symptoms = ", ".join(s.value.replace("_", " ") for s in emergency_symptoms(obs.symptoms))
    messages = {
        AlertKind.SPO2_LOW: ("R3.3", f"SpO2 {obs.spo2}% is below {policy.spo2_min}%."),
        AlertKind.RESPIRATORY_DEPRESSION: ("R3.3", "Respiratory depression recorded."),
        AlertKind.EMERGENCY_SYMPTOM: ("R2.3", f"Emergency symptoms recorded: {symptoms}. "
                                      "Act now."),
    }
    return tuple(Alert(kind, *messages[kind]) for kind in alerts_for_observation(obs, policy))


def adverse_event_alerts(event: AdverseEventEntry, description: str) -> tuple[Alert, ...]:
    """The R3.4 alert of an unresolved serious adverse event, quoting its description."""
    summary = description.strip()[:EVENT_DESCRIPTION_CHARS]
    return tuple(Alert(kind, "R3.4", f"Serious adverse event, unresolved: {summary}")
                 for kind in alerts_for_adverse_event(event))
