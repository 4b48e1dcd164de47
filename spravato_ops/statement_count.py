"""Count the statements an engine sends to the database, transaction control included.

psycopg sends BEGIN on its own before a transaction's first statement, and SQLite's
BEGIN IMMEDIATE (db.py) is sent from the `begin` event, so BEGIN, COMMIT and ROLLBACK
are counted from the engine's transaction events, not from the cursor; connections in
autocommit (the PostgreSQL read engine) send none of them and are not counted for them.
Listeners on an engine also hear the engines derived from it by `execution_options`.
The rows each query returns are counted as they are fetched (`rows_read`): a sweep that
reads every row of a table shows up here even when its statement count stays flat.
The access revision's own connection on PostgreSQL (revision_read) belongs to no engine: its
statement is not counted.
"""
from dataclasses import dataclass, field

from sqlalchemy import event

TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK")


def _is_autocommit(connection):
    return connection.get_execution_options().get("isolation_level") == "AUTOCOMMIT"


class _CountingCursor:
    """A DBAPI cursor that adds the rows fetched from it to `counts[index]`."""

    def __init__(self, cursor, counts, index):
        self._cursor, self._counts, self._index = cursor, counts, index

    def _tally(self, rows):
        self._counts[self._index] += len(rows)
        return rows

    def fetchone(self):
        row = self._cursor.fetchone()
        if row is not None:
            self._counts[self._index] += 1
        return row

    def fetchmany(self, *size):
        return self._tally(self._cursor.fetchmany(*size))

    def fetchall(self):
        return self._tally(self._cursor.fetchall())

    def __getattr__(self, name):
        return getattr(self._cursor, name)


@dataclass
class StatementCount:
    """The statements seen while attached, in order; BEGIN/COMMIT/ROLLBACK as those words."""

    engine: object
    statements: list = field(default_factory=list)
    rows: dict = field(default_factory=dict)  # position in `statements` -> rows fetched

    @property
    def total(self):
        return len(self.statements)

    @property
    def queries(self):
        """The statements other than BEGIN, COMMIT and ROLLBACK."""
        return [s for s in self.statements if s not in TRANSACTION_CONTROL]

    def in_transactions(self):
        """The statements of each transaction, BEGIN to COMMIT or ROLLBACK, as lists."""
        found, current = [], None
        for statement in self.statements:
            if statement == "BEGIN":
                current = []
            if current is not None:
                current.append(statement)
                if statement in ("COMMIT", "ROLLBACK"):
                    found.append(current)
                    current = None
        return found

    @property
    def rows_read(self):
        """Rows fetched from the database by every query seen, in all."""
        return sum(self.rows.values())

    def reset(self):
        self.statements.clear()
        self.rows.clear()

    def _statement(self, _conn, _cursor, statement, _parameters, _context, _executemany):
        if not statement.lstrip().upper().startswith("BEGIN"):
            self.statements.append(statement)

    def _count_rows(self, _conn, cursor, statement, _parameters, context, executemany):
        """Count the rows of a query as the result fetches them (through its context)."""
        if executemany or context is None or context.cursor is not cursor:
            return
        if cursor.description is None:
            return  # no rows to read (an INSERT, UPDATE or DDL without RETURNING)
        index = len(self.statements) - 1
        self.rows[index] = 0
        context.cursor = _CountingCursor(cursor, self.rows, index)

    def _control(self, word):
        def listener(connection):
            if not _is_autocommit(connection):
                self.statements.append(word)
        return listener

    def __post_init__(self):
        self._listeners = [("before_cursor_execute", self._statement),
                           ("after_cursor_execute", self._count_rows)] + [
            (word.lower(), self._control(word)) for word in TRANSACTION_CONTROL]

    def __enter__(self):
        for name, listener in self._listeners:
            event.listen(self.engine, name, listener)
        return self

    def __exit__(self, *_exc):
        for name, listener in self._listeners:
            event.remove(self.engine, name, listener)
        return False
