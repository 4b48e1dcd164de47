"""Staff users."""
from flask import g
from flask_smorest import Blueprint

from schemas.user import (
    PasswordChangedOut, PasswordChangeIn, RevokedOut, UserIn, UserOut, UserPatch,
)

from ..db import get_session
from ..services import users as service, views

bp = Blueprint("users", __name__, url_prefix="/api/v1/users", description="Staff users")


@bp.post("")
@bp.arguments(UserIn())
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


@bp.post("/me/password")
@bp.arguments(PasswordChangeIn())
@bp.response(200, PasswordChangedOut)
def change_own_password(data):
    """Change one's own password (the current one given): one's other sessions and tokens end
    at once, the one asking stays."""
    ended = service.change_own_password(get_session(), user_id=g.current_user.id,
                                        keep_token_id=g.api_token.id, **data)
    return {"other_tokens_ended": ended}


@bp.patch("/<int:user_id>")
@bp.arguments(UserPatch())
@bp.response(200, UserOut)
def update_user(changes, user_id):
    """Change a user's name, role, sites, password or whether they are active (deactivated:
    logged out at once)."""
    session = get_session()
    user = service.update_user(session, user_id=user_id, changes=changes, actor=g.current_user)
    return views.user_views(session, [user])[0]


@bp.post("/<int:user_id>/revoke-tokens")
@bp.response(200, RevokedOut)
def revoke_tokens(user_id):
    """Revoke every live token of the user: bearer tokens and browser sessions end at once."""
    return {"revoked": service.revoke_user_tokens(get_session(), user_id=user_id,
                                                  actor=g.current_user)}
