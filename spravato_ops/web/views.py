"""Login, logout and the home page."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from sqlmodel import select
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired

from ..db import get_session
from ..models import User
from ..permissions import LANDING_PAGE
from ..services import audit
from ..services.credentials import verify_password

bp = Blueprint("web", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/web")


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired()])
    password = PasswordField("Password", validators=[DataRequired()])


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        session = get_session()
        user = session.exec(
            select(User).where(User.email == form.email.data.strip().lower())).first()
        if verify_password(user, form.password.data) and user.active:
            login_user(user)
            audit.record(session, action="login", entity="user", entity_id=user.id, actor=user)
            session.commit()
            return redirect(_safe_next(request.args.get("next")))
        flash("Email or password is not correct.")
    return render_template("login.html", form=form), 200 if request.method == "GET" else 401


def _safe_next(target):
    """Only follow local redirects after login."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("web.home")


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    logout_user()
    return redirect(url_for("web.login"))


@bp.route("/")
@login_required
def home():
    """Send each role to the page it starts on."""
    endpoint = f"web.{LANDING_PAGE[current_user.role]}"
    if endpoint in current_app.view_functions:
        return redirect(url_for(endpoint))
    return render_template("home.html", user=current_user)
