"""Read the database from a test without holding it: every read ends its transaction.

SQLite sessions begin with BEGIN IMMEDIATE (spravato_ops.db), so a test's session left
inside a read transaction would lock out the application's next write.
"""
from sqlmodel import SQLModel, func, select


def rows(db, statement):
    """Return all results of `statement` as stored now, then end the read transaction.

    populate_existing: objects the test already holds are refreshed, not served stale.
    """
    found = db.exec(statement.execution_options(populate_existing=True)).all()
    db.commit()
    return found


def count(db, table):
    """Return the number of rows of a table (a model class or a Table)."""
    table = getattr(table, "__table__", table)
    found = db.exec(select(func.count()).select_from(table)).one()
    db.commit()
    return found


def everything(db):
    """Return every row of every table, to show that a request wrote nothing."""
    content = {}
    for table in SQLModel.metadata.sorted_tables:
        result = db.connection().execute(table.select().order_by(*table.primary_key.columns))
        content[table.name] = [tuple(row) for row in result]
    db.commit()
    return content
