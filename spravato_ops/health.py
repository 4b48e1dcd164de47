"""Health for load balancers and orchestrators: /healthz (the process answers) and /readyz
(the database answers and its schema is at the newest migration). No login: they say nothing
of patients."""
from flask import Blueprint, current_app, jsonify
from sqlalchemy.exc import SQLAlchemyError

from . import migrate
from .db import READ_ENGINE_KEY

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """The process is up; the database is not touched."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    """200 when the database answers and is migrated to head; else 503 with the reason."""
    head = migrate.head_revision()
    try:
        with current_app.extensions[READ_ENGINE_KEY].connect() as connection:
            revision = migrate.current_revision(connection)
    except SQLAlchemyError as exc:
        cause = getattr(exc, "orig", None) or exc
        return _not_ready(f"database unreachable ({type(cause).__name__})", head=head)
    if revision != head:
        return _not_ready(f"database at migration {revision or 'none'}, not at head {head}: "
                          "run `flask --app wsgi db upgrade`", head=head, revision=revision)
    return jsonify(status="ready", revision=revision)


def _not_ready(reason, **facts):
    response = jsonify(status="unavailable", reason=reason, **facts)
    response.status_code = 503
    return response


def init_app(app):
    app.register_blueprint(bp)
