"""Services run without Flask: a database session of their own and no application context."""
import pytest
from flask import has_app_context
from sqlmodel import Session, SQLModel

from spravato_ops.db import is_sqlite, make_engine

from ..conftest import _truncate_all


@pytest.fixture
def engine(tmp_path, postgres_schema):
    """An engine on an empty database, built without an application."""
    url = postgres_schema or f"sqlite:///{tmp_path / 'services.sqlite'}"
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
