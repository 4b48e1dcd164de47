"""Discharge readiness at a time t and the stops a discharge request meets (R2.4, R3.1, R3.3, R3.4, R3.6)."""
from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Sequence, TypeVar

from .blood_pressure import above, bp_acceptable_for_discharge, discharge_ceiling
from .enums import Dissociation
from .label import (
    CADSS_RESOLVED_MAX, MIN_OBSERVATION, POST_DOSE_BP_WINDOW_END, POST_DOSE_BP_WINDOW_START,
)
from .policy import SitePolicy
from .session_record import ObservationEntry, SessionRecord
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


def _upto(entries: Sequence[T], at: datetime, when: Callable[[T], datetime]) -> Sequence[T]:
    """Entries (in time order) recorded at or before `at`."""
    end = len(entries)
    while end and when(entries[end - 1]) > at:
        end -= 1
    return entries[:end]


def _run_start(entries: Sequence[T], ok: Callable[[T], bool],
               when: Callable[[T], datetime], since: datetime | None) -> datetime | None:
    """Start of the trailing run of entries that satisfy `ok` (entries in time order)."""
    start = None
    for entry in reversed(entries):
        if not ok(entry) or (since is not None and when(entry) < since):
            break
        start = when(entry)
    return start


def _obs_at(o: ObservationEntry) -> datetime:
    return o.observed_at


def _min_observation(first: datetime | None, at: datetime) -> Criterion:
    """R3.1: at least 120 minutes from the first device."""
    if first is None:
        return Criterion("min_observation", False, NO_DEVICE)
    ends = first + MIN_OBSERVATION
    minutes = int((at - first).total_seconds() // 60)
    if at >= ends:
        return Criterion("min_observation", True, f"{minutes} min since first device", ends)
    left = int(-((at - ends).total_seconds() // 60))
    return Criterion("min_observation", False, f"{minutes} min since first device, "
                     f"{left} min to go", ends)


def _post_dose_bp(record: SessionRecord, first: datetime | None, at: datetime) -> Criterion:
    """R2.2: a BP taken 30-60 minutes after the first device."""
    if first is None:
        return Criterion("post_dose_bp", False, NO_DEVICE)
    opens, closes = first + POST_DOSE_BP_WINDOW_START, first + POST_DOSE_BP_WINDOW_END
    for reading in record.post_dose_vitals:
        if opens <= reading.taken_at <= closes and reading.taken_at <= at:
            minutes = int((reading.taken_at - first).total_seconds() // 60)
            return Criterion("post_dose_bp", True, f"{reading.bp} at {minutes} min",
                             reading.taken_at)
    if at < closes:
        return Criterion("post_dose_bp", False, "due 40 min after the first device")
    return Criterion("post_dose_bp", False, "no BP taken 30-60 min after the first device")


def _bp_acceptable(record: SessionRecord, first: datetime | None, policy: SitePolicy,
                   at: datetime) -> Criterion:
    """R2.4: latest reading at or below max(P-BP-ELEVATED, pre-dose), within P-FRESH."""
    readings = _upto(record.vitals_in_order, at, lambda v: v.taken_at)
    latest = readings[-1] if readings else None
    baseline = record.pre_dose_bp
    met, detail = bp_acceptable_for_discharge(latest and latest.bp, latest and latest.taken_at,
                                              baseline, policy, at)
    if not met:
        return Criterion("bp_acceptable", False, detail)
    ceiling = discharge_ceiling(baseline, policy)
    since = _run_start(readings, lambda v: not above(v.bp, ceiling), lambda v: v.taken_at, first)
    return Criterion("bp_acceptable", True, detail, since)


def _latest_fresh(observations: Sequence[ObservationEntry], policy: SitePolicy,
                  at: datetime) -> tuple[ObservationEntry | None, str]:
    if not observations:
        return None, "no observation recorded"
    latest = observations[-1]
    if at - latest.observed_at > policy.fresh:
        age = int((at - latest.observed_at).total_seconds() // 60)
        return None, f"latest observation is {age} min old (must be within {policy.fresh_minutes} min)"
    return latest, ""


def _observation_criteria(record: SessionRecord, first: datetime | None, policy: SitePolicy,
                          at: datetime) -> tuple[Criterion, Criterion, Criterion]:
    """R3.4 sedation and dissociation resolved, R3.3 respiration OK, from the latest fresh observation."""
    observations = _upto(record.observations_in_order, at, _obs_at)
    latest, stale = _latest_fresh(observations, policy, at)
    checks = (
        ("sedation_resolved", lambda o: o.moaas >= record.baseline_moaas,
         lambda o: f"MOAA/S {o.moaas} (baseline {record.baseline_moaas})"),
        ("dissociation_resolved", _dissociation_resolved,
         lambda o: f"dissociation {o.dissociation}" + (
             f", CADSS {o.cadss_total}" if o.cadss_total is not None else "")),
    )
    results = []
    for code, ok, describe in checks:
        if latest is None:
            results.append(Criterion(code, False, stale))
        elif not ok(latest):
            results.append(Criterion(code, False, describe(latest)))
        else:
            results.append(Criterion(code, True, describe(latest),
                                     _run_start(observations, ok, _obs_at, first)))
    return results[0], results[1], _respiratory(record, observations, latest, stale, first,
                                                policy, at)


def _dissociation_resolved(o: ObservationEntry) -> bool:
    return o.dissociation == Dissociation.NONE or (
        o.cadss_total is not None and o.cadss_total <= CADSS_RESOLVED_MAX)


def _respiratory(record: SessionRecord, observations: Sequence[ObservationEntry],
                 latest: ObservationEntry | None, stale: str, first: datetime | None,
                 policy: SitePolicy, at: datetime) -> Criterion:
    """R3.3 / R3.4: latest fresh observation without respiratory depression and the latest
    SpO2 (observation or vitals, whichever is later) fresh and at least P-SPO2-MIN."""
    if latest is None:
        return Criterion("respiratory_ok", False, stale)
    if latest.respiratory_depression:
        return Criterion("respiratory_ok", False, "respiratory depression recorded")
    oximetry = [v for v in _upto(record.vitals_in_order, at, lambda v: v.taken_at)
                if v.spo2 is not None]
    obs_spo2 = next((o for o in reversed(observations) if o.spo2 is not None), None)
    candidates = [(v.taken_at, v.spo2) for v in oximetry[-1:]]
    candidates += [(obs_spo2.observed_at, obs_spo2.spo2)] if obs_spo2 else []
    if not candidates:
        return Criterion("respiratory_ok", False, "no SpO2 recorded")
    taken_at, spo2 = max(candidates, key=lambda c: c[0])
    if at - taken_at > policy.fresh:
        return Criterion("respiratory_ok", False, f"latest SpO2 is older than "
                         f"{policy.fresh_minutes} min")
    if spo2 < policy.spo2_min:
        return Criterion("respiratory_ok", False, f"SpO2 {spo2} below {policy.spo2_min}")
    since_obs = _run_start(observations, lambda o: not o.respiratory_depression and (
        o.spo2 is None or o.spo2 >= policy.spo2_min), _obs_at, first)
    since_vitals = _run_start(oximetry, lambda v: v.spo2 >= policy.spo2_min,
                              lambda v: v.taken_at, first)
    since = max((t for t in (since_obs, since_vitals) if t is not None), default=None)
    return Criterion("respiratory_ok", True, f"SpO2 {spo2}, no respiratory depression", since)


def _transport(record: SessionRecord) -> Criterion:
    """R3.5: a ride home is recorded."""
    if record.transport_confirmed:
        return Criterion("transport_confirmed", True, "ride home recorded")
    return Criterion("transport_confirmed", False, "no ride home recorded")


def _serious_events(record: SessionRecord, at: datetime) -> Criterion:
    """R3.4: no serious adverse event left unresolved at `at`."""
    serious = [e for e in record.adverse_events if e.serious]
    open_count = sum(1 for e in serious if e.resolved_at is None or e.resolved_at > at)
    if open_count:
        return Criterion("no_open_serious_event", False,
                         f"{open_count} serious adverse event(s) unresolved")
    resolved = max((e.resolved_at for e in serious if e.resolved_at), default=None)
    return Criterion("no_open_serious_event", True,
                     "serious adverse events resolved" if serious else "none recorded", resolved)


def discharge_readiness(record: SessionRecord, policy: SitePolicy,
                        at: datetime) -> DischargeReadiness:
    """Evaluate the 8 criteria of R3.4 at `at` from entries recorded by then (R2.4, R3.1, R3.3, R3.6).

    earliest_ready_at is never before first device + 120 min (R3.1): with every other
    criterion met it is the later of that and the time they were all met; otherwise
    it is that lower bound. ready_without_min_observation_at (R3.6) is when the other
    criteria were all met, or None while one is unmet.
    """
    first = record.first_device_at
    if first is not None and first > at:
        first = None
    sedation, dissociation, respiratory = _observation_criteria(record, first, policy, at)
    criteria = (_min_observation(first, at), _post_dose_bp(record, first, at),
                _bp_acceptable(record, first, policy, at), sedation, dissociation,
                respiratory, _transport(record), _serious_events(record, at))
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
                                   f"Monitoring must last at least 120 minutes from the first "
                                   f"device ({c.detail}); no override."))
        else:
            found.append(soft_stop("R3.4", c.code, f"Discharge criterion not met: {c.detail}."))
    if clinically_stable is not True:
        found.append(hard_stop("R3.4", "clinically_stable_required",
                               "The nurse must attest that the patient is clinically stable."))
    return found


def check_discharge(readiness: DischargeReadiness, clinically_stable: bool,
                    overridden: bool = False) -> list[Violation]:
    """Return the stops that still refuse the discharge (R3.1, R3.4): soft ones only without an override."""
    return blocking(discharge_violations(readiness, clinically_stable), overridden)
