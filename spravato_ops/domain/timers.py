"""Session timers: what is due when after the first device (R1.5, R2.2, R2.3, R3.1, R3.2).

Nothing is timed before the first device: the label's clocks all start there, so
a session without a device has no timers. After discharge only timers whose
event was recorded remain (as done); nothing is due of a discharged patient.

`now` is the server's clock. A reading or observation stamped ahead of it (a tablet's
clock ahead, within the accepted skew) counts as taken at `now` for the intervals that
run from the latest one (R2.3 recheck, R3.2 observation); what runs from a device (R1.5
rest, R2.2 window, R3.1 120 minutes) keeps the device's stamp, so it never ends early.
"""
from dataclasses import dataclass
from datetime import datetime

from .blood_pressure import needs_recheck
from .enums import TimerCode, TimerState
from .label import (
    MG_PER_DEVICE, MIN_DEVICE_SPACING, MIN_OBSERVATION, POST_DOSE_BP_DUE, POST_DOSE_BP_OVERDUE,
    POST_DOSE_BP_WINDOW_START,
)
from .policy import SitePolicy
from .session_record import SessionRecord, counted_at


@dataclass(frozen=True)
class Timer:
    code: TimerCode
    due_at: datetime | None
    overdue_at: datetime | None
    state: TimerState

    def as_dict(self) -> dict:
        return {"code": self.code.value, "due_at": self.due_at,
                "overdue_at": self.overdue_at, "state": self.state.value}


def timer_state(due_at: datetime | None, overdue_at: datetime | None, now: datetime) -> TimerState:
    """upcoming before due_at, due until overdue_at, overdue after (no overdue_at: stays due)."""
    if due_at is not None and now < due_at:
        return TimerState.UPCOMING
    if overdue_at is not None and now >= overdue_at:
        return TimerState.OVERDUE
    return TimerState.DUE


def _timed(code: TimerCode, due_at: datetime, overdue_at: datetime | None, now: datetime) -> Timer:
    return Timer(code, due_at, overdue_at, timer_state(due_at, overdue_at, now))


def next_device_timer(record: SessionRecord, now: datetime) -> Timer | None:
    """R1.5: the next device is due 5 minutes after the previous one; done when all are given."""
    planned = record.planned_dose_mg // MG_PER_DEVICE
    if len(record.devices) >= planned:
        return Timer(TimerCode.NEXT_DEVICE, None, None, TimerState.DONE)
    if record.discharged_at is not None:
        return None
    return _timed(TimerCode.NEXT_DEVICE, record.device_times[-1] + MIN_DEVICE_SPACING, None, now)


def post_dose_bp_timer(record: SessionRecord, first: datetime, now: datetime) -> Timer | None:
    """R2.2: due at first device + 40 min, overdue at + 50; done by a post-dose reading from +30."""
    due, overdue = first + POST_DOSE_BP_DUE, first + POST_DOSE_BP_OVERDUE
    window_opens = first + POST_DOSE_BP_WINDOW_START
    if any(v.taken_at >= window_opens for v in record.post_dose_vitals):
        return Timer(TimerCode.POST_DOSE_BP, due, overdue, TimerState.DONE)
    if record.discharged_at is not None:
        return None
    return _timed(TimerCode.POST_DOSE_BP, due, overdue, now)


def bp_recheck_timer(record: SessionRecord, first: datetime, policy: SitePolicy,
                     now: datetime) -> Timer | None:
    """R2.3: after an alerting reading a recheck is due every P-BP-RECHECK min until one does not.

    Overdue P-OBS-GRACE after it is due; done once a later reading no longer needs a
    recheck; absent when no post-dose reading ever alerted.
    """
    baseline = record.pre_dose_bp
    pending = last_trigger = None
    for reading in record.post_dose_vitals:
        if reading.taken_at < first:
            continue
        if needs_recheck(reading.bp, baseline, policy):
            pending = last_trigger = reading
        else:
            pending = None
    if last_trigger is None:
        return None
    due = counted_at(last_trigger.taken_at, now) + policy.bp_recheck
    overdue = due + policy.observation_grace
    if pending is None:
        return Timer(TimerCode.BP_RECHECK, due, overdue, TimerState.DONE)
    if record.discharged_at is not None:
        return None
    return _timed(TimerCode.BP_RECHECK, due, overdue, now)


def observation_timer(record: SessionRecord, first: datetime, policy: SitePolicy,
                      now: datetime) -> Timer:
    """R3.2: observe every P-OBS min from the first device, then from the latest observation;
    overdue after P-OBS-GRACE. Done at discharge.
    """
    latest = record.latest_observation
    anchor = max(first, counted_at(latest.observed_at, now)) if latest else first
    due = anchor + policy.observation_interval
    overdue = due + policy.observation_grace
    if record.discharged_at is not None:
        return Timer(TimerCode.OBSERVATION, due, overdue, TimerState.DONE)
    return _timed(TimerCode.OBSERVATION, due, overdue, now)


def discharge_eligible_timer(record: SessionRecord, first: datetime, now: datetime) -> Timer:
    """R3.1: discharge can be considered from first device + 120 min; done at discharge."""
    due = first + MIN_OBSERVATION
    if record.discharged_at is not None:
        return Timer(TimerCode.DISCHARGE_ELIGIBLE, due, None, TimerState.DONE)
    return _timed(TimerCode.DISCHARGE_ELIGIBLE, due, None, now)


def session_timers(record: SessionRecord, policy: SitePolicy, now: datetime) -> tuple[Timer, ...]:
    """Return the session's timers at `now` in TimerCode order (R1.5, R2.2, R2.3, R3.1, R3.2)."""
    first = record.first_device_at
    if first is None:
        return ()
    timers = (
        next_device_timer(record, now),
        post_dose_bp_timer(record, first, now),
        bp_recheck_timer(record, first, policy, now),
        observation_timer(record, first, policy, now),
        discharge_eligible_timer(record, first, now),
    )
    return tuple(t for t in timers if t is not None)
