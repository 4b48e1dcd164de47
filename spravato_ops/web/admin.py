"""The admin's home: the sites with their certification, the staff, and where to change them."""
from flask import render_template
from sqlmodel import select

from ..db import get_session
from ..models import User
from ..services.sites import list_sites
from .access import page
from .views import bp


@bp.get("/admin")
@page("admin")
def admin():
    session = get_session()
    users = session.exec(select(User).order_by(User.role, User.name)).all()
    return render_template("admin.html", sites=list_sites(session), users=users)
