"""A fresh database per test, on SQLite by default or on SPRAVATO_TEST_DATABASE_URL."""
import os

import pytest
from sqlalchemy import text
from sqlmodel import Session, SQLModel

from spravato_ops import create_app, migrate
from spravato_ops.db import get_engine, is_sqlite

from . import factories

POSTGRES_URL = os.environ.get("SPRAVATO_TEST_DATABASE_URL")


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
    # The suite logs in many times from one address: the login throttle has tests of its own.
    return {"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False,
            "DATABASE_POOL_SIZE": 25, "DATABASE_MAX_OVERFLOW": 5, "RATELIMIT_ENABLED": False}


@pytest.fixture(scope="session")
def postgres_schema():
    """Migrate the PostgreSQL test database once, from empty, with Alembic."""
    if not POSTGRES_URL:
        return None
    app = create_app(_test_config(POSTGRES_URL))
    with get_engine(app).begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(app)
    get_engine(app).dispose()
    return POSTGRES_URL


def _truncate_all(engine):
    tables = ", ".join(t.name for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture
def app_settings():
    """Settings that a test module adds to the test configuration: override this fixture."""
    return {}


@pytest.fixture
def app(tmp_path, postgres_schema, app_settings):
    """The application on an empty database of its own."""
    url = postgres_schema or f"sqlite:///{tmp_path / 'test.sqlite'}"
    app = create_app({**_test_config(url), **app_settings})
    engine = get_engine(app)
    if is_sqlite(url):
        SQLModel.metadata.create_all(engine)
    else:
        _truncate_all(engine)
    yield app
    engine.dispose()


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
