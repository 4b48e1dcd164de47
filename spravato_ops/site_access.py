"""Staff assigned to sites (a user's `site_ids`) work at those sites only.

Admins, and users with no site assigned, work at every site: a one-site clinic need not
assign anyone. The site a request is about comes from the URL (`/sites/{id}`, a session's
or an alert's site), the `site_id` or `session_id` query argument (`/reminders?session_id=`),
or the `site_id` of a booking's body. Patients and courses belong to no site and are not
limited here; lists across sites keep to the user's (services/sites.at_sites_of).
"""
from flask import abort, request
from sqlalchemy import bindparam, exists
from sqlmodel import select

from .db import MAX_ID
from .models import Reminder, Site, StaffAlert, TreatmentSession, UserSite
from .request_json import json_body

RECORD_ID = bindparam("record_id")
# URL argument -> the site of the record it names (NULL when there is no such record).
SITE_OF_RECORD = {
    "site_id": select(Site.id).where(Site.id == RECORD_ID),
    "session_id": select(TreatmentSession.site_id).where(TreatmentSession.id == RECORD_ID),
    "alert_id": select(StaffAlert.site_id).where(StaffAlert.id == RECORD_ID),
    "reminder_id": select(Reminder.site_id).where(Reminder.id == RECORD_ID),
}

# Query arguments that name the request's site: the site, or a session (its site).
QUERY_ARGUMENTS = ("site_id", "session_id")


def assigned_to_sites(user_id):
    """SQL: is the user `user_id` (a column or parameter) assigned to any site?"""
    return exists().where(UserSite.user_id == user_id)


def site_access_columns(argument, user_id):
    """SQL columns `site_id` and `assigned`: the site of the record that `argument` names
    (its id bound as `record_id`), and whether the user `user_id` is assigned to it.

    The token lookup selects them, so that site access costs no query of its own.
    """
    site = SITE_OF_RECORD[argument].scalar_subquery()
    return (site.label("site_id"),
            exists().where(UserSite.user_id == user_id, UserSite.site_id == site)
            .label("assigned"))


def access_facts(has_sites, site=()):
    """refuse_unassigned's keywords from the values of assigned_to_sites and, when the request
    names a site, of site_access_columns (`site`)."""
    return dict(has_sites=bool(has_sites), site_id=site[0] if site else None,
                assigned=bool(site and site[1]))


def works_at_requested_site(user, *, has_sites, site_id, assigned):
    """Whether `user` works at the site the request is about (`site_id`; None: no site):
    admins, and users with no site, work everywhere; the others at the sites assigned."""
    return user.role == "admin" or not has_sites or site_id is None or assigned


def refuse_unassigned(user, *, has_sites, site_id, assigned):
    """403 when the request is about a site (`site_id`) a user assigned to sites is not
    assigned to."""
    if not works_at_requested_site(user, has_sites=has_sites, site_id=site_id,
                                   assigned=assigned):
        abort(403, f"You are not assigned to site {site_id}.")


def requested_site():
    """(URL argument, id) of the record that names the request's site, or None.

    A record that does not exist gives a NULL site, and the view answers 404.
    """
    args = request.view_args or {}
    for name in SITE_OF_RECORD:
        if name in args:
            return name, args[name]
    for name in QUERY_ARGUMENTS:
        record_id = request.args.get(name, type=int)
        if record_id is not None:
            return (name, record_id) if _is_id(record_id) else None
    if request.method == "POST":
        body = json_body()  # parsed with the depth guard: this runs before the input checks
        site_id = body.get("site_id") if isinstance(body, dict) else None
        if _is_id(site_id):
            return "site_id", site_id
    return None


def _is_id(value):
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID
