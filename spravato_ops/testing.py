"""Test-only controls for a server run in its own process by the browser tests.

Registered only when the configuration sets CLOCK_CONTROL together with TESTING; a
production application never has these routes.
"""
from flask import Blueprint, jsonify, request

from . import clock

bp = Blueprint("testing", __name__, url_prefix="/__testing__")


@bp.put("/clock")
def move_clock():
    """Set this server's clock offset from the real time: `{"offset_seconds": 900}`."""
    offset = (request.get_json(silent=True) or {}).get("offset_seconds")
    if not isinstance(offset, (int, float)) or isinstance(offset, bool):
        return jsonify(message="offset_seconds must be a number."), 422
    clock.set_offset(offset)
    return jsonify(offset_seconds=offset, now=clock.utcnow().isoformat())


def init_app(app):
    if app.config.get("CLOCK_CONTROL") and app.config.get("TESTING"):
        app.register_blueprint(bp)
        from .auth import csrf

        csrf.exempt(bp)
