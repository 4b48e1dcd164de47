"""Every user's own account: who they are, where they work, and their password."""
from flask import render_template
from flask_login import current_user

from ..db import get_session
from ..services.sites import sites_of
from .access import page
from .views import bp


@bp.get("/account")
@page("account")
def account():
    """The user's name, role and sites, and the form that changes their password (account.js,
    POST /users/me/password)."""
    return render_template("account.html", user=current_user,
                           sites=sites_of(get_session(), user=current_user))
