"""Who may open which page: login required, then the role matrix of pages (permissions.PAGES)."""
import functools

from flask import abort, g, redirect, request, url_for
from flask_login import current_user

from .. import permissions
from ..site_access import works_at_requested_site


def page(name):
    """Let a view answer only logged-in staff whose role may use page `name` (else 403 page)."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return redirect(url_for("web.login", next=request.full_path.rstrip("?")))
            if current_user.role not in permissions.PAGES[name]:
                abort(403, f"The {current_user.role.replace('_', ' ')} role does not use this "
                           "page.")
            return view(*args, **kwargs)

        return wrapper

    return decorate


def refuse_other_sites():
    """403 when the session the page's URL names is at a site the user does not work at (the
    login's token lookup found its site, and whether the user works there: g.site_access)."""
    if not works_at_requested_site(current_user, **g.site_access):
        abort(403, "This session is at a site you do not work at.")


def landing_url(user):
    """The page a user's role starts on."""
    return url_for(f"web.{permissions.LANDING_PAGE[user.role]}")


def may_use(user, name):
    return user.is_authenticated and user.role in permissions.PAGES[name]
