"""The access revision, read for a web worker's token cache (auth.TokenCache) by every request.

Each read is one statement started after the request arrived, shared with the requests that
arrive while it is under way (shared_read). On PostgreSQL it runs on a connection of its own,
held open in autocommit: a statement on a connection already open, with no database session,
pool checkout or reset around it (those cost several times the statement itself). A read that
fails there closes that connection and is made once more through the request's database
session, whose errors are the usual ones (a database that is down answers 503); the next read
opens a new connection. SQLite reads through the request's session, inside its transaction.
"""
import os
import weakref

from .db import is_sqlite
from .shared_read import SharedRead

REVISION_SQL = "SELECT revision FROM access_revision WHERE id = 1"


class RevisionRead:
    """The access revision of one database (`bind`, the read engine), read afresh each time."""

    def __init__(self, bind):
        self._shared = SharedRead()
        self._held = None if is_sqlite(bind.url) else HeldConnection(bind)

    def read(self, session):
        """The revision (None while its row is missing), from a read that began after this
        call did; `session()` is the request's database session on `bind`, if one is needed."""
        return self._shared.read(lambda: self._fetch(session))

    def _fetch(self, session):
        if self._held is not None:
            found = self._held.first_value(REVISION_SQL)
            if found is not FAILED:
                return found
        return session().connection().exec_driver_sql(REVISION_SQL).scalar()


# What HeldConnection.first_value answers when the statement could not be run.
FAILED = object()
# Connections a process inherited through a fork: kept, never used.
_INHERITED = []


class HeldConnection:
    """One DBAPI connection to the database of `engine`, in autocommit, opened on first use by
    the process that uses it (a connection inherited through a fork is left to its owner) and
    closed when it fails or when this object is collected."""

    def __init__(self, engine):
        self._engine = engine
        self._connection = None
        self._pid = None
        self._closer = None

    def first_value(self, sql):
        """The first column of the first row of `sql` (None without rows), or FAILED."""
        try:
            cursor = self._open().cursor()
            try:
                cursor.execute(sql)
                row = cursor.fetchone()
            finally:
                cursor.close()
        except self._engine.dialect.loaded_dbapi.Error:
            self.close()
            return FAILED
        return None if row is None else row[0]

    def _open(self):
        if self._connection is not None and self._pid == os.getpid():
            return self._connection
        self.close()
        dialect = self._engine.dialect
        args, keywords = dialect.create_connect_args(self._engine.url)
        connection = dialect.connect(*args, **keywords)
        connection.autocommit = True
        self._connection, self._pid = connection, os.getpid()
        self._closer = weakref.finalize(self, connection.close)
        return connection

    def close(self):
        """Close the connection; one inherited through a fork is kept unused instead (closing
        or freeing it here would end the parent's session on the server)."""
        connection, self._connection = self._connection, None
        if connection is None:
            return
        if self._pid == os.getpid():
            self._closer()
        else:
            self._closer.detach()
            _INHERITED.append(connection)
