"""Who may run a job now: one reminder dispatcher at a time on SQLite, one run of a sweep at
a time on PostgreSQL.

PostgreSQL dispatchers need no lock: FOR UPDATE SKIP LOCKED gives each its own rows.
SQLite has no row locks, so a dispatcher holds an exclusive lock on a file beside the
database for its run; the operating system drops it when the process dies, and the next
holder knows every `sending` row it finds was left by a dead dispatcher.
"""
import fcntl
import threading
import zlib
from contextlib import contextmanager

from sqlalchemy import text

from spravato_ops.db import is_sqlite

_IN_MEMORY = threading.Lock()


@contextmanager
def sole_dispatcher(engine):
    """Yield True while this process is the only dispatcher on a SQLite database (False if
    another holds it); on PostgreSQL yield None: no lock is needed."""
    if not is_sqlite(engine.url):
        yield None
        return
    path = engine.url.database
    if not path or path == ":memory:":
        held = _IN_MEMORY.acquire(blocking=False)
        try:
            yield held
        finally:
            if held:
                _IN_MEMORY.release()
        return
    with open(f"{path}.dispatch.lock", "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def try_sweep_lock(db, job_id):
    """Take the job's lock for this transaction: True if no other process runs the sweep.

    PostgreSQL: a transaction-level advisory lock. SQLite: the sweep's own write
    transaction (BEGIN IMMEDIATE) already runs alone.
    """
    if db.get_bind().dialect.name != "postgresql":
        return True
    key = zlib.crc32(f"spravato-scheduler:{job_id}".encode())
    return bool(db.connection().execute(text("SELECT pg_try_advisory_xact_lock(:key)"),
                                        {"key": key}).scalar())
