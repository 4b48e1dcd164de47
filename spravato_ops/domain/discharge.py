"""Discharge readiness at a time t and the stops a discharge meets (R2.4, R3.1, R3.3-R3.6)."""
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import datetime, timedelta
from operator import itemgetter
from typing import Callable, Sequence, TypeVar

from .blood_pressure import bp_acceptable_for_discharge, discharge_ceiling
from .enums import Dissociation
from .label import (
    CADSS_RESOLVED_MAX, MIN_OBSERVATION, POST_DOSE_BP_DUE, POST_DOSE_BP_WINDOW_END,
    POST_DOSE_BP_WINDOW_START,
)
from .policy import BloodPressure, SitePolicy
from .session_record import (
    OBSERVED_AT, TAKEN_AT, ObservationEntry, SessionRecord, VitalsReading, counted_at,
    counted_entries,
)
from .violations import Violation, blocking, hard_stop, soft_stop

CRITERIA = ("min_observation", "post_dose_bp", "bp_acceptable", "sedation_resolved",
            "dissociation_resolved", "respiratory_ok", "transport_confirmed",
            "no_open_serious_event")
NO_DEVICE = "no device given yet"
T = TypeVar("T")


@dataclass(frozen=True)
class Criterion:
    code: str
    met: bool
    detail: str
    met_at: datetime | None = None


@dataclass(frozen=True)
class DischargeReadiness:
    ready: bool
    evaluated_at: datetime
    earliest_ready_at: datetime | None
    criteria: tuple[Criterion, ...]
    ready_without_min_observation_at: datetime | None = None

    def criterion(self, code: str) -> Criterion:
        return next(c for c in self.criteria if c.code == code)

    @property
    def unmet(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if not c.met)


def _upto(entries: Sequence[T], at: datetime | None,
          key: Callable[[T], datetime]) -> Sequence[T]:
    """Entries (in time order) recorded at or before `at` (all of them when None)."""
    if at is None or not entries or key(entries[-1]) <= at:
        return entries
    return entries[:bisect_right(entries, at, key=key)]


def _since(entries: Sequence[T], since: datetime | None,
           key: Callable[[T], datetime]) -> Sequence[T]:
    """Entries (in time order) recorded at or after `since` (all of them when None)."""
    if since is None or not entries or key(entries[0]) >= since:
        return entries
    return entries[bisect_left(entries, since, key=key):]


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)


def _min_observation(first: datetime | None, at: datetime) -> Criterion:
    """R3.1: at least 120 minutes from the first device."""
    if first is None:
        return Criterion("min_observation", False, NO_DEVICE)
    ends = first + MIN_OBSERVATION
    # a first device stamped ahead of the clock is a few seconds "in the future": 0 min
    since = f"{max(0, _minutes(at - first))} min since first device"
    if at >= ends:
        return Criterion("min_observation", True, since, ends)
    return Criterion("min_observation", False, f"{since}, {-_minutes(at - ends)} min to go", ends)


def _post_dose_bp(record: SessionRecord, first: datetime | None, horizon: datetime | None,
                  at: datetime) -> Criterion:
    """R2.2: a BP taken 30-60 minutes after the first device, both as stamped (recorded by
    `horizon`, see discharge_readiness)."""
    if first is None:
        return Criterion("post_dose_bp", False, NO_DEVICE)
    opens, closes = first + POST_DOSE_BP_WINDOW_START, first + POST_DOSE_BP_WINDOW_END
    for reading in record.post_dose_vitals:
        if opens <= reading.taken_at <= closes and (horizon is None or reading.taken_at <= horizon):
            return Criterion("post_dose_bp", True, f"{reading.bp} at "
                             f"{_minutes(reading.taken_at - first)} min", reading.taken_at)
        if reading.taken_at > closes:
            break
    if at < closes:
        return Criterion("post_dose_bp", False,
                         f"due {_minutes(POST_DOSE_BP_DUE)} min after the first device")
    return Criterion("post_dose_bp", False, f"no BP taken {_minutes(POST_DOSE_BP_WINDOW_START)}-"
                     f"{_minutes(POST_DOSE_BP_WINDOW_END)} min after the first device")


def _vitals_runs(readings: Sequence[VitalsReading], ceiling: BloodPressure,
                 spo2_min: int) -> tuple[datetime | None, datetime | None]:
    """Starts of the trailing runs of readings with BP within `ceiling` and SpO2 >= spo2_min."""
    bp_since = spo2_since = None
    bp_on = spo2_on = True
    max_systolic, max_diastolic = ceiling.systolic, ceiling.diastolic
    for v in reversed(readings):
        if bp_on:
            bp = v.bp
            if bp.systolic <= max_systolic and bp.diastolic <= max_diastolic:
                bp_since = v.taken_at
            else:
                bp_on = False
        if spo2_on and v.spo2 is not None:
            if v.spo2 >= spo2_min:
                spo2_since = v.taken_at
            else:
                spo2_on = False
        if not (bp_on or spo2_on):
            break
    return bp_since, spo2_since


def _bp_acceptable(readings: Sequence[VitalsReading], baseline: BloodPressure | None,
                   bp_since: datetime | None, policy: SitePolicy, at: datetime) -> Criterion:
    """R2.4: latest reading at or below max(P-BP-ELEVATED, pre-dose), within P-FRESH."""
    latest = readings[-1] if readings else None
    met, detail = bp_acceptable_for_discharge(latest and latest.bp, latest and latest.taken_at,
                                              baseline, policy, at)
    return Criterion("bp_acceptable", met, detail, bp_since if met else None)


def sedation_resolved(o: ObservationEntry, baseline_moaas: int) -> bool:
    """R3.4: MOAA/S back at the pre-dose baseline."""
    return o.moaas >= baseline_moaas


def dissociation_resolved(o: ObservationEntry) -> bool:
    """R3.4: no dissociation recorded, or a CADSS total of at most 4."""
    return o.dissociation == Dissociation.NONE or (
        o.cadss_total is not None and o.cadss_total <= CADSS_RESOLVED_MAX)


def breathing_ok(o: ObservationEntry, spo2_min: int) -> bool:
    """R3.3: no respiratory depression, and SpO2 (when taken) at least P-SPO2-MIN."""
    return not o.respiratory_depression and (o.spo2 is None or o.spo2 >= spo2_min)


def _observation_runs(observations: Sequence[ObservationEntry], baseline_moaas: int,
                      spo2_min: int) -> list[datetime | None]:
    """Starts of the trailing runs of observations with sedation resolved, dissociation
    resolved and breathing OK, in one backward pass (R3.6 needs when each was met)."""
    sedation = dissociation = breathing = None
    sedation_on = dissociation_on = breathing_on = True
    for o in reversed(observations):
        if sedation_on:
            if sedation_resolved(o, baseline_moaas):
                sedation = o.observed_at
            else:
                sedation_on = False
        if dissociation_on:
            if dissociation_resolved(o):
                dissociation = o.observed_at
            else:
                dissociation_on = False
        if breathing_on:
            if breathing_ok(o, spo2_min):
                breathing = o.observed_at
            else:
                breathing_on = False
        if not (sedation_on or dissociation_on or breathing_on):
            break
    return [sedation, dissociation, breathing]


def _latest_fresh(observations: Sequence[ObservationEntry], policy: SitePolicy,
                  at: datetime) -> tuple[ObservationEntry | None, str]:
    if not observations:
        return None, "no observation recorded"
    latest = observations[-1]
    if at - latest.observed_at > policy.fresh:
        return None, (f"latest observation is {_minutes(at - latest.observed_at)} min old "
                      f"(must be within {policy.fresh_minutes} min)")
    return latest, ""


def _sedation_and_dissociation(latest: ObservationEntry | None, stale: str, baseline_moaas: int,
                               starts: list[datetime | None]) -> tuple[Criterion, Criterion]:
    """R3.4: MOAA/S at baseline, no dissociation (or CADSS <= 4), on the latest fresh entry."""
    if latest is None:
        return (Criterion("sedation_resolved", False, stale),
                Criterion("dissociation_resolved", False, stale))
    sedated = not sedation_resolved(latest, baseline_moaas)
    dissociated = not dissociation_resolved(latest)
    cadss = f", CADSS {latest.cadss_total}" if latest.cadss_total is not None else ""
    return (Criterion("sedation_resolved", not sedated,
                      f"MOAA/S {latest.moaas} (baseline {baseline_moaas})",
                      None if sedated else starts[0]),
            Criterion("dissociation_resolved", not dissociated,
                      f"dissociation {latest.dissociation}{cadss}",
                      None if dissociated else starts[1]))


def _latest_spo2(readings: Sequence[VitalsReading],
                 observations: Sequence[ObservationEntry]) -> tuple[datetime, int] | None:
    """The most recent SpO2, from vitals or observations."""
    vital = next((v for v in reversed(readings) if v.spo2 is not None), None)
    observed = next((o for o in reversed(observations) if o.spo2 is not None), None)
    candidates = ([(vital.taken_at, vital.spo2)] if vital else []) + (
        [(observed.observed_at, observed.spo2)] if observed else [])
    return max(candidates, key=itemgetter(0)) if candidates else None


def _respiratory(latest: ObservationEntry | None, stale: str, spo2: tuple[datetime, int] | None,
                 since: datetime | None, policy: SitePolicy, at: datetime) -> Criterion:
    """R3.3 / R3.4: latest fresh observation without respiratory depression, and the latest
    SpO2 (observation or vitals, whichever is later) fresh and at least P-SPO2-MIN."""
    if latest is None:
        return Criterion("respiratory_ok", False, stale)
    if latest.respiratory_depression:
        return Criterion("respiratory_ok", False, "respiratory depression recorded")
    if spo2 is None:
        return Criterion("respiratory_ok", False, "no SpO2 recorded")
    taken_at, value = spo2
    if at - taken_at > policy.fresh:
        return Criterion("respiratory_ok", False,
                         f"latest SpO2 is older than {policy.fresh_minutes} min")
    if value < policy.spo2_min:
        return Criterion("respiratory_ok", False, f"SpO2 {value} below {policy.spo2_min}")
    return Criterion("respiratory_ok", True, f"SpO2 {value}, no respiratory depression", since)


def _transport(record: SessionRecord) -> Criterion:
    """R3.5: a ride home is recorded."""
    if record.transport_confirmed:
        return Criterion("transport_confirmed", True, "ride home recorded")
    return Criterion("transport_confirmed", False, "no ride home recorded")


def _serious_events(record: SessionRecord, at: datetime, now: datetime | None) -> Criterion:
    """R3.4: no serious adverse event left unresolved at `at` (a resolution stamped ahead of
    `now` counts from `now`)."""
    resolved_at = [None if e.resolved_at is None else counted_at(e.resolved_at, now)
                   for e in record.adverse_events if e.serious]
    open_count = sum(1 for t in resolved_at if t is None or t > at)
    if open_count:
        return Criterion("no_open_serious_event", False,
                         f"{open_count} serious adverse event(s) unresolved")
    resolved = max((t for t in resolved_at if t), default=None)
    return Criterion("no_open_serious_event", True,
                     "serious adverse events resolved" if resolved_at else "none recorded",
                     resolved)


def _clinical(record: SessionRecord, policy: SitePolicy, first: datetime | None,
              readings: Sequence[VitalsReading], observations: Sequence[ObservationEntry],
              at: datetime, now: datetime | None) -> tuple[Criterion, ...]:
    """R2.4 bp_acceptable and R3.4 sedation, dissociation and respiratory, from the readings
    and observations recorded by `at`; stamps ahead of `now` count from `now`."""
    def counted(entries, key, field):
        return counted_entries(entries, now, key, field)

    baseline = record.pre_dose_bp
    bp_since, spo2_since = _vitals_runs(
        counted(_since(readings, first, TAKEN_AT), TAKEN_AT, "taken_at"),
        discharge_ceiling(baseline, policy), policy.spo2_min)
    starts = _observation_runs(
        counted(_since(observations, first, OBSERVED_AT), OBSERVED_AT, "observed_at"),
        record.baseline_moaas, policy.spo2_min)
    readings = counted(readings, TAKEN_AT, "taken_at")
    observations = counted(observations, OBSERVED_AT, "observed_at")
    latest, stale = _latest_fresh(observations, policy, at)
    sedation, dissociation = _sedation_and_dissociation(latest, stale, record.baseline_moaas,
                                                        starts)
    breathing_since = max((t for t in (starts[2], spo2_since) if t is not None), default=None)
    respiratory = _respiratory(latest, stale, _latest_spo2(readings, observations),
                               breathing_since, policy, at)
    return (_bp_acceptable(readings, baseline, bp_since, policy, at), sedation, dissociation,
            respiratory)


def discharge_readiness(record: SessionRecord, policy: SitePolicy, at: datetime,
                        now: datetime | None = None) -> DischargeReadiness:
    """Evaluate the 8 criteria of R3.4 at `at` from entries recorded by then (R2.4, R3.1-R3.6).

    `now` is the server's clock when the record was read, so every entry in it was
    recorded by `now`: at an `at` from `now` on they all count, one stamped ahead of
    `now` (a tablet's clock ahead, within the accepted skew) as taken at `now` for its
    presence and freshness; at an earlier `at`, those stamped after `at` do not. The 120
    minutes and the post-dose BP window run from the first device as stamped, so a clock
    ahead never ends them early. Without `now` every entry counts from its stamp.

    earliest_ready_at is never before first device + 120 min (R3.1): with every other
    criterion met it is the later of that and the time they were all met; otherwise
    it is that lower bound. ready_without_min_observation_at (R3.6) is when the other
    criteria were all met, or None while one is unmet.
    """
    horizon = at if now is None or now > at else None  # entries stamped later: not yet there
    first = record.first_device_at
    if first is not None and horizon is not None and first > horizon:
        first = None
    readings = _upto(record.vitals_in_order, horizon, TAKEN_AT)
    observations = _upto(record.observations_in_order, horizon, OBSERVED_AT)
    criteria = (_min_observation(first, at), _post_dose_bp(record, first, horizon, at),
                *_clinical(record, policy, first, readings, observations, at, now),
                _transport(record), _serious_events(record, at, now))
    if first is None:
        return DischargeReadiness(False, at, None, criteria)
    ready_without = None
    if all(c.met for c in criteria[1:]):
        ready_without = max([first] + [c.met_at for c in criteria[1:] if c.met_at])
    floor = first + MIN_OBSERVATION
    earliest = max(floor, ready_without) if ready_without else floor
    return DischargeReadiness(all(c.met for c in criteria), at, earliest, criteria,
                              ready_without)


def discharge_violations(readiness: DischargeReadiness, clinically_stable: bool) -> list[Violation]:
    """Every stop a discharge meets (R3.1 hard, R3.4 soft per unmet criterion, attestation hard)."""
    found = []
    for c in readiness.unmet:
        if c.code == "min_observation":
            found.append(hard_stop("R3.1", "min_observation",
                                   f"Monitoring must last at least {_minutes(MIN_OBSERVATION)} "
                                   f"minutes from the first device ({c.detail}); no override."))
        else:
            found.append(soft_stop("R3.4", c.code, f"Discharge criterion not met: {c.detail}."))
    if clinically_stable is not True:
        found.append(hard_stop("R3.4", "clinically_stable_required",
                               "The nurse must attest that the patient is clinically stable."))
    return found


def check_discharge(readiness: DischargeReadiness, clinically_stable: bool,
                    overridden: bool = False) -> list[Violation]:
    """Return the stops that still refuse a discharge (R3.1, R3.4); soft ones unless overridden."""
    return blocking(discharge_violations(readiness, clinically_stable), overridden)
