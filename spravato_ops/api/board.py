"""The front-desk board: every role may read it; it carries nothing clinical.

Many screens ask for it every few seconds: each web worker makes a site's board at most once
in BOARD_CACHE_SECONDS, and answers 304 to a client that sends the ETag it already has.
"""
from flask import current_app, request
from flask_smorest import Blueprint
from werkzeug.http import generate_etag

from schemas.board import BoardQuery, BoardRowOut

from ..db import get_session
from ..services import board as service
from ..short_cache import ShortCache

bp = Blueprint("board", __name__, url_prefix="/api/v1/board", description="Front-desk board")
CACHE_KEY = "spravato_board_cache"
ROWS = BoardRowOut(many=True)


@bp.get("")
@bp.arguments(BoardQuery(), location="query")
@bp.response(200, BoardRowOut(many=True))
@bp.alt_response(304, description="Not modified: the board is the one of the ETag sent.")
def get_board(query):
    """Today's (site-local) sessions by chair: state and discharge readiness, no clinical data.

    May be up to BOARD_CACHE_SECONDS (default 2) old. Send `If-None-Match` with the ETag of
    the board you have to get 304 when it has not changed."""
    site_id = query["site_id"]
    body, etag = current_app.extensions[CACHE_KEY].get(site_id, lambda: _board_json(site_id))
    response = current_app.response_class(body, mimetype="application/json")
    response.set_etag(etag)
    return response.make_conditional(request)


def _board_json(site_id):
    """The site's board as JSON, with its ETag (of the body, made once with it)."""
    body = current_app.json.dumps(ROWS.dump(service.board(get_session(), site_id=site_id)))
    return body, generate_etag(body.encode())


def init_cache(app):
    app.extensions[CACHE_KEY] = ShortCache(app.config["BOARD_CACHE_SECONDS"])
