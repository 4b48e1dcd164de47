"""A session's report facts (models/report_facts.py): what its clinical entries come to, per
session, from one pass over each entry table (CTEs); kept when the session ends.

Entries count as the rules read them: a corrected entry by its correction (R2-R3 entries are
amended, never deleted). The report reads the kept row of an ended session and works out the
others' facts from their entries with the same statement (report_clinical.py). A row is
written when the session ends (entries.move) and written again when an entry of the ended
session is corrected (entries.save_entry), in the caller's transaction.
"""
from sqlalchemy import and_, case, cast, delete, func, insert, null, or_, union_all
from sqlmodel import select

from ..domain.enums import Dissociation, VitalsTimepoint
from ..domain.label import BP_RISE_DIASTOLIC, BP_RISE_SYSTOLIC, MOAAS_BASELINE_DEFAULT
from ..domain.reports import SEDATION_MOAAS_MAX
from ..domain.state_machine import TERMINAL
from ..models import (
    Discharge, DeviceAdministration, ObservationEntry, SessionFacts, TreatmentSession,
    VitalsEntry,
)
from ..sql_functions import seconds_between

V, Obs = VitalsEntry, ObservationEntry
# The columns of a facts row, in the order facts_of selects them.
FACT_COLUMNS = tuple(column.key for column in SessionFacts.__table__.columns)
# The entries the facts come from: a correction of one after the session ended renews them.
SOURCES = (Discharge, DeviceAdministration, ObservationEntry, VitalsEntry)


def current(model, scope):
    """WHERE clauses: the entries of the sessions in `scope` that no later entry amends.

    NOT IN the few amended ids: PostgreSQL hashes that short list, where NOT EXISTS would
    hash every id of the table (ix_vitals_amends_id and ix_observations_amends_id find them
    for the report's readings of a whole range).
    """
    amended = select(model.amends_id).where(model.amends_id.isnot(None),
                                            model.session_id.in_(scope))
    return model.session_id.in_(scope), model.id.not_in(amended)


def count_if(condition):
    return func.sum(case((condition, 1), else_=0))


def facts_of(scope):
    """SELECT the facts (FACT_COLUMNS) of every session in `scope` (a query of session ids),
    those without entries included."""
    sessions = scope.subquery("facts_scope")
    (session_id,) = sessions.c
    clock, vitals, observed = _clock(scope), _vitals_facts(scope), _observation_facts(scope)

    def minutes(until):
        return seconds_between(clock.c.first_device, until) // 60

    return (select(session_id.label("session_id"), minutes(clock.c.discharged),
                   observed.c.sedated.isnot(None), minutes(observed.c.sedation_resolved),
                   observed.c.dissociated.isnot(None), minutes(observed.c.dissociation_resolved),
                   func.coalesce(vitals.c.after, 0), func.coalesce(vitals.c.rise, 0))
            .select_from(sessions)
            .outerjoin(clock, clock.c.session_id == session_id)
            .outerjoin(observed, observed.c.session_id == session_id)
            .outerjoin(vitals, vitals.c.session_id == session_id))


def keep_facts(session, scope):
    """Write (again) the facts rows of the ended sessions in `scope` (a query of session ids)
    from their entries: two statements."""
    session.flush()
    session.exec(delete(SessionFacts).where(SessionFacts.session_id.in_(scope)))
    session.exec(insert(SessionFacts).from_select(FACT_COLUMNS, facts_of(scope)))


def one_session(session_id):
    """The scope of keep_facts for one session."""
    return select(TreatmentSession.id).where(TreatmentSession.id == session_id)


def renew_after_entry(session, entry):
    """An entry of a session that has ended (a late correction) writes its facts again;
    costs no query otherwise (the session is in the identity map, locked by the writer)."""
    if not isinstance(entry, SOURCES):
        return
    if session.get(TreatmentSession, entry.session_id).state in TERMINAL:
        keep_facts(session, one_session(entry.session_id))


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


def _vitals_facts(scope):
    """Per session: readings after the pre-dose one, and those with a rise of 40/25 over the
    latest pre-dose reading (R2.3). One pass: each reading carries the session's latest
    pre-dose one (a window ordering the pre-dose readings first, the latest first)."""
    pre_dose = V.timepoint == VitalsTimepoint.PRE_DOSE
    latest_pre_dose = {"partition_by": V.session_id,
                       "order_by": (case((pre_dose, 0), else_=1), V.taken_at.desc(),
                                    V.id.desc())}
    baseline = [func.first_value(column, type_=column.type).over(**latest_pre_dose)
                .label(f"baseline_{column.key}") for column in (V.timepoint, V.systolic,
                                                                V.diastolic)]
    rows = (select(V.session_id, V.timepoint, V.systolic, V.diastolic, *baseline)
            .where(*current(V, scope)).subquery())
    r = rows.c
    after = r.timepoint != VitalsTimepoint.PRE_DOSE
    rise = and_(after, r.baseline_timepoint == VitalsTimepoint.PRE_DOSE,
                or_(r.systolic - r.baseline_systolic >= BP_RISE_SYSTOLIC,
                    r.diastolic - r.baseline_diastolic >= BP_RISE_DIASTOLIC))
    return (select(r.session_id, count_if(after).label("after"), count_if(rise).label("rise"))
            .group_by(r.session_id).cte("vitals_facts"))


def _observation_facts(scope):
    """Per session: the last observation with sedation (MOAA/S <= 3) and the first later one
    back at the MOAA/S baseline (R3.4); the last with dissociation and the first later one
    (none recorded after the last). One pass: the last times come from window functions over
    the session's observations."""
    by_session = {"partition_by": Obs.session_id}
    rows = select(
        Obs.session_id, Obs.observed_at, Obs.moaas,
        func.max(case((Obs.moaas <= SEDATION_MOAAS_MAX, Obs.observed_at))).over(**by_session)
        .label("sedated"),
        func.max(case((Obs.dissociation != Dissociation.NONE, Obs.observed_at)))
        .over(**by_session).label("dissociated"),
    ).where(*current(Obs, scope)).subquery()
    o = rows.c
    return select(
        o.session_id, func.max(o.sedated).label("sedated"),
        func.min(case((and_(o.observed_at > o.sedated, o.moaas >= MOAAS_BASELINE_DEFAULT),
                       o.observed_at))).label("sedation_resolved"),
        func.max(o.dissociated).label("dissociated"),
        func.min(case((o.observed_at > o.dissociated, o.observed_at)))
        .label("dissociation_resolved"),
    ).group_by(o.session_id).cte("observation_facts")
