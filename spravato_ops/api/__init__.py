"""The JSON API under /api/v1: flask-smorest builds the OpenAPI document from the schemas."""
from flask import send_from_directory
from flask_smorest import Api
from swagger_ui_bundle import swagger_ui_path

from schemas.common import ErrorSchema

from ..auth import csrf
from . import (
    alerts, audit, auth, board, courses, fhir, patients, reminders, rems_forms, reports,
    sessions, sites, users, workflow,
)
from .common import refuse_unsafe_input


class ClinicApi(Api):
    """Document every error response as the body errors.py sends (with `violations`)."""

    ERROR_SCHEMA = ErrorSchema


api = ClinicApi()
BLUEPRINTS = [auth.bp, sites.bp, users.bp, patients.bp, courses.bp, audit.bp, workflow.bp,
              alerts.bp, board.bp, sessions.bp, reminders.bp, fhir.bp, rems_forms.bp,
              reports.bp]


def serve_docs_asset(filename):
    """Swagger UI's files come from the installed package: clinics may have no internet."""
    return send_from_directory(swagger_ui_path, filename)


def init_app(app):
    app.before_request(refuse_unsafe_input)
    board.init_cache(app)
    alerts.init_app(app)
    api.init_app(app)
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
        csrf.exempt(blueprint)
    app.add_url_rule("/api/v1/docs/assets/<path:filename>", "docs_assets", serve_docs_asset)
