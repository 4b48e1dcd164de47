"""Create and migrate the database schema with Alembic."""
import os

from alembic import command
from alembic.config import Config

from .db import get_engine

MIGRATIONS = os.path.join(os.path.dirname(__file__), "migrations")


def alembic_config(app, connection=None):
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    config.set_main_option("sqlalchemy.url",
                           get_engine(app).url.render_as_string(False).replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(app, revision="head"):
    """Bring the schema to `revision` (default: the newest)."""
    with get_engine(app).begin() as connection:
        command.upgrade(alembic_config(app, connection), revision)


def downgrade(app, revision):
    with get_engine(app).begin() as connection:
        command.downgrade(alembic_config(app, connection), revision)


def revision(app, message, autogenerate=True):
    with get_engine(app).begin() as connection:
        command.revision(alembic_config(app, connection), message=message,
                         autogenerate=autogenerate)


def current(app):
    with get_engine(app).begin() as connection:
        command.current(alembic_config(app, connection))
