"""One application per test process and a fresh database per test: SQLite, or PostgreSQL."""
import contextlib
import itertools
import os
import shutil

import pytest
from sqlalchemy import create_engine, event, make_url, text
from sqlmodel import Session, SQLModel

from spravato_ops import create_app, migrate
from spravato_ops.db import bind, get_engine, make_engine

from . import factories


def _database_of_this_process(url):
    """The PostgreSQL database of this test process: the one named, or under pytest-xdist a
    database of each worker's own beside it (test_gw0, test_gw1, ...), created when missing,
    so that workers never empty each other's tables. Processes a test starts are given the
    same (they take the URL from the test's engine)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    named = make_url(url)
    own = named.set(database=f"{named.database}_{worker}")
    server = create_engine(named.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                    {"name": own.database}).first()
        if exists is None:
            connection.execute(text(f'CREATE DATABASE "{own.database}"'))
    server.dispose()
    return own.render_as_string(hide_password=False)


POSTGRES_URL = _database_of_this_process(os.environ.get("SPRAVATO_TEST_DATABASE_URL"))
# What SQLite keeps beside a database file in WAL mode.
SIDE_FILES = ("-wal", "-shm")
# PostgreSQL connections kept open between tests: the test's session and a request's.
IDLE_CONNECTIONS_KEPT = 2


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "own_app: the test changes the application's setup (adds a route, a handler),"
        " so it gets an application of its own rather than the shared one")


def pytest_collection_modifyitems(config, items):
    """Tests marked postgres_only are skipped on SQLite, and only there: `.ci/run` fails a
    PostgreSQL run that skips anything."""
    if POSTGRES_URL:
        return
    skip = pytest.mark.skip(reason="PostgreSQL only (set SPRAVATO_TEST_DATABASE_URL)")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


def _test_config(url):
    # The suite logs in many times from one address: the login throttle has tests of its own;
    # so have the board's short cache and the alert streams' shared polls (tests read them
    # right after a change, with the clock frozen).
    return {"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False,
            "DATABASE_POOL_SIZE": 25, "DATABASE_MAX_OVERFLOW": 5, "RATELIMIT_ENABLED": False,
            "BOARD_CACHE_SECONDS": 0, "ALERT_STREAM_SHARED_SECONDS": 0}


@pytest.fixture(scope="session")
def built_app():
    """The application, built once per test process (building it is the slow part).

    On PostgreSQL its database is migrated once, from empty, with Alembic; on SQLite each
    test binds it to a file of its own (see `app`).
    """
    app = create_app(_test_config(POSTGRES_URL or "sqlite://"))
    if POSTGRES_URL:
        _migrate_from_empty(app)
    yield app
    get_engine(app).dispose()


def _migrate_from_empty(app):
    with get_engine(app).begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(app)


@pytest.fixture(scope="session")
def sqlite_files(tmp_path_factory):
    """Per test process: a template SQLite file with the schema, and names for its copies."""
    if POSTGRES_URL:
        return None
    folder = tmp_path_factory.mktemp("databases")
    template = folder / "template.sqlite"
    engine = make_engine(f"sqlite:///{template}")
    SQLModel.metadata.create_all(engine)
    with engine.begin() as connection:  # the models' schema is the newest migration's
        migrate.stamp_head(connection)
    # Closing the last connection checkpoints the write-ahead log into the file, so a copy
    # of the file alone holds the whole schema.
    engine.dispose()
    names = (folder / f"test-{n}.sqlite" for n in itertools.count(1))
    return template, names


def _truncate_all(engine):
    """Empty every table but the access revision's one row (it only ever counts up)."""
    tables = ", ".join(t.name for t in SQLModel.metadata.sorted_tables
                       if t.name != "access_revision")
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture
def app_settings():
    """Settings that a test module adds to the test configuration: override this fixture."""
    return {}


@pytest.fixture
def app(request, built_app, sqlite_files, app_settings):
    """The shared application on an empty database of this test's own.

    Whatever the test changes in `app.config` is put back afterwards. A test marked own_app,
    or given app_settings (read when the application is built), gets an application built
    for it alone instead.
    """
    if request.node.get_closest_marker("own_app") or app_settings:
        yield from _own_app(sqlite_files, app_settings)
        return
    with _empty_database(built_app, sqlite_files):
        config = dict(built_app.config)
        yield built_app
        built_app.config.clear()
        built_app.config.update(config)


def _own_app(sqlite_files, settings):
    app = create_app({**_test_config(POSTGRES_URL or "sqlite://"), **settings})
    with _empty_database(app, sqlite_files):
        yield app
    get_engine(app).dispose()


@contextlib.contextmanager
def _empty_database(app, sqlite_files):
    """Give `app` an empty database: a copy of the template file, or the emptied tables."""
    if sqlite_files is None:
        engine = get_engine(app)
        _truncate_all(engine)
        yield
        # Connections are kept from test to test, but not a concurrency test's many: the
        # server's connection limit is shared with everything else that uses it.
        if engine.pool.checkedin() > IDLE_CONNECTIONS_KEPT:
            engine.dispose()
        return
    template, names = sqlite_files
    database = next(names)
    shutil.copyfile(template, database)
    bind(app, f"sqlite:///{database}")
    _skip_fsync(get_engine(app))
    try:
        yield
    finally:
        get_engine(app).dispose()
        _remove_sqlite_file(database)


def _skip_fsync(engine):
    """Let SQLite commit without waiting for the disk: the file is thrown away after the test.

    Locking and transactions are unchanged; only durability across a power cut is given up.
    """
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA synchronous=OFF")


def _remove_sqlite_file(database):
    for path in (database, *(database.with_name(database.name + end) for end in SIDE_FILES)):
        path.unlink(missing_ok=True)


@pytest.fixture
def db(app):
    """A database session for arranging and checking records outside requests."""
    with Session(get_engine(app), expire_on_commit=False) as session:
        yield session


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make(db):
    """Factories bound to this test's database: make.site(), make.patient(), ..."""
    return factories.Factories(db)


@pytest.fixture
def auth(make):
    """auth("nurse") -> headers with a bearer token of a new user of that role."""
    return make.auth_headers
