"""Command line: `users create` and `init-db`."""
import pytest
from alembic.migration import MigrationContext
from argon2 import PasswordHasher
from sqlalchemy import inspect
from sqlmodel import select

from spravato_ops import create_app
from spravato_ops.db import get_engine
from spravato_ops.models import User, UserSite

from .readback import count, rows


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def create_user(runner, *extra, email="ops@example.org", password="a long secret"):
    return runner.invoke(args=["users", "create", "--email", email, "--role", "admin",
                               "--password", password, *extra])


def test_users_create(runner, db, make):
    site = make.site()
    result = create_user(runner, "--name", "Ops Lead", "--site-id", str(site.id),
                         email="Ops@Example.org")
    assert result.exit_code == 0, result.output
    assert "Created user" in result.output and "ops@example.org" in result.output
    [user] = rows(db, select(User).where(User.email == "ops@example.org"))
    assert (user.name, user.role, user.active) == ("Ops Lead", "admin", True)
    assert user.password_hash.startswith("$argon2")
    assert PasswordHasher().verify(user.password_hash, "a long secret")
    [link] = rows(db, select(UserSite).where(UserSite.user_id == user.id))
    assert link.site_id == site.id


def test_users_create_names_the_user_after_the_email(runner, db):
    assert create_user(runner, email="j.doe@example.org").exit_code == 0
    [user] = rows(db, select(User))
    assert user.name == "j.doe"


def _assert_clean_failure(result, *fragments):
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit), result.exception
    for fragment in fragments:
        assert fragment in result.output, result.output


def test_duplicate_email_is_a_clear_error(runner, db):
    assert create_user(runner).exit_code == 0
    result = create_user(runner, email="OPS@example.org")
    _assert_clean_failure(result, "already exists")
    assert count(db, User) == 1


@pytest.mark.parametrize(("extra", "password", "email", "fragment"), [
    ((), "short", "ops@example.org", "--password"),
    ((), "a long secret", "not-an-email", "--email"),
    (("--site-id", "4242"), "a long secret", "ops@example.org", "--site-id"),
    (("--role", "owner"), "a long secret", "ops@example.org", "--role"),
])
def test_invalid_users_create_is_a_clear_error(runner, db, extra, password, email, fragment):
    result = create_user(runner, *extra, email=email, password=password)
    _assert_clean_failure(result, fragment)
    assert count(db, User) == 0


def test_init_db_creates_the_schema_and_can_run_again(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "test",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite'}"})
    runner = app.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(args=["init-db"])
        assert result.exit_code == 0, result.output
        assert "Database at head." in result.output
    engine = get_engine(app)
    assert {"users", "sites", "patients", "audit_events"} <= set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() is not None
    engine.dispose()
