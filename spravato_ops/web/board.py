"""The front-desk board page: where each patient is, in words, refreshed in the browser; a
patient's ride home, to call before they are ready."""
from flask import abort, g, render_template, request
from flask_login import current_user

from ..db import get_session
from ..services.board import ride_home
from ..services.sites import sites_of
from .access import page, refuse_other_sites
from .views import bp


@bp.get("/board")
@page("board")
def board():
    """Render the board's frame for one site; board.js fills and refreshes the rows."""
    sites = sites_of(get_session(), user=current_user)
    site = chosen_site(sites, request.args.get("site_id", type=int))
    return render_template("board.html", site=site, sites=sites,
                           tv=request.args.get("tv") == "1")


def chosen_site(sites, site_id):
    """The site asked for (one of the user's), else the user's first; 404 when there is none."""
    if site_id is None and sites:
        return sites[0]
    chosen = next((site for site in sites if site.id == site_id), None)
    if chosen is None:
        abort(404, "No such site, or not one of yours.")
    return chosen


@bp.get("/board/sessions/<int:session_id>/ride")
@page("board")
def ride(session_id):
    """The ride home the nurse recorded (R3.5), for the front desk to call before the patient
    is ready: the patient by initials, the ride's name and phone."""
    refuse_other_sites()
    who, name, phone = ride_home(get_session(), session_id=session_id)
    return render_template("ride.html", who=who, name=name, phone=phone,
                           site_id=g.site_access["site_id"])
