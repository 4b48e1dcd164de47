"""Staff assigned to sites (a user's `site_ids`) work at those sites only.

Admins, and users with no site assigned, work at every site: a one-site clinic need not
assign anyone. The site a request is about comes from the URL (`/sites/{id}`, a session's
or an alert's site), the `site_id` query argument, or the `site_id` of a booking's body.
Patients and courses belong to no site and are not limited here.
"""
from flask import abort, request
from sqlalchemy import exists
from sqlmodel import select

from .db import MAX_ID
from .models import Site, StaffAlert, TreatmentSession, UserSite

# URL argument -> the site of the record it names.
SITE_OF_RECORD = {
    "site_id": lambda site_id: select(Site.id).where(Site.id == site_id).scalar_subquery(),
    "session_id": lambda record_id: select(TreatmentSession.site_id)
    .where(TreatmentSession.id == record_id).scalar_subquery(),
    "alert_id": lambda record_id: select(StaffAlert.site_id)
    .where(StaffAlert.id == record_id).scalar_subquery(),
}


def enforce_site_access(session, user):
    """403 when the request is about a site the user is not assigned to."""
    if user.role == "admin":
        return
    site = _requested_site()
    if site is None:
        return
    site_id, assigned, assigned_anywhere = session.exec(select(
        site.label("site_id"),
        exists().where(UserSite.user_id == user.id, UserSite.site_id == site),
        exists().where(UserSite.user_id == user.id),
    )).one()
    if site_id is not None and assigned_anywhere and not assigned:
        abort(403, f"You are not assigned to site {site_id}.")


def _requested_site():
    """The site the request is about, as an SQL expression, or None when it names none.

    A record that does not exist gives NULL, and the view answers 404.
    """
    args = request.view_args or {}
    for name, site_of in SITE_OF_RECORD.items():
        if name in args:
            return site_of(args[name])
    site_id = request.args.get("site_id", type=int)
    if site_id is None and request.method == "POST" and request.is_json:
        body = request.get_json(silent=True)
        site_id = body.get("site_id") if isinstance(body, dict) else None
    if isinstance(site_id, int) and not isinstance(site_id, bool) and 0 < site_id <= MAX_ID:
        return SITE_OF_RECORD["site_id"](site_id)
    return None
