"""The report's clinical figures in one statement, grouped from facts per session, never a row
per session out.

The facts (report_facts.py) of a session that has ended are read from its kept row; those of
the others (still in the clinic, or written without one) are worked out from their entries
in the same statement. The figures that depend on a site's thresholds (P-BP-ALERT,
P-SPO2-MIN) count the readings past them, found by the readings' own indexes.
"""
from collections import defaultdict

from sqlalchemy import Integer, cast, func, literal, null, or_, union_all
from sqlmodel import select

from ..domain.enums import VitalsTimepoint
from ..models import ObservationEntry, SessionFacts, VitalsEntry
from .report_facts import FACT_COLUMNS, count_if, current, facts_of

V, Obs, F = VitalsEntry, ObservationEntry, SessionFacts
# A figure that has no minutes or no readings (typed: PostgreSQL's UNION matches the types).
NONE = cast(null(), Integer)


def _facts(scope):
    """Facts per session of `scope`: kept rows where there are, else worked out from the
    entries (CTEs)."""
    sessions = scope.subquery("report_scope")
    (session_id,) = sessions.c
    kept = [F.__table__.c[name] for name in FACT_COLUMNS[1:]]
    scoped = (select(session_id.label("session_id"), F.session_id.label("kept"), *kept)
              .select_from(sessions).outerjoin(F, F.session_id == session_id).cte("scoped"))
    unkept = select(scoped.c.session_id).where(scoped.c.kept.is_(None))
    return union_all(
        select(scoped.c.session_id, *(scoped.c[name] for name in FACT_COLUMNS[1:]))
        .where(scoped.c.kept.isnot(None)),
        facts_of(unkept),
    ).cte("facts")


def _minutes_counted(measure, facts, minutes, where):
    """(measure, minutes, sessions, NULL) of the rows of `facts` where `where`, by minutes."""
    return (select(literal(measure).label("measure"), minutes, func.count().label("sessions"),
                   NONE.label("readings"))
            .select_from(facts).where(where).group_by(minutes))


def _readings_past(scope, policy):
    """(readings after the pre-dose one above P-BP-ALERT (R2.3), readings below P-SPO2-MIN
    (R3.3) of vitals and observations): (session_id) queries of the sessions in `scope`.
    Few readings: each finds its session by its key."""
    high = select(V.session_id).where(
        *current(V, scope), V.timepoint != VitalsTimepoint.PRE_DOSE,
        or_(V.systolic > policy.bp_alert.systolic, V.diastolic > policy.bp_alert.diastolic))
    low = union_all(*(select(model.session_id)
                      .where(*current(model, scope), model.spo2 < policy.spo2_min)
                      for model in (V, Obs)))
    return high.subquery(), low.subquery()


def clinical_figures(session, scope, policy):
    """{measure: {minutes or None: (sessions, readings)}}: 'discharge', 'sedation' and
    'dissociation' by whole minutes from the first device (to discharge; to resolution, None:
    not resolved), and at None 'post_dose' (sessions with readings after the pre-dose one),
    'bp_rise', 'bp_high' and 'spo2_low' (sessions and readings)."""
    facts = _facts(scope)
    f = facts.c
    parts = [
        _minutes_counted("discharge", facts, f.discharge_minutes,
                         f.discharge_minutes.isnot(None)),
        *(_minutes_counted(effect, facts, f[f"{effect}_minutes"], f[flag])
          for effect, flag in (("sedation", "sedated"), ("dissociation", "dissociated"))),
        select(literal("post_dose"), NONE, count_if(f.post_dose_readings > 0), NONE),
        select(literal("bp_rise"), NONE, count_if(f.bp_rise_readings > 0),
               func.sum(f.bp_rise_readings)),
        *(select(literal(measure), NONE, func.count(func.distinct(readings.c.session_id)),
                 func.count())
          for measure, readings in zip(("bp_high", "spo2_low"), _readings_past(scope, policy))),
    ]
    found = defaultdict(dict)
    for measure, minutes, sessions, readings in session.exec(union_all(*parts)):
        found[measure][minutes] = (int(sessions or 0), int(readings or 0))
    return found
