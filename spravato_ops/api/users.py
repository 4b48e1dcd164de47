"""Staff users."""
from flask import g
from flask_smorest import Blueprint

from schemas.user import UserIn, UserOut

from ..db import get_session
from ..services import users as service, views

bp = Blueprint("users", __name__, url_prefix="/api/v1/users", description="Staff users")


@bp.post("")
@bp.arguments(UserIn)
@bp.response(201, UserOut)
def create_user(data):
    """Create a staff user with a role and sites."""
    session = get_session()
    user = service.create_user(session, actor=g.current_user, **data)
    return views.user_views(session, [user])[0]


@bp.get("")
@bp.response(200, UserOut(many=True))
def list_users():
    return views.all_user_views(get_session())


@bp.get("/me")
@bp.response(200, UserOut)
def me():
    """The user the bearer token belongs to."""
    return views.user_views(get_session(), [g.current_user])[0]
