"""The front-desk board: every role may read it; it carries nothing clinical."""
from flask_smorest import Blueprint

from schemas.board import BoardQuery, BoardRowOut

from ..db import get_session
from ..services import board as service

bp = Blueprint("board", __name__, url_prefix="/api/v1/board", description="Front-desk board")


@bp.get("")
@bp.arguments(BoardQuery, location="query")
@bp.response(200, BoardRowOut(many=True))
def get_board(query):
    """Today's (site-local) sessions by chair: state and discharge readiness, no clinical data."""
    return service.board(get_session(), site_id=query["site_id"])
