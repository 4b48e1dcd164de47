"""Passwords, bearer tokens, browser login, and the one place roles are enforced."""
import re
import threading
from dataclasses import dataclass
from functools import cache

from flask import abort, current_app, g, request, session
from flask_login import LoginManager, current_user
from flask_wtf import CSRFProtect
from sqlalchemy import bindparam
from sqlmodel import Session, select
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Unauthorized

from . import permissions
from .clock import utcnow
from .db import READ_ENGINE_KEY, READ_METHODS, get_engine, get_session
from .models import AccessRevision, ApiToken, User
from .services.credentials import token_digest
from .revision_read import RevisionRead
from .site_access import (
    access_facts, assigned_to_sites, refuse_unassigned, requested_site, site_access_columns,
)

API_PREFIX = "/api/v1"
# The browser session's own token (stored, like bearer tokens, as a digest): logout revokes
# it, so a copy of the cookie taken before logout no longer logs anyone in.
BROWSER_TOKEN = "login_token"
# When a person last acted in this browser session (POSIX seconds, the server's clock).
ACTED_AT = "acted_at"
# app.extensions: the worker's TokenCache.
TOKEN_CACHE_KEY = "spravato_token_cache"
# The header a page's own refreshes carry, so that they do not keep an idle session alive.
BACKGROUND_HEADER = "X-Background"
login_manager = LoginManager()
login_manager.login_view = "web.login"
csrf = CSRFProtect()


@cache
def _token_query(site_argument):
    """The token with its user, whether the user is assigned to any site, and the access
    revision; when the request names a site (`site_argument`, see site_access.requested_site),
    also that site and whether the user is assigned to it. Built once per kind of request."""
    query = (select(ApiToken, User, AccessRevision.revision, assigned_to_sites(User.id))
             .join(User, User.id == ApiToken.user_id)
             .outerjoin(AccessRevision, AccessRevision.id == 1)
             .where(ApiToken.token_hash == bindparam("digest")))
    if site_argument is None:
        return query
    return query.add_columns(*site_access_columns(site_argument, User.id))


@dataclass(frozen=True)
class Lookup:
    """What a token lookup found. Its User and ApiToken are copies that belong to no database
    session, so requests (threads) that share them never load or flush through them (a
    service that changes either loads its own: users.revoke_token)."""

    revision: int
    token: ApiToken
    user: User
    access: dict


class TokenCache:
    """The token lookups of one web worker, kept while the access revision stands.

    A request whose lookup is kept reads only the revision (one short statement instead of
    the lookup, shared with the requests that arrive while it is read: revision_read); when a
    token was revoked, a user changed or a site assignment moved since (models/
    access_revision.py), the revision has moved, and everything kept is dropped: a
    revocation works at once. Every lookup kept was read at the revision kept with them. A
    lookup whose request names a record that does not exist is not kept (the record may be
    created later, at a site the user does not work at), nor any while the counter's row is
    missing (nothing would move it).
    """

    LIMIT = 10_000

    def __init__(self):
        self._revision = None
        self._kept = {}
        self._reads = {}  # bind -> the RevisionRead of its database
        self._lock = threading.Lock()

    def get(self, bind, key, session):
        """The lookup kept for `key` if the revision of the database (`bind`, the read
        engine; `session()` reads through it when needed) is still the one it was read at
        (the database is part of it: the tests move an application between them)."""
        if key not in self._kept:
            return None
        with self._lock:
            reads = self._reads.get(bind)
            if reads is None:
                reads = self._reads[bind] = RevisionRead(bind)
        revision = (bind, reads.read(session))
        with self._lock:
            if revision != self._revision:
                self._kept, self._revision = {}, revision
            return self._kept.get(key)

    def keep(self, bind, key, lookup):
        revision = (bind, lookup.revision)
        with self._lock:
            if revision != self._revision or len(self._kept) >= self.LIMIT:
                self._kept, self._revision = {}, revision
            self._kept[key] = lookup


class _LookupSession:
    """Where the token lookup runs, opened by the first statement that needs it (a kept
    lookup on PostgreSQL needs none): a write request's own session (opening its transaction)
    only where the read engine is the write engine (SQLite); elsewhere a short session on the
    autocommit read engine, so a refused request opens no transaction and a write's
    transaction holds only the write."""

    def __init__(self):
        self.bind = current_app.extensions[READ_ENGINE_KEY]
        self._in_request_session = request.method in READ_METHODS or self.bind is get_engine()
        self._own = None

    def __call__(self):
        if self._in_request_session:
            return get_session()
        if self._own is None:
            self._own = Session(self.bind, expire_on_commit=False)
        return self._own

    def __enter__(self):
        return self

    def __exit__(self, *_exception):
        if self._own is not None:
            self._own.close()


def _lookup(session, argument, params):
    found = session.exec(_token_query(argument), params=params).first()
    if found is None:
        return None
    api_token, user, revision, has_sites, *site = found
    return Lookup(revision, ApiToken(**api_token.model_dump()), User(**user.model_dump()),
                  access_facts(has_sites, site))


def _may_keep(lookup, argument):
    return (lookup is not None and lookup.revision is not None
            and (argument is None or lookup.access["site_id"] is not None))


def user_for_token(token, requested=None):
    """Return the active user a live token belongs to, or None; keep on `g` the token and
    what site access needs (`requested`: the (argument, id) of the request's site, or None)."""
    argument, record_id = requested or (None, None)
    params = {"digest": token_digest(token)}
    if argument is not None:
        params["record_id"] = record_id
    key = (params["digest"], argument, record_id)
    tokens = current_app.extensions[TOKEN_CACHE_KEY]
    with _LookupSession() as session:
        lookup = tokens.get(session.bind, key, session)
        if lookup is None:
            lookup = _lookup(session(), argument, params)
            if _may_keep(lookup, argument):
                tokens.keep(session.bind, key, lookup)
    if lookup is None:
        return None
    api_token, user = lookup.token, lookup.user
    if api_token.revoked_at is not None or api_token.expires_at <= utcnow() or not user.active:
        return None
    g.api_token, g.site_access = api_token, lookup.access
    return user


def _bearer_user():
    scheme, _, token = request.headers["Authorization"].partition(" ")
    if scheme.lower() != "bearer":
        return None
    return user_for_token(token.strip(), requested_site())


def _browser_user():
    """The user of a logged-in page calling the API with its session cookie.

    Its writes must carry the page's CSRF token (`X-CSRFToken`), as the forms do.
    """
    if not current_user.is_authenticated:
        return None
    if request.method not in ("GET", "HEAD") and current_app.config["WTF_CSRF_ENABLED"]:
        csrf.protect()
    return current_user._get_current_object()  # its loader set g.site_access


def operation_name(method, rule):
    """Turn a URL rule into the API.md spelling: `GET /sessions/{}/timers`."""
    path = rule[len(API_PREFIX):] if rule.startswith(API_PREFIX) else rule
    return f"{method} {re.sub(r'<[^>]+>', '{}', path).rstrip('/') or '/'}"


def _is_documentation(path):
    return path in (f"{API_PREFIX}/openapi.json",) or path.startswith(f"{API_PREFIX}/docs")


def enforce_api_roles():
    """Authenticate the bearer token; apply the role matrix and the user's sites to every API
    request."""
    if not request.path.startswith(API_PREFIX + "/") or request.url_rule is None:
        return None
    # OPTIONS is answered by Flask without running the view; HEAD runs the GET view.
    if _is_documentation(request.path) or request.method == "OPTIONS":
        return None
    method = "GET" if request.method == "HEAD" else request.method
    operation = operation_name(method, request.url_rule.rule)
    if operation in permissions.PUBLIC:
        return None
    user = _bearer_user() if "Authorization" in request.headers else _browser_user()
    if user is None:
        raise Unauthorized("A valid bearer token is required.",
                           www_authenticate=WWWAuthenticate("Bearer"))
    g.current_user = user
    if user.role not in permissions.roles_allowed(operation):
        abort(403, f"The role '{user.role}' may not {operation}.")
    refuse_unassigned(user, **g.site_access)
    return None


def mark_acted():
    """Note that a person acted in this browser session now (login, a page, a tap)."""
    session[ACTED_AT] = int(utcnow().timestamp())


def _idle_too_long():
    limit = current_app.config["BROWSER_IDLE_MINUTES"]
    acted_at = session.get(ACTED_AT)
    if not limit:
        return False
    return not isinstance(acted_at, int) or utcnow().timestamp() - acted_at > limit * 60


@login_manager.user_loader
def _load_user(user_id):
    """Return the active user of this browser session while its token is live and the
    session has not been left idle longer than BROWSER_IDLE_MINUTES."""
    token = session.get(BROWSER_TOKEN)
    if not isinstance(token, str) or _idle_too_long():
        return None
    user = user_for_token(token, requested_site())
    if user is not None and user.get_id() == user_id:
        g.current_user = user
        if request.headers.get(BACKGROUND_HEADER) != "1":
            mark_acted()
        return user
    return None


def init_app(app):
    app.extensions[TOKEN_CACHE_KEY] = TokenCache()
    login_manager.init_app(app)
    csrf.init_app(app)
    app.before_request(enforce_api_roles)
