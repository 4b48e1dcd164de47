"""One counter that every change to who may do what moves on: a token revoked or deleted, a
user changed (role, `active`, name) or deleted, a site assignment added or removed.

Database triggers move it, in the transaction of the change, so that nothing (a service,
a script, an administrator's SQL) can change access without it. A web worker keeps the
tokens it has looked up, with the counter read in the same statement; each request reads
the counter again, and a changed counter drops what the worker kept (auth.TokenCache).
"""
from sqlalchemy import DDL, event
from sqlmodel import Field, SQLModel

# The tables whose changes move the counter, and which changes (a new token or a new user
# changes nothing a worker kept).
WATCHED = {"api_tokens": ("UPDATE", "DELETE"), "users": ("UPDATE", "DELETE"),
           "user_sites": ("INSERT", "UPDATE", "DELETE")}
BUMP = "UPDATE access_revision SET revision = revision + 1 WHERE id = 1"


class AccessRevision(SQLModel, table=True):
    __tablename__ = "access_revision"

    id: int = Field(default=1, primary_key=True)
    revision: int = 0


def trigger_ddl(dialect):
    """The statements that create the counter's row and triggers, for `dialect`."""
    statements = ["INSERT INTO access_revision (id, revision) VALUES (1, 0)"]
    if dialect == "postgresql":
        statements.append(
            "CREATE FUNCTION bump_access_revision() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN {BUMP}; RETURN NULL; END $$")
        statements += [
            f"CREATE TRIGGER {table}_access_revision AFTER {' OR '.join(changes)} ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION bump_access_revision()"
            for table, changes in WATCHED.items()]
    else:
        statements += [
            f"CREATE TRIGGER {table}_{change.lower()}_access_revision AFTER {change} ON {table} "
            f"BEGIN {BUMP}; END"
            for table, changes in WATCHED.items() for change in changes]
    return statements


@event.listens_for(SQLModel.metadata, "after_create")
def _create_triggers(metadata, connection, **kw):
    """metadata.create_all (the SQLite databases of the tests) gets them too; Alembic's
    migration creates them on databases it builds."""
    created = {table.name for table in kw.get("tables") or ()}
    if "access_revision" in created:
        for statement in trigger_ddl(connection.dialect.name):
            connection.execute(DDL(statement))
