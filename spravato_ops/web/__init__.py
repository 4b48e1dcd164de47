"""Server-rendered pages for clinic staff."""
from flask_login import current_user

from .. import clock
from .access import may_use
from . import account, admin, nurse  # noqa: F401  (register their routes on bp)
from . import board, patients, rems_forms, reports, schedule, schedule_capacity  # noqa: F401
from .views import bp

# The navigation: (page name, endpoint, label), shown to the roles that may use each page.
NAVIGATION = (
    ("nurse", "web.nurse", "Today's chairs"),
    ("schedule", "web.schedule", "Schedule"),
    ("board", "web.board", "Board"),
    ("patients", "web.patients", "Patients"),
    ("rems_forms", "web.rems_forms", "REMS forms"),
    ("reports", "web.reports", "Reports"),
    ("admin", "web.admin", "Admin"),
)


def server_time():
    return clock.utcnow().isoformat().replace("+00:00", "Z")


def stamp_server_time(response):
    """Every answer says the server's time, so a page's clock follows it (web/static clock.js)."""
    response.headers["X-Server-Time"] = server_time()
    return response


def page_context():
    """What every page's layout needs: the server's time (for countdowns) and the navigation."""
    from flask import current_app

    user = current_user._get_current_object()  # the proxy finds the user at every touch
    links = [(endpoint, label) for name, endpoint, label in NAVIGATION
             if endpoint in current_app.view_functions and may_use(user, name)]
    return {"server_now": server_time(), "navigation": links}


def init_app(app):
    app.register_blueprint(bp)
    app.context_processor(page_context)
    app.after_request(stamp_server_time)
