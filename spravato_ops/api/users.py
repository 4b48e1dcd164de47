"""Staff users."""
from flask import g
from flask_smorest import Blueprint
from sqlmodel import select

from schemas.user import UserIn, UserOut

from ..db import get_session
from ..models import User
from ..services import users as service

bp = Blueprint("users", __name__, url_prefix="/api/v1/users", description="Staff users")


def user_view(session, user):
    return dict(user.model_dump(), site_ids=service.site_ids_of(session, user))


@bp.post("")
@bp.arguments(UserIn)
@bp.response(201, UserOut)
def create_user(data):
    """Create a staff user with a role and sites."""
    session = get_session()
    return user_view(session, service.create_user(session, actor=g.current_user, **data))


@bp.get("")
@bp.response(200, UserOut(many=True))
def list_users():
    session = get_session()
    return [user_view(session, user) for user in session.exec(select(User).order_by(User.id))]


@bp.get("/me")
@bp.response(200, UserOut)
def me():
    """The user the bearer token belongs to."""
    return user_view(get_session(), g.current_user)
