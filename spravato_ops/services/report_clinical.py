"""The report's clinical figures in one statement: each entry table is read once into facts per
session (CTEs), and the figures are grouped from those facts, never a row per session out.

Entries count as the rules read them: a corrected entry by its correction (R2-R3 entries are
amended, never deleted).
"""
from collections import defaultdict

from sqlalchemy import Integer, and_, case, cast, func, literal, null, or_, union_all
from sqlmodel import select

from ..domain.enums import Dissociation, VitalsTimepoint
from ..domain.label import BP_RISE_DIASTOLIC, BP_RISE_SYSTOLIC, MOAAS_BASELINE_DEFAULT
from ..domain.reports import SEDATION_MOAAS_MAX
from ..models import Discharge, DeviceAdministration, ObservationEntry, VitalsEntry
from ..sql_functions import seconds_between

V, Obs = VitalsEntry, ObservationEntry
# A figure that has no minutes or no readings (typed: PostgreSQL's UNION matches the types).
NONE = cast(null(), Integer)


def current(model, scope):
    """WHERE clauses: the entries of the sessions in `scope` that no later entry amends.

    NOT IN the few amended ids: PostgreSQL hashes that short list, where NOT EXISTS would
    hash every id of the table.
    """
    amended = select(model.amends_id).where(model.amends_id.isnot(None),
                                            model.session_id.in_(scope))
    return model.session_id.in_(scope), model.id.not_in(amended)


def _count_if(condition):
    return func.sum(case((condition, 1), else_=0))


def _clock(scope):
    """Per session: when the first device was given (R3.1's clock starts there) and when the
    patient was discharged, from one pass over both tables."""
    D = DeviceAdministration
    times = union_all(
        select(D.session_id, D.administered_at.label("device"),
               cast(null(), D.administered_at.type).label("discharge"))
        .where(*current(D, scope)),
        select(Discharge.session_id, cast(null(), D.administered_at.type),
               Discharge.discharged_at).where(*current(Discharge, scope)),
    ).subquery()
    return (select(times.c.session_id, func.min(times.c.device).label("first_device"),
                   func.max(times.c.discharge).label("discharged"))
            .group_by(times.c.session_id).cte("clock"))


def _vitals_facts(scope, policy):
    """Per session: readings after the pre-dose one with a rise of 40/25 over the latest
    pre-dose reading, above P-BP-ALERT (R2.3), and readings below P-SPO2-MIN (R3.3). One
    pass: each reading carries the session's latest pre-dose one (a window ordering the
    pre-dose readings first, the latest first)."""
    pre_dose = V.timepoint == VitalsTimepoint.PRE_DOSE
    latest_pre_dose = {"partition_by": V.session_id,
                       "order_by": (case((pre_dose, 0), else_=1), V.taken_at.desc(),
                                    V.id.desc())}
    baseline = [func.first_value(column, type_=column.type).over(**latest_pre_dose)
                .label(f"baseline_{column.key}") for column in (V.timepoint, V.systolic,
                                                                V.diastolic)]
    rows = (select(V.session_id, V.timepoint, V.systolic, V.diastolic, V.spo2, *baseline)
            .where(*current(V, scope)).subquery())
    r = rows.c
    after = r.timepoint != VitalsTimepoint.PRE_DOSE
    rise = and_(after, r.baseline_timepoint == VitalsTimepoint.PRE_DOSE,
                or_(r.systolic - r.baseline_systolic >= BP_RISE_SYSTOLIC,
                    r.diastolic - r.baseline_diastolic >= BP_RISE_DIASTOLIC))
    high = and_(after, or_(r.systolic > policy.bp_alert.systolic,
                           r.diastolic > policy.bp_alert.diastolic))
    return (select(r.session_id, _count_if(after).label("after"),
                   _count_if(rise).label("rise"), _count_if(high).label("high"),
                   _count_if(r.spo2 < policy.spo2_min).label("low_spo2"))
            .group_by(r.session_id).cte("vitals_facts"))


def _observation_facts(scope, policy, clock):
    """Per session: the last observation with sedation (MOAA/S <= 3) and the minutes from the
    first device to the first later one back at the MOAA/S baseline (R3.4); the last with
    dissociation and the minutes to the first later one (none recorded after the last);
    readings below P-SPO2-MIN (R3.3). One pass: the last times come from window functions
    over the session's observations."""
    by_session = {"partition_by": Obs.session_id}
    rows = select(
        Obs.session_id, Obs.observed_at, Obs.moaas, Obs.spo2,
        func.max(case((Obs.moaas <= SEDATION_MOAAS_MAX, Obs.observed_at))).over(**by_session)
        .label("sedated"),
        func.max(case((Obs.dissociation != Dissociation.NONE, Obs.observed_at)))
        .over(**by_session).label("dissociated"),
    ).where(*current(Obs, scope)).subquery()
    o = rows.c
    per_session = select(
        o.session_id, func.max(o.sedated).label("sedation"),
        func.min(case((and_(o.observed_at > o.sedated, o.moaas >= MOAAS_BASELINE_DEFAULT),
                       o.observed_at))).label("sedation_resolved"),
        func.max(o.dissociated).label("dissociation"),
        func.min(case((o.observed_at > o.dissociated, o.observed_at)))
        .label("dissociation_resolved"),
        _count_if(o.spo2 < policy.spo2_min).label("low_spo2"),
    ).group_by(o.session_id).subquery()
    f = per_session.c
    return (select(f.session_id, f.sedation, f.dissociation, f.low_spo2, *(
        (seconds_between(clock.c.first_device, f[f"{effect}_resolved"]) // 60)
        .label(f"{effect}_minutes") for effect in ("sedation", "dissociation")))
        .select_from(per_session)
        .outerjoin(clock, clock.c.session_id == f.session_id).cte("observation_facts"))


def _minutes_counted(measure, facts, minutes, where):
    """(measure, minutes, sessions, NULL) of the rows of `facts` where `where`, by minutes."""
    return (select(literal(measure).label("measure"), minutes, func.count().label("sessions"),
                   NONE.label("readings"))
            .select_from(facts).where(where).group_by(minutes))


def clinical_figures(session, scope, policy):
    """{measure: {minutes or None: (sessions, readings)}}: 'discharge', 'sedation' and
    'dissociation' by whole minutes from the first device (to discharge; to resolution, None:
    not resolved), and at None 'post_dose' (sessions with readings after the pre-dose one),
    'bp_rise', 'bp_high' and 'spo2_low' (sessions and readings)."""
    clock, vitals = _clock(scope), _vitals_facts(scope, policy)
    observed = _observation_facts(scope, policy, clock)
    discharge = (seconds_between(clock.c.first_device, clock.c.discharged) // 60).label("minutes")
    low = union_all(
        select(vitals.c.session_id, vitals.c.low_spo2.label("n")).where(vitals.c.low_spo2 > 0),
        select(observed.c.session_id, observed.c.low_spo2).where(observed.c.low_spo2 > 0),
    ).subquery()
    parts = [
        _minutes_counted("discharge", clock, discharge,
                         and_(clock.c.first_device.isnot(None), clock.c.discharged.isnot(None))),
        *(_minutes_counted(effect, observed, observed.c[f"{effect}_minutes"],
                           observed.c[effect].isnot(None))
          for effect in ("sedation", "dissociation")),
        select(literal("post_dose"), NONE, _count_if(vitals.c.after > 0), NONE),
        *(select(literal(measure), NONE, _count_if(column > 0), func.sum(column))
          for measure, column in (("bp_rise", vitals.c.rise), ("bp_high", vitals.c.high))),
        select(literal("spo2_low"), NONE, func.count(func.distinct(low.c.session_id)),
               func.sum(low.c.n)),
    ]
    found = defaultdict(dict)
    for measure, minutes, sessions, readings in session.exec(union_all(*parts)):
        found[measure][minutes] = (int(sessions or 0), int(readings or 0))
    return found
