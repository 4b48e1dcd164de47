"""Create and migrate the database schema with Alembic."""
import contextlib
import functools
import os

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from .db import get_engine, is_sqlite

MIGRATIONS = os.path.join(os.path.dirname(__file__), "migrations")


def alembic_config(app=None, connection=None):
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    if app is not None:
        config.set_main_option("sqlalchemy.url",
                               get_engine(app).url.render_as_string(False).replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@contextlib.contextmanager
def migrating(app):
    """A connection in one transaction for a migration.

    On SQLite, foreign keys are off meanwhile: Alembic's batch mode copies a table into a new
    one and drops the old, which the rows of other tables still reference. Whether every
    reference still holds is checked before the commit.
    """
    engine = get_engine(app)
    with engine.connect() as connection:
        sqlite = connection.connection.driver_connection if is_sqlite(engine.url) else None
        if sqlite is not None:
            sqlite.execute("PRAGMA foreign_keys=OFF")  # outside a transaction, or ignored
        try:
            with connection.begin():
                yield connection
                if sqlite is not None:
                    _refuse_broken_references(connection)
        finally:
            if sqlite is not None:
                sqlite.execute("PRAGMA foreign_keys=ON")


def _refuse_broken_references(connection):
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"The migration leaves rows referring to nothing: {broken[:5]}")


def upgrade(app, revision="head"):
    """Bring the schema to `revision` (default: the newest)."""
    with migrating(app) as connection:
        command.upgrade(alembic_config(app, connection), revision)


def downgrade(app, revision):
    with migrating(app) as connection:
        command.downgrade(alembic_config(app, connection), revision)


def revision(app, message, autogenerate=True):
    with get_engine(app).begin() as connection:
        command.revision(alembic_config(app, connection), message=message,
                         autogenerate=autogenerate)


def current(app):
    with get_engine(app).begin() as connection:
        command.current(alembic_config(app, connection))


@functools.cache
def head_revision():
    """The newest migration of this code."""
    return ScriptDirectory(MIGRATIONS).get_current_head()


def current_revision(connection):
    """The migration the database is at (None: not migrated)."""
    return MigrationContext.configure(connection).get_current_revision()


def stamp_head(connection):
    """Mark a schema made from the models (create_all) as being at head."""
    command.stamp(alembic_config(connection=connection), "head")
