"""`flask --app wsgi backup FILE` and `restore FILE` on the database of the run (SQLite or
PostgreSQL): the demo clinic backed up, the database wiped, restored, every row of every
table as it was; a file that is no backup is refused and changes nothing."""
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlmodel import select

from spravato_ops import backup, migrate
from spravato_ops.db import get_engine, is_sqlite
from spravato_ops.models import Site

from .conftest import SIDE_FILES
from .readback import count, rows


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def seeded(runner, db):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    db.close()  # hold no lock on the tables a restore replaces
    return db


@pytest.fixture
def rebuild_if_broken(app):
    """On PostgreSQL the run's database is shared by every test: never leave it without tables."""
    yield
    get_engine(app).dispose()
    migrate.upgrade(app)


def every_row(engine):
    """{table: its rows, sorted} for every table in the database, alembic_version included."""
    with engine.connect() as connection:
        return {name: sorted(map(repr, connection.execute(text(f'SELECT * FROM "{name}"'))))
                for name in inspect(connection).get_table_names()}


def wipe(engine):
    """Leave nothing: PostgreSQL's schema dropped (tables, sequences, extension), SQLite's
    file deleted."""
    engine.dispose()
    if is_sqlite(engine.url):
        for end in ("", *SIDE_FILES):
            Path(engine.url.database + end).unlink(missing_ok=True)
        return
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def test_backup_wipe_restore_gives_back_every_row(app, runner, seeded, make, tmp_path,
                                                  rebuild_if_broken):
    engine = get_engine(app)
    before = every_row(engine)
    assert before["sessions"] and before["reminders"] and before["audit_events"]
    assert before["alembic_version"] == [repr((migrate.head_revision(),))]
    file = tmp_path / "clinic.backup"
    made = runner.invoke(args=["backup", str(file)])
    assert made.exit_code == 0, made.output
    assert file.stat().st_size > 0
    wipe(engine)
    assert every_row(engine) == {}
    restored = runner.invoke(args=["restore", "--yes", str(file)])
    assert restored.exit_code == 0, restored.output
    assert f"at migration {migrate.head_revision()}" in restored.output
    assert every_row(engine) == before
    last_site = max(site.id for site in rows(seeded, select(Site)))
    assert make.site().id > last_site  # ids go on from where they were


def test_a_file_that_is_no_backup_is_refused_and_changes_nothing(app, runner, seeded, tmp_path,
                                                                 rebuild_if_broken):
    before = every_row(get_engine(app))
    bogus = tmp_path / "notes.txt"
    bogus.write_text("this is not a backup\n" * 100)
    result = runner.invoke(args=["restore", "--yes", str(bogus)])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "failed" in result.output or "not a database" in result.output, result.output
    assert every_row(get_engine(app)) == before


def test_restore_asks_before_replacing_the_database(app, runner, seeded, tmp_path):
    file = tmp_path / "clinic.backup"
    assert runner.invoke(args=["backup", str(file)]).exit_code == 0
    sites = count(seeded, Site)
    answered_no = runner.invoke(args=["restore", str(file)], input="n\n")
    assert answered_no.exit_code != 0 and "Replace everything" in answered_no.output
    assert count(seeded, Site) == sites


def test_the_password_goes_in_the_environment_not_the_command_line(monkeypatch, tmp_path):
    seen = {}

    def run(arguments, env, **_):
        seen.update(arguments=arguments, env=env)
        return subprocess.CompletedProcess(arguments, 0, "", "")

    monkeypatch.setattr(backup.subprocess, "run", run)
    backup.backup("postgresql+psycopg://clinic:s3cret%21@db.example:6543/ops?sslmode=require",
                  tmp_path / "x.backup")
    assert seen["arguments"][:2] == ["pg_dump", "--format=custom"]
    assert seen["arguments"][-1] == (
        "--dbname=postgresql://clinic@db.example:6543/ops?sslmode=require")
    assert "s3cret" not in " ".join(seen["arguments"]) and seen["env"]["PGPASSWORD"] == "s3cret!"


def test_an_in_memory_database_cannot_be_backed_up(tmp_path):
    with pytest.raises(backup.BackupFailed, match="in-memory"):
        backup.backup("sqlite://", tmp_path / "x.backup")
