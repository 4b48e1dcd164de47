"""Loading, optimistic versions and writes shared by the services."""
from functools import cache

from sqlalchemy import insert

from ..clock import utcnow
from . import audit
from .failures import NotFound, StaleVersion


def get_existing(session, model, record_id, name=None):
    """Return the record with this id, or raise NotFound naming it."""
    record = session.get(model, record_id)
    if record is None:
        raise NotFound(f"{name or model.__name__} {record_id} not found.")
    return record


def insert_row(session, record):
    """INSERT a new row of `record`'s table as one statement on the session's connection and
    give `record` its id; `record` stays out of the session (nothing reloads it, nothing
    updates it later). A None goes in as NULL unless its column has a default, as the ORM
    would. A clinical entry is written so (entries.save_entry): a unit-of-work flush of the
    one new row costs the write more CPU than the statement itself."""
    table = type(record).__table__
    values = {}
    for column in table.columns:
        value = getattr(record, column.key)
        if value is None and (column.primary_key or column.default is not None
                              or column.server_default is not None):
            continue
        values[column.key] = value
    record.id = session.connection().execute(_insert_returning_id(table), values).scalar_one()
    return record


@cache
def _insert_returning_id(table):
    """INSERT into `table` RETURNING its id; the columns come with each call's values."""
    return insert(table).returning(table.c.id)


def check_version(record, expected_version):
    """Refuse a write made against a stale copy (If-Match), 412."""
    if expected_version is not None and expected_version != record.version:
        raise StaleVersion(
            f"{type(record).__name__} {record_key(record)} is at version {record.version}, "
            f"not {expected_version}; reload and try again.")


def apply_changes(record, changes):
    """Set the given fields; return True if anything changed."""
    changed = False
    for key, value in changes.items():
        if getattr(record, key) != value:
            setattr(record, key, value)
            changed = True
    return changed


def save_new(session, record, *, entity, actor, action="create"):
    """Insert `record` with its audit row, commit, and return it."""
    session.add(record)
    session.flush()
    audit.record(session, action=action, entity=entity, entity_id=record_key(record),
                 actor=actor, after=audit.snapshot(record))
    session.commit()
    return record


def update_record(session, record, changes, *, entity, actor, action="update"):
    """Apply `changes`; when a field changes, bump the version and updated_at and add the
    audit row (before and after) to the transaction. Return whether anything changed.

    The caller commits, so the change and its audit row commit together or not at all.
    """
    before = audit.snapshot(record)
    if not apply_changes(record, changes):
        return False
    if hasattr(record, "version"):
        record.version += 1
    if hasattr(record, "updated_at"):
        record.updated_at = utcnow()
    session.add(record)
    audit.record(session, action=action, entity=entity, entity_id=record_key(record),
                 actor=actor, before=before, after=audit.snapshot(record))
    return True


def save_update(session, record, changes, *, entity, actor, expected_version=None,
                action="update"):
    """Apply `changes` under optimistic locking with an audit row, commit, and return it."""
    check_version(record, expected_version)
    if update_record(session, record, changes, entity=entity, actor=actor, action=action):
        session.commit()
    return record


def record_key(record):
    key = getattr(record, "id", None)
    if key is None:
        key = getattr(record, "patient_id", None) or getattr(record, "site_id", None)
    return key
