"""The medical director's report of one site and date range: counts from report_queries.py
and report_clinical.py put together with the definitions of domain/reports.py."""
from contextlib import contextmanager

from sqlalchemy import text
from sqlmodel import Session

from ..domain.calendar import local_date
from ..domain.enums import SessionState
from ..domain.label import BP_RISE_DIASTOLIC, BP_RISE_SYSTOLIC, MOAAS_BASELINE_DEFAULT
from ..domain.rems import form_required, monitoring_form_required
from ..domain.reports import (
    DOSED_STATES, ISO_WEEKDAYS, OPEN_DAY, OPEN_STATES, SEDATION_MOAAS_MAX, histogram,
    open_minutes, percentile, range_errors, share, weekday_counts,
)
from . import report_queries as queries
from .report_clinical import clinical_figures
from .failures import InvalidInput
from .sites import list_chairs, site_facts, site_with_policy

FORM_CATEGORIES = ("on_time", "late", "open", "overdue", "no_form")
# PostgreSQL's memory for each hash and sort of the report (the default 4MB spills to disk).
REPORT_WORK_MEM = "64MB"


def clinic_report(session, *, site_id, first_day, last_day, now):
    """Every figure of the report of site `site_id` for site-local days first_day..last_day.

    `now` dates the report: REMS form deadlines and course gaps are judged at the site's
    today. 422 for a bad range, 404 for an unknown site.
    """
    errors = range_errors(first_day, last_day)
    if errors:
        raise InvalidInput(errors, "The report's date range is not valid.")
    site, policy = site_with_policy(session, site_id)
    with one_snapshot(session) as session:
        return _report(session, site, policy, first_day, last_day, now)


@contextmanager
def one_snapshot(session):
    """A session that reads every figure from one snapshot. On PostgreSQL: a REPEATABLE READ
    transaction of its own (requests that read run in autocommit, a snapshot per statement),
    without JIT compilation, which costs more than these statements take (the planner's
    estimates of grouped subqueries are far too high), and with REPORT_WORK_MEM to hash and
    sort in memory."""
    engine = session.get_bind()
    if engine.dialect.name != "postgresql":
        yield session
        return
    with (engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection,
          Session(connection) as reading):
        reading.exec(text("SET TRANSACTION READ ONLY"))
        reading.exec(text("SET LOCAL jit = off"))
        reading.exec(text(f"SET LOCAL work_mem = '{REPORT_WORK_MEM}'"))
        yield reading


def _report(session, site, policy, first_day, last_day, now):
    today = local_date(now, site.timezone)
    scope = queries.session_scope(site.id, first_day, last_day)
    states = queries.state_counts(session, scope)
    dosed = sum(states.get(state, 0) for state in DOSED_STATES)
    clinical = clinical_figures(session, scope, policy)
    courses, with_gaps, gaps = queries.course_gaps(session, scope, policy, first_day, last_day,
                                                   today)
    return {
        "site": {"id": site.id, "name": site.name, "timezone": site.timezone},
        "from": first_day, "to": last_day, "generated_at": now, "today": today,
        "definitions": _definitions(policy),
        "sessions": _sessions(states, dosed),
        "discharge_times": _distribution(_sessions_by_minute(clinical["discharge"])),
        "blood_pressure": _blood_pressure(clinical, dosed),
        "sedation": _effect(_sessions_by_minute(clinical["sedation"]), dosed),
        "dissociation": _effect(_sessions_by_minute(clinical["dissociation"]), dosed),
        "spo2": {"dosed": dosed, **dict(zip(("sessions_below", "readings_below"),
                                            _at_none(clinical, "spo2_low")))},
        "courses": {"seen": courses, "on_schedule": courses - with_gaps,
                    "with_gaps": with_gaps, "gaps": gaps},
        "rems_forms": _forms(session, scope, site, today),
        "chair_utilisation": _utilisation(session, scope, site.id, policy.opening_hours,
                                          first_day, last_day),
    }


def _definitions(policy):
    """The thresholds the figures were counted by (the site's policy now)."""
    return {"bp_alert": str(policy.bp_alert),
            "bp_rise": f"{BP_RISE_SYSTOLIC}/{BP_RISE_DIASTOLIC}",
            "spo2_min": policy.spo2_min, "sedation_moaas_max": SEDATION_MOAAS_MAX,
            "moaas_baseline": MOAAS_BASELINE_DEFAULT,
            "open_day": _open_day(policy),
            "cadence_gap_days": policy.to_mapping()["cadence_gap_days"]}


def _open_day(policy):
    """What utilisation divides by, in words: P-HOURS, or OPEN_DAY when none are set."""
    if policy.opening_hours.weekly is not None:
        return "the site's opening hours"
    return f"an {OPEN_DAY[0]:%H:%M}-{OPEN_DAY[1]:%H:%M} day (no opening hours set)"


def _sessions(states, dosed):
    return {"total": sum(states.values()), "held": dosed,
            "withheld": states.get(SessionState.WITHHELD, 0),
            "cancelled": states.get(SessionState.CANCELLED, 0),
            "no_show": states.get(SessionState.NO_SHOW, 0),
            "open": sum(states.get(state, 0) for state in OPEN_STATES),
            "by_state": {state.value: states.get(state, 0) for state in SessionState}}


def _sessions_by_minute(figures):
    return {minutes: sessions for minutes, (sessions, _) in figures.items()}


def _at_none(clinical, measure):
    """(sessions, readings) of a measure that has no minutes."""
    return clinical[measure].get(None, (0, 0))


def _blood_pressure(clinical, dosed):
    """R2.3: sessions and readings with a rise of 40/25, and above P-BP-ALERT."""
    (rise, rise_readings), (high, high_readings) = (_at_none(clinical, measure)
                                                    for measure in ("bp_rise", "bp_high"))
    return {"dosed": dosed, "sessions_with_readings": _at_none(clinical, "post_dose")[0],
            "sessions_with_rise": rise, "sessions_above_alert": high,
            "readings_with_rise": rise_readings, "readings_above_alert": high_readings}


def _distribution(minutes):
    """Count, median, 90th percentile and histogram of {minutes: sessions}."""
    return {"sessions": sum(minutes.values()), "median_minutes": percentile(minutes, 0.5),
            "p90_minutes": percentile(minutes, 0.9),
            "histogram": [{"from_minute": b.first, "to_minute": b.last, "sessions": b.count}
                          for b in histogram(minutes)]}


def _effect(minutes, dosed):
    """Incidence among dosed sessions and minutes from the first device to resolution."""
    resolved = {value: count for value, count in minutes.items() if value is not None}
    sessions = sum(minutes.values())
    return {"sessions": sessions, "dosed": dosed, "incidence": share(sessions, dosed),
            "resolved": sum(resolved.values()), "unresolved": minutes.get(None, 0),
            "median_minutes_to_resolution": percentile(resolved, 0.5),
            "p90_minutes_to_resolution": percentile(resolved, 0.9)}


def _forms(session, scope, site, today):
    """R4.3: forms of the sessions that need one (discharged; withheld where the site's switch
    says so), by punctuality; none at sites that file none."""
    facts = site_facts(site)
    states = [state for state in SessionState if form_required(facts, state)]
    required = monitoring_form_required(facts)
    found = queries.form_punctuality(session, scope, site, states, today) if states else {}
    return {"required": required, "sessions": sum(found.values()),
            **{name: found.get(name, 0) for name in FORM_CATEGORIES}}


def _utilisation(session, scope, site_id, hours, first_day, last_day):
    """Booked chair-minutes over open minutes (P-HOURS, else OPEN_DAY) per chair and ISO
    weekday."""
    booked = queries.booked_minutes(session, scope)
    available = open_minutes(hours, first_day, last_day)
    used = {chair_id for chair_id, _ in booked}
    chairs = [chair for chair in list_chairs(session, site_id=site_id)
              if chair.active or chair.id in used]

    def cells(chair_ids):
        return [_cell(weekday, sum(booked.get((c, weekday), 0) for c in chair_ids),
                      available[weekday] * len(chair_ids))
                for weekday in ISO_WEEKDAYS]

    rows = [{"chair_id": chair.id, "chair": chair.label, "weekdays": cells([chair.id])}
            for chair in chairs]
    return {"open_minutes_per_weekday": available,
            "days_per_weekday": weekday_counts(first_day, last_day),
            "chairs": rows, "all_chairs": cells([chair.id for chair in chairs])}


def _cell(weekday, booked, open_minutes):
    return {"weekday": weekday, "booked_minutes": booked, "open_minutes": open_minutes,
            "utilisation": share(booked, open_minutes)}
