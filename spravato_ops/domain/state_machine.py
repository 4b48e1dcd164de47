"""Session state machine of API.md: which action fits which state and where it leads.

scheduled -> arrived -> checked_in -> dosing -> observing -> discharged, plus
cancelled (before any dose: scheduled, arrived, checked_in), no_show (scheduled,
arrived: corrects a mistaken arrival) and withheld (arrived, checked_in: the dose
is withheld this session, e.g. BP at P-BP-HOLD, R2.1). Once a device is given the
session cannot be withheld or cancelled: monitoring after any dose is mandatory
(R3.1). A dose stopped part-way (fewer devices than planned) is discharged from
dosing under the same readiness rules. Adverse events may be recorded from
arrival on, including after discharge or a withheld dose (late reports, R4.2).
"""
from enum import StrEnum

from .enums import SessionState as S
from .violations import Violation, hard_stop


class Action(StrEnum):
    RESCHEDULE = "reschedule"
    CANCEL = "cancel"
    NO_SHOW = "no_show"
    ARRIVE = "arrive"
    CHECKLIST = "checklist"
    RECORD_VITALS = "record_vitals"
    RECORD_DEVICE = "record_device"
    RECORD_OBSERVATION = "record_observation"
    RECORD_ADVERSE_EVENT = "record_adverse_event"
    WITHHOLD = "withhold"
    DISCHARGE = "discharge"
    RIDE_ARRIVED = "ride_arrived"


ALLOWED: dict[Action, frozenset[S]] = {
    Action.RESCHEDULE: frozenset({S.SCHEDULED}),
    Action.CANCEL: frozenset({S.SCHEDULED, S.ARRIVED, S.CHECKED_IN}),
    Action.NO_SHOW: frozenset({S.SCHEDULED, S.ARRIVED}),
    Action.ARRIVE: frozenset({S.SCHEDULED}),
    Action.CHECKLIST: frozenset({S.ARRIVED, S.CHECKED_IN}),
    Action.RECORD_VITALS: frozenset({S.ARRIVED, S.CHECKED_IN, S.DOSING, S.OBSERVING}),
    Action.RECORD_DEVICE: frozenset({S.CHECKED_IN, S.DOSING}),
    Action.RECORD_OBSERVATION: frozenset({S.DOSING, S.OBSERVING}),
    Action.RECORD_ADVERSE_EVENT: frozenset({S.ARRIVED, S.CHECKED_IN, S.DOSING, S.OBSERVING,
                                            S.DISCHARGED, S.WITHHELD}),
    Action.WITHHOLD: frozenset({S.ARRIVED, S.CHECKED_IN}),
    Action.DISCHARGE: frozenset({S.DOSING, S.OBSERVING}),
    # The front desk says the ride home is here (R3.5) while the patient is still with us.
    Action.RIDE_ARRIVED: frozenset({S.CHECKED_IN, S.DOSING, S.OBSERVING}),
}
MOVES_TO: dict[Action, S] = {
    Action.CANCEL: S.CANCELLED,
    Action.NO_SHOW: S.NO_SHOW,
    Action.ARRIVE: S.ARRIVED,
    Action.CHECKLIST: S.CHECKED_IN,
    Action.WITHHOLD: S.WITHHELD,
    Action.DISCHARGE: S.DISCHARGED,
}
VERBS = {Action.RIDE_ARRIVED: "confirm the ride home"}
TERMINAL = frozenset({S.DISCHARGED, S.CANCELLED, S.NO_SHOW, S.WITHHELD})


def check_action(state: S, action: Action) -> Violation | None:
    """Return a hard stop naming the state when the action does not fit it (API.md, 409)."""
    if S(state) in ALLOWED[Action(action)]:
        return None
    verb = VERBS.get(Action(action), Action(action).value.replace("_", " "))
    return hard_stop("state", "invalid_state",
                     f"Cannot {verb}: the session is {S(state).value}.")


def next_state(state: S, action: Action, last_device: bool = False) -> S:
    """Return the state after an allowed action; `last_device` marks the final planned device.

    A device moves checked_in to dosing, and the last planned one on to observing.
    Raises ValueError for an action the state does not allow (call check_action first).
    """
    state, action = S(state), Action(action)
    problem = check_action(state, action)
    if problem:
        raise ValueError(problem.message)
    if action == Action.RECORD_DEVICE:
        return S.OBSERVING if last_device else S.DOSING
    return MOVES_TO.get(action, state)
