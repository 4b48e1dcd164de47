"""Login, logout and the home page."""
from flask import (Blueprint, current_app, flash, g, redirect, render_template, request,
                   url_for)
from flask import session as browser_session
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from sqlmodel import select
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired

from ..auth import BROWSER_TOKEN, mark_acted
from ..db import get_session
from ..models import User
from ..permissions import LANDING_PAGE
from ..services import audit, users
from ..services.credentials import issue_token, verify_password

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
            _start_browser_session(session, user)
            audit.record(session, action="login", entity="user", entity_id=user.id, actor=user)
            session.commit()
            return redirect(_safe_next(request.args.get("next")))
        flash("Email or password is not correct.")
    return render_template("login.html", form=form), 200 if request.method == "GET" else 401


def _start_browser_session(session, user):
    """Log the user in with a server-side token in the cookie, which logout revokes."""
    token, _ = issue_token(session, user, current_app.config["TOKEN_TTL_HOURS"])
    login_user(user)
    browser_session[BROWSER_TOKEN] = token
    mark_acted()


def _safe_next(target):
    """Only follow local redirects after login."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("web.home")


@bp.post("/logout")
def logout():
    """End the browser session for good: revoke its token, then empty the cookie.

    POST only, with the CSRF token of the page's logout button; GET answers 405.
    """
    if current_user.is_authenticated:  # loading the user put its session's token on g
        users.revoke_token(get_session(), api_token=g.api_token,
                           actor=current_user._get_current_object())
    browser_session.clear()
    logout_user()  # after clear(): it marks the remember-me cookie for deletion
    return redirect(url_for("web.login"))


@bp.route("/")
@login_required
def home():
    """Send each role to the page it starts on."""
    endpoint = f"web.{LANDING_PAGE[current_user.role]}"
    if endpoint in current_app.view_functions:
        return redirect(url_for(endpoint))
    return render_template("home.html", user=current_user)
