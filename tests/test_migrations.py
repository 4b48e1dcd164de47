"""Alembic's migrations build exactly the schema the models describe, and each one's
downgrade undoes it, on SQLite and on PostgreSQL."""
import importlib.util
import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import delete, inspect, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import SQLModel, select

from spravato_ops import create_app, migrate
from spravato_ops.db import get_engine
from spravato_ops.models import SessionFacts

from .conftest import POSTGRES_URL
from .readback import rows
from .report_dataset import keep_facts_of_the_ended, seed_fortnight

FACTS_REVISION = "5186c7cd83f7_session_report_facts"


@pytest.fixture
def fresh_sqlite_app(tmp_path):
    """An application on a new, empty SQLite file (no create_all: migrations only)."""
    app = create_app({"TESTING": True, "SECRET_KEY": "test",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'migrated.sqlite'}"})
    yield app
    get_engine(app).dispose()


def head_revision():
    return ScriptDirectory(migrate.MIGRATIONS).get_current_head()


def schema_differences(app):
    with get_engine(app).connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, SQLModel.metadata)


def stamped_revision(app):
    with get_engine(app).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def test_upgrade_on_an_empty_sqlite_file_matches_the_models(fresh_sqlite_app):
    migrate.upgrade(fresh_sqlite_app)
    assert schema_differences(fresh_sqlite_app) == []
    assert stamped_revision(fresh_sqlite_app) == head_revision()


@pytest.mark.postgres_only
def test_migrated_postgresql_database_matches_the_models(app):
    """In PostgreSQL mode the session's test database was migrated from empty by conftest."""
    assert schema_differences(app) == []
    assert stamped_revision(app) == head_revision()


def test_migrated_audit_trail_is_append_only(fresh_sqlite_app):
    migrate.upgrade(fresh_sqlite_app)
    with get_engine(fresh_sqlite_app).begin() as connection:
        connection.execute(text("INSERT INTO audit_events (at, action, entity) "
                                "VALUES ('2025-01-01', 'create', 'site')"))
    for statement in ("UPDATE audit_events SET action = 'x'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError, match="append-only"):
            with get_engine(fresh_sqlite_app).begin() as connection:
                connection.execute(text(statement))


@pytest.fixture
def empty_app(request, tmp_path):
    """An application on an empty database of the run's kind: a new SQLite file, or the
    PostgreSQL test database with its schema dropped (migrated back to head afterwards)."""
    if not POSTGRES_URL:
        yield request.getfixturevalue("fresh_sqlite_app")
        return
    app = request.getfixturevalue("app")
    engine = get_engine(app)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    yield app
    engine.dispose()  # its connections prepared statements on tables now gone
    migrate.upgrade(app)


def revisions_in_order():
    script = ScriptDirectory(migrate.MIGRATIONS)
    return [revision.revision for revision in reversed(list(script.walk_revisions()))]


def table_names(app):
    return set(inspect(get_engine(app)).get_table_names()) - {"alembic_version"}


def test_each_migration_upgrades_downgrades_and_upgrades_again(empty_app):
    """On both databases: every revision's downgrade undoes its upgrade, from empty."""
    previous = "base"
    for revision in revisions_in_order():
        migrate.upgrade(empty_app, revision)
        migrated = table_names(empty_app)
        migrate.downgrade(empty_app, previous)
        assert stamped_revision(empty_app) == (None if previous == "base" else previous)
        migrate.upgrade(empty_app, revision)
        assert stamped_revision(empty_app) == revision
        assert table_names(empty_app) == migrated
        previous = revision
    assert schema_differences(empty_app) == []


def test_downgrade_to_base_with_data_and_up_again(empty_app):
    """The demo clinic in every table; down one revision at a time to nothing, and up again."""
    migrate.upgrade(empty_app)
    seeded = empty_app.test_cli_runner().invoke(args=["seed-demo"])
    assert seeded.exit_code == 0, seeded.output
    get_engine(empty_app).dispose()  # the command's session let go of its connection
    for previous in ["base", *revisions_in_order()][-2::-1]:
        migrate.downgrade(empty_app, previous)
    assert table_names(empty_app) == set()
    for revision in revisions_in_order():
        migrate.upgrade(empty_app, revision)
    assert schema_differences(empty_app) == []
    assert stamped_revision(empty_app) == head_revision()


def test_flask_db_upgrade_is_idempotent(fresh_sqlite_app):
    runner = fresh_sqlite_app.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(args=["db", "upgrade"])
        assert result.exit_code == 0, result.output
        assert "Database at head." in result.output
    assert stamped_revision(fresh_sqlite_app) == head_revision()
    assert schema_differences(fresh_sqlite_app) == []
    tables = set(inspect(get_engine(fresh_sqlite_app)).get_table_names())
    assert {table.name for table in SQLModel.metadata.sorted_tables} <= tables


def revision_module(name):
    """A migration's module, loaded from its file (its name starts with a digit)."""
    path = os.path.join(migrate.MIGRATIONS, "versions", f"{name}.py")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_report_facts_migration_fills_in_what_the_services_keep(db, make):
    """Its backfill of the ended sessions' facts (a fortnight of corrections, sedation,
    dissociation, rises, a withheld, a cancelled and a no-show session) matches report_facts."""
    seed_fortnight(make)
    keep_facts_of_the_ended(db)
    by_session = select(SessionFacts).order_by(SessionFacts.session_id)
    kept = [row.model_dump() for row in rows(db, by_session)]
    db.exec(delete(SessionFacts))
    db.exec(text(revision_module(FACTS_REVISION).backfill_sql(db.get_bind().dialect.name)))
    db.commit()
    assert len(kept) == 12  # all but the one still booked
    assert [row.model_dump() for row in rows(db, by_session)] == kept
