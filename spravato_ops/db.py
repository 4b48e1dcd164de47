"""Database engine per application and one session per request, kept on `g`."""
import os

from flask import current_app, g, has_request_context, request
from sqlalchemy import create_engine, event
from sqlmodel import Session
from werkzeug.routing import IntegerConverter

from .sql_functions import add_sqlite_functions

EXTENSION_KEY = "spravato_db_engine"
READ_ENGINE_KEY = "spravato_db_read_engine"
# Requests that only read (no GET or HEAD view writes).
READ_METHODS = ("GET", "HEAD")
# The largest value an INTEGER primary key holds (PostgreSQL int4); larger ids cannot exist.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` in URLs: ids beyond what the database holds are a 404, not a driver error."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def database_url(app):
    """Return the configured database URL, defaulting to SQLite in the instance folder."""
    url = app.config.get("DATABASE_URL")
    if url:
        return url
    return "sqlite:///" + os.path.join(app.instance_path, "spravato.sqlite")


def is_sqlite(url):
    return str(url).startswith("sqlite")


def make_engine(url, pool_size=10, max_overflow=20):
    """Create an engine: SQLite serialized by immediate transactions, PostgreSQL pooled.

    Its errors never show their statement's parameters (patients' names, MRNs), so neither
    do the logs that print them.
    """
    if is_sqlite(url):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               hide_parameters=True)
        _serialize_sqlite_writes(engine)
        return engine
    return create_engine(
        url, pool_size=pool_size, max_overflow=max_overflow, pool_pre_ping=False,
        hide_parameters=True,
    )


def _serialize_sqlite_writes(engine):
    """Take SQLite's write lock at BEGIN so check-then-insert cannot interleave."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()
        add_sqlite_functions(dbapi_connection)

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def init_app(app):
    """Create the application's engine and close the request session on teardown.

    Runs before any blueprint is registered, so every `<int:...>` route uses IdConverter.
    """
    app.url_map.converters["int"] = IdConverter
    _install_engine(app, database_url(app))
    app.teardown_appcontext(close_session)


def bind(app, url):
    """Move a built application to the database at `url`, disposing of its old engine.

    Building the application is slow (every blueprint's OpenAPI document), so the tests
    build it once and bind it to a fresh database per test; production never rebinds.
    """
    previous = app.extensions.get(EXTENSION_KEY)
    app.config["DATABASE_URL"] = url
    _install_engine(app, url)
    if previous is not None:
        previous.dispose()


def _install_engine(app, url):
    from .metrics import watch_pool  # it reads the engines of this module

    engine = make_engine(
        url,
        pool_size=app.config["DATABASE_POOL_SIZE"],
        max_overflow=app.config["DATABASE_MAX_OVERFLOW"],
    )
    watch_pool(engine)
    app.extensions[EXTENSION_KEY] = engine
    app.extensions[READ_ENGINE_KEY] = read_engine(engine)


def read_engine(engine):
    """The engine for requests that only read: PostgreSQL in autocommit, SQLite unchanged.

    Under READ COMMITTED every statement reads its own snapshot anyway, so a transaction
    around reads adds only BEGIN and ROLLBACK, and psycopg drops its prepared statements
    (the server's cached plans) at every ROLLBACK.
    """
    if is_sqlite(engine.url):
        return engine
    return engine.execution_options(isolation_level="AUTOCOMMIT")


def get_engine(app=None):
    return (app or current_app).extensions[EXTENSION_KEY]


def get_session():
    """Return this request's database session, opening it on first use."""
    if "db_session" not in g:
        g.db_session = Session(_engine_for_request(), expire_on_commit=False)
    return g.db_session


def _engine_for_request():
    if has_request_context() and request.method in READ_METHODS:
        return current_app.extensions[READ_ENGINE_KEY]
    return get_engine()


def close_session(exception=None):
    session = g.pop("db_session", None)
    if session is not None:
        if exception is not None:
            session.rollback()
        session.close()
