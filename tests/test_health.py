"""/healthz answers while the process runs, database or not; /readyz only with the database
reachable and migrated to head, else 503 with the reason. Neither needs a login."""
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from spravato_ops import create_app, migrate
from spravato_ops.db import get_engine

UNREACHABLE = {
    "postgresql": "postgresql+psycopg://postgres@127.0.0.1:1/nowhere?connect_timeout=5",
    "sqlite": "sqlite:////nonexistent-directory/spravato.sqlite",
}


@pytest.fixture(params=sorted(UNREACHABLE))
def app_without_database(request):
    app = create_app({"TESTING": True, "SECRET_KEY": "health",
                      "DATABASE_URL": UNREACHABLE[request.param]})
    yield app
    get_engine(app).dispose()


def previous_revision():
    return ScriptDirectory(migrate.MIGRATIONS).get_revision(migrate.head_revision()).down_revision


@pytest.fixture
def stamped(db):
    """stamped(revision): set the database's migration mark (None: no mark); put back after."""
    def stamp(revision):
        db.execute(text("DELETE FROM alembic_version"))
        if revision is not None:
            db.execute(text("INSERT INTO alembic_version (version_num) VALUES (:revision)"),
                       {"revision": revision})
        db.commit()

    yield stamp
    stamp(migrate.head_revision())


def test_healthz_answers_without_a_login(client):
    response = client.get("/healthz")
    assert (response.status_code, response.json) == (200, {"status": "ok"})


def test_healthz_does_not_touch_the_database(app_without_database):
    assert app_without_database.test_client().get("/healthz").status_code == 200


def test_readyz_with_the_database_at_head(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "ready", "revision": migrate.head_revision()}


def test_readyz_with_the_database_down(app_without_database):
    response = app_without_database.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["status"] == "unavailable"
    assert response.json["reason"].startswith("database unreachable (OperationalError)")
    assert "nowhere" not in response.get_data(as_text=True)  # nor the URL, nor its password


def test_readyz_with_migrations_behind(client, stamped):
    stamped(previous_revision())
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["revision"] == previous_revision()
    assert "not at head" in response.json["reason"] and "db upgrade" in response.json["reason"]


def test_readyz_with_a_database_never_migrated(client, stamped):
    stamped(None)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["reason"].startswith("database at migration none")


def test_readyz_follows_the_database_back(client, stamped):
    stamped(previous_revision())
    assert client.get("/readyz").status_code == 503
    stamped(migrate.head_revision())
    assert client.get("/readyz").status_code == 200
