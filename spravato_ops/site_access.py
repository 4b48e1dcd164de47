"""Staff assigned to sites (a user's `site_ids`) work at those sites only.

Admins, and users with no site assigned, work at every site: a one-site clinic need not
assign anyone. The site a request is about comes from the URL (`/sites/{id}`, a session's
or an alert's site), the `site_id` query argument, or the `site_id` of a booking's body.
Patients and courses belong to no site and are not limited here.
"""
from functools import cache

from flask import abort, request
from sqlalchemy import bindparam, exists
from sqlmodel import select

from .db import MAX_ID
from .models import Site, StaffAlert, TreatmentSession, UserSite
from .request_json import json_body

RECORD_ID, USER_ID = bindparam("record_id"), bindparam("user_id")
# URL argument -> the site of the record it names (NULL when there is no such record).
SITE_OF_RECORD = {
    "site_id": select(Site.id).where(Site.id == RECORD_ID),
    "session_id": select(TreatmentSession.site_id).where(TreatmentSession.id == RECORD_ID),
    "alert_id": select(StaffAlert.site_id).where(StaffAlert.id == RECORD_ID),
}


def assigned_to_sites(user_id):
    """SQL: is the user `user_id` (a column or parameter) assigned to any site?"""
    return exists().where(UserSite.user_id == user_id)


def enforce_site_access(session, user):
    """403 when the request is about a site the user is not assigned to."""
    if user.role == "admin":
        return
    requested = _requested_site()
    if requested is None:
        return
    argument, record_id = requested
    site_id, assigned, assigned_anywhere = session.exec(
        _access_query(argument), params={"record_id": record_id, "user_id": user.id}).one()
    if site_id is not None and assigned_anywhere and not assigned:
        abort(403, f"You are not assigned to site {site_id}.")


@cache
def _access_query(argument):
    """The site of the record `argument` names; is the user assigned to it; to any site?"""
    site = SITE_OF_RECORD[argument].scalar_subquery()
    return select(site.label("site_id"),
                  exists().where(UserSite.user_id == USER_ID, UserSite.site_id == site),
                  assigned_to_sites(USER_ID))


def _requested_site():
    """(URL argument, id) of the record that names the request's site, or None.

    A record that does not exist gives a NULL site, and the view answers 404.
    """
    args = request.view_args or {}
    for name in SITE_OF_RECORD:
        if name in args:
            return name, args[name]
    site_id = request.args.get("site_id", type=int)
    if site_id is None and request.method == "POST":
        body = json_body()  # parsed with the depth guard: this runs before the input checks
        site_id = body.get("site_id") if isinstance(body, dict) else None
    if isinstance(site_id, int) and not isinstance(site_id, bool) and 0 < site_id <= MAX_ID:
        return "site_id", site_id
    return None
