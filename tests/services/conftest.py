"""Services run without Flask: a database session of their own and no application context."""
import pytest
from flask import has_app_context
from sqlmodel import Session, SQLModel

from spravato_ops.db import is_sqlite, make_engine

from ..conftest import POSTGRES_URL, _truncate_all


@pytest.fixture
def engine(tmp_path, built_app):
    """An engine on an empty database, of its own, not the application's.

    `built_app` is asked for only so that the PostgreSQL schema is migrated first.
    """
    url = POSTGRES_URL or f"sqlite:///{tmp_path / 'services.sqlite'}"
    engine = make_engine(url)
    if is_sqlite(url):
        SQLModel.metadata.create_all(engine)
    else:
        _truncate_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def db(engine):
    """The session a scheduler job or a CLI command would hold; no request, no app context."""
    assert not has_app_context()
    with Session(engine, expire_on_commit=False) as session:
        yield session
