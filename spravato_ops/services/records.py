"""A session's clinical entries: the current ones as a domain SessionRecord, all of them for review.

An entry is current unless a later entry amends it; an amendment replaces the entry it
amends for every rule, while the original stays stored and visible, flagged as amended.
"""
from collections import defaultdict
from functools import cache

from sqlalchemy import bindparam, cast, literal, literal_column, null, union_all
from sqlalchemy import select as core_select

from ..domain.checklist import transport_confirmed
from ..domain.enums import Dissociation, VitalsTimepoint
from ..domain.policy import BloodPressure
from ..domain.session_record import (
    AdverseEventEntry, DeviceDose, ObservationEntry as ObservationValue, SessionRecord,
    VitalsReading,
)
from ..models import (
    AdverseEvent, ChecklistEntry, Discharge, DeviceAdministration, ObservationEntry, VitalsEntry,
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
    if ids:
        query = _entries_query(tuple(kinds), every_column)
        for row in session.exec(query, params={"session_ids": ids}):
            found[row.session_id][row.kind].append(row)
    return found


def own_values(row):
    """The columns of a row of read_entries(every_column=True) that its kind's table has."""
    table = ENTRY_MODELS[row.kind].__table__
    return {column.name: getattr(row, column.name) for column in table.columns}


def _by_session(kinds):
    return defaultdict(lambda: {kind: [] for kind in kinds})


def _columns_of(kind, every_column):
    return KEY_COLUMNS + (ALL_COLUMNS if every_column else RULE_COLUMNS)[kind]


@cache
def _entries_query(kinds, every_column):
    """The entries of the sessions `session_ids`, by id: a UNION ALL of the tables of `kinds`."""
    columns = {}
    for kind in kinds:
        table = ENTRY_MODELS[kind].__table__
        for name in _columns_of(kind, every_column):
            columns.setdefault(name, table.c[name].type)
    session_ids = bindparam("session_ids", expanding=True)
    return union_all(*(
        _padded_select(kind, columns, _columns_of(kind, every_column))
        .where(ENTRY_MODELS[kind].session_id.in_(session_ids))
        for kind in kinds
    )).order_by(literal_column("id"))


def _padded_select(kind, columns, own):
    """SELECT the kind, then each of `columns`: the table's own, else a NULL of that type."""
    table = ENTRY_MODELS[kind].__table__
    return core_select(literal(kind).label("kind"), *(
        table.c[name] if name in own else cast(null(), type_).label(name)
        for name, type_ in columns.items()))


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
