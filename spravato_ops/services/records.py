"""A session's clinical entries: the current ones as a domain SessionRecord, all of them for review.

An entry is current unless a later entry amends it; an amendment replaces the entry it
amends for every rule, while the original stays stored and visible, flagged as amended.
"""
from collections import defaultdict
from functools import cache

from sqlalchemy import LABEL_STYLE_NONE, bindparam, cast, literal_column, null, union_all
from sqlalchemy import select as core_select

from ..domain.checklist import transport_confirmed
from ..domain.enums import Dissociation, VitalsTimepoint
from ..domain.policy import BloodPressure
from ..domain.session_record import (
    AdverseEventEntry, DeviceDose, ObservationEntry as ObservationValue, SessionRecord,
    VitalsReading,
)
from ..models import (
    AdverseEvent, ChecklistEntry, Discharge, DeviceAdministration, ObservationEntry,
    SitePolicyRecord, TreatmentSession, VitalsEntry,
)
from ..models.columns import rule_columns

# Entry kind -> table; the kinds are the keys of the record view.
ENTRY_MODELS = {
    "checklist": ChecklistEntry,
    "vitals": VitalsEntry,
    "devices": DeviceAdministration,
    "observations": ObservationEntry,
    "adverse_events": AdverseEvent,
    "discharges": Discharge,
}


# The kind of read_one_record's row of the session itself (no entry table has that name).
SESSION_KIND = "session"

# The columns the rules read (build_record), besides id, session_id and amends_id: those the
# tables flag READ_BY_RULES (models/columns.py).
RULE_COLUMNS = {kind: rule_columns(model) for kind, model in ENTRY_MODELS.items()}
KEY_COLUMNS = ("id", "session_id", "amends_id")
# Every column of each kind, for the record as staff review it.
ALL_COLUMNS = {kind: tuple(c.name for c in model.__table__.columns if c.name not in KEY_COLUMNS)
               for kind, model in ENTRY_MODELS.items()}


def read_entries(session, session_ids, kinds=tuple(ENTRY_MODELS), *, every_column=False):
    """Return {session_id: {kind: [entries in id order]}}, in one query, as read-only rows.

    A row carries the RULE_COLUMNS of every kind asked for (every_column: all columns of
    every kind); those of other kinds are None. `own_values` picks a row's own columns.
    """
    ids = list(session_ids)
    found = _by_session(kinds)
    if ids and kinds:
        for row in _rows(session, ids, tuple(kinds), every_column):
            found[row.session_id][row.kind].append(row)
    return found


def read_one_record(session, session_id):
    """Return (the session's row, {kind: entries}) of session `session_id` in one query, or
    None for an unknown session: for a read that needs the session's entries and its site's
    policy, not the session itself (timers, readiness).

    The session's row carries planned_dose_mg (what build_record reads of a session) and
    `settings`, the stored policy of its site (None: the defaults).
    """
    found, entries = None, {kind: [] for kind in ENTRY_MODELS}
    for row in _rows(session, [session_id], tuple(ENTRY_MODELS), False, with_session=True):
        if row.kind == SESSION_KIND:
            found = row
        else:
            entries[row.kind].append(row)
    return None if found is None else (found, entries)


def own_values(row):
    """The columns of a row of read_entries(every_column=True) that its kind's table has."""
    table = ENTRY_MODELS[row.kind].__table__
    return {column.name: getattr(row, column.name) for column in table.columns}


def _rows(session, ids, kinds, every_column, *, with_session=False):
    """The rows of the _entries_query of the sessions `ids` (one session: matched by =),
    through the session's connection (a Core statement: the ORM has nothing to add)."""
    one = len(ids) == 1
    query = _entries_query(kinds, every_column, with_session=with_session, one=one)
    params = {"session_id": ids[0]} if one else {"session_ids": ids}
    return session.connection().execute(query, params).all()


def _by_session(kinds):
    return defaultdict(lambda: {kind: [] for kind in kinds})


def _columns_of(kind, every_column):
    return KEY_COLUMNS + (ALL_COLUMNS if every_column else RULE_COLUMNS)[kind]


@cache
def _entries_query(kinds, every_column, *, with_session=False, one=False):
    """The entries of the sessions `session_ids` (one: of the session `session_id`), by id: a
    UNION ALL of the tables of `kinds` (with_session: and a row of kind SESSION_KIND per
    session, see _session_select)."""
    # Each branch reads its table under one short name: the statement stays short.
    tables = {kind: ENTRY_MODELS[kind].__table__.alias("e") for kind in kinds}
    own = {kind: {name: tables[kind].c[name] for name in _columns_of(kind, every_column)}
           for kind in kinds}
    if with_session:
        own[SESSION_KIND] = _session_columns()
    columns = {}
    for kind_columns in own.values():
        for name, column in kind_columns.items():
            columns.setdefault(name, column.type)

    def of_sessions(column):
        if one:
            return column == bindparam("session_id")
        return column.in_(bindparam("session_ids", expanding=True))

    selects = [_padded_select(kind, columns, own[kind], first=index == 0)
               .where(of_sessions(tables[kind].c.session_id))
               for index, kind in enumerate(kinds)]
    if with_session:
        selects.append(_session_select(columns, own[SESSION_KIND], of_sessions))
    return union_all(*selects).order_by(literal_column("id"))


def _padded_select(kind, columns, own, *, first=False):
    """SELECT the kind, then each of `columns`: its own column of `own` ({name: column}), else
    a NULL. The first SELECT of the union names the columns and casts its NULLs to their
    types (PostgreSQL types a union's columns branch by branch from the first); the others'
    columns need neither, which keeps the statement short enough for the driver's cache of
    parsed statements."""
    values = [literal_column(f"'{kind}'")] + [
        own[name] if name in own else cast(null(), type_) if first else literal_column("NULL")
        for name, type_ in columns.items()]
    if first:
        return core_select(*(value.label(name) for value, name in zip(values, ["kind", *columns])))
    return core_select(*values).set_label_style(LABEL_STYLE_NONE)


def _session_columns():
    """What the session's own row carries: its id (as id and session_id), its planned dose and
    the stored policy settings of its site (NULL: the defaults)."""
    sessions, policies = _session_tables()
    return {"id": sessions.c.id, "session_id": sessions.c.id,
            "planned_dose_mg": sessions.c.planned_dose_mg, "settings": policies.c.settings}


@cache
def _session_tables():
    return TreatmentSession.__table__.alias("s"), SitePolicyRecord.__table__.alias("p")


def _session_select(columns, own, of_sessions):
    """The row of kind SESSION_KIND of each session, padded as the entries are."""
    sessions, policies = _session_tables()
    return (_padded_select(SESSION_KIND, columns, own)
            .select_from(sessions.outerjoin(policies, policies.c.site_id == sessions.c.site_id))
            .where(of_sessions(sessions.c.id)))


def amended_by(entries):
    """Map each amended entry's id to the id of the entry that amends it."""
    return {e.amends_id: e.id for e in entries if e.amends_id is not None}


def originals(entries):
    """Map each entry's id to the id of the entry its chain of corrections started from."""
    found = {}
    for entry in entries:  # in id order: a correction comes after what it corrects
        found[entry.id] = (entry.id if entry.amends_id is None
                           else found.get(entry.amends_id, entry.amends_id))
    return found


def current(entries):
    """The entries no later entry amends (the corrections replace what they amend)."""
    replaced = amended_by(entries)
    return [e for e in entries if e.id not in replaced]


def build_record(treatment_session, entries):
    """Turn the stored entries of one session (by kind) into the domain's SessionRecord."""
    discharge = current(entries.get("discharges", []))
    return SessionRecord(
        planned_dose_mg=treatment_session.planned_dose_mg,
        vitals=tuple(
            VitalsReading(VitalsTimepoint(v.timepoint), BloodPressure(v.systolic, v.diastolic),
                          v.heart_rate, v.spo2, v.taken_at)
            for v in current(entries.get("vitals", []))),
        devices=tuple(DeviceDose(d.device_number, d.administered_at)
                      for d in current(entries.get("devices", []))),
        observations=tuple(
            ObservationValue(o.observed_at, o.moaas, Dissociation(o.dissociation), o.cadss_total,
                             o.respiratory_depression, o.spo2, tuple(o.symptoms or ()))
            for o in current(entries.get("observations", []))),
        adverse_events=tuple(AdverseEventEntry(a.serious, a.resolved_at)
                             for a in current(entries.get("adverse_events", []))),
        transport_confirmed=transport_confirmed(current(entries.get("checklist", []))),
        discharged_at=discharge[-1].discharged_at if discharge else None,
    )
