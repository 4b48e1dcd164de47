"""Staff users and bearer tokens."""
from sqlmodel import select

from ..clock import utcnow
from ..models import ApiToken, Site, User, UserSite
from . import audit
from .common import get_existing, save_new, update_record
from .credentials import hash_password, issue_token, password_problems, verify_password
from .failures import Conflict, InvalidInput, NotAuthenticated


def create_user(session, *, email, name, role, password, actor, site_ids=()):
    """Create a user with a hashed password (the password policy: credentials.password_problems)
    and their sites."""
    email = email.strip().lower()
    problems = password_problems(password, email=email, name=name)
    if problems:
        raise InvalidInput({"password": problems})
    if session.exec(select(User).where(User.email == email)).first() is not None:
        raise Conflict(f"A user with email {email} already exists.")
    _check_sites(session, site_ids)
    user = User(email=email, name=name, role=role, password_hash=hash_password(password),
                created_at=utcnow())
    session.add(user)
    session.flush()
    for site_id in dict.fromkeys(site_ids):
        session.add(UserSite(user_id=user.id, site_id=site_id))
    return save_new(session, user, entity="user", actor=actor)


def _check_sites(session, site_ids):
    """422 on `site_ids` naming a site that does not exist."""
    missing = [sid for sid in site_ids if session.get(Site, sid) is None]
    if missing:
        raise InvalidInput({"site_ids": [f"Unknown site ids: {missing}"]})


def login(session, *, email, password, ttl_hours):
    """Check credentials and issue a bearer token (401 on failure, same message either way)."""
    user = session.exec(select(User).where(User.email == email.strip().lower())).first()
    if not verify_password(user, password) or not user.active:
        raise NotAuthenticated("Email or password is not correct.")
    token, record = issue_token(session, user, ttl_hours)
    audit.record(session, action="token_issued", entity="user", entity_id=user.id, actor=user,
                 after={"token_id": None, "expires_at": record.expires_at.isoformat()})
    session.commit()
    return token, record


def revoke_token(session, *, api_token, actor):
    """Revoke the token `api_token` names (its id; a request's copy may be detached)."""
    api_token = session.get(ApiToken, api_token.id)
    api_token.revoked_at = utcnow()
    session.add(api_token)
    audit.record(session, action="token_revoked", entity="api_token", entity_id=api_token.id,
                 actor=actor)
    session.commit()


def update_user(session, *, user_id, changes, actor):
    """Change a user's name, role, `active`, password or sites; deactivating one stops their
    tokens and browser sessions at once (every request checks `active` with the token), and
    so does a new password (a reset: for someone who forgot theirs). New sites take effect on
    their next request (the access counter moves: access_revision.py). Admins cannot
    deactivate themselves, so that a clinic is never left without one."""
    user = get_existing(session, User, user_id, "User")
    if changes.get("active") is False and actor is not None and actor.id == user.id:
        raise Conflict("You cannot deactivate your own account; ask another admin.")
    changes = dict(changes)
    password = changes.pop("password", None)
    site_ids = changes.pop("site_ids", None)
    if password is not None:
        _reset_password(session, user, password, name=changes.get("name", user.name),
                        actor=actor)
    if site_ids is not None:
        _assign_sites(session, user, site_ids, actor=actor)
    update_record(session, user, changes, entity="user", actor=actor)
    session.commit()
    return user


def _reset_password(session, user, password, *, name, actor):
    """An admin's new password for `user`; every live token of the user ends. The audit says
    so, without the password. The caller commits."""
    ended = _replace_password(session, user, password, field="password", name=name)
    audit.record(session, action="password_reset", entity="user", entity_id=user.id,
                 actor=actor, after={"tokens_ended": ended})


def _assign_sites(session, user, site_ids, *, actor):
    """Make `site_ids` the user's sites (none: every site, as for a new user), audited with
    the sites before and after when they change. The user's row is locked first, so that two
    changes at once replace the sites one after the other, never mixing both. The caller
    commits."""
    _check_sites(session, site_ids)
    session.exec(select(User.id).where(User.id == user.id).with_for_update()).one()
    wanted = set(site_ids)
    assigned = session.exec(select(UserSite).where(UserSite.user_id == user.id)).all()
    before = {row.site_id for row in assigned}
    if wanted == before:
        return
    for row in assigned:
        if row.site_id not in wanted:
            session.delete(row)
    for site_id in sorted(wanted - before):
        session.add(UserSite(user_id=user.id, site_id=site_id))
    audit.record(session, action="sites_changed", entity="user", entity_id=user.id,
                 actor=actor, before={"site_ids": sorted(before)},
                 after={"site_ids": sorted(wanted)})


def revoke_user_tokens(session, *, user_id, actor):
    """Revoke every live token of a user, bearer and browser sessions alike; return how many."""
    get_existing(session, User, user_id, "User")
    revoked = _revoke_live_tokens(session, user_id)
    audit.record(session, action="tokens_revoked", entity="user", entity_id=user_id,
                 actor=actor, after={"revoked": revoked})
    session.commit()
    return revoked


def change_own_password(session, *, user_id, current_password, new_password, keep_token_id):
    """A user's own new password, once the current one is given: the policy of new accounts
    (credentials.password_problems), and not the current one. Every other live token of the
    user (other browsers, tablets, bearer tokens) ends at once; the one asking (`keep_token_id`)
    stays. Returns how many ended."""
    user = get_existing(session, User, user_id, "User")
    if not verify_password(user, current_password):
        raise InvalidInput({"current_password": ["This is not your current password."]})
    if verify_password(user, new_password):
        raise InvalidInput({"new_password": ["Choose a password other than your current one."]})
    ended = _replace_password(session, user, new_password, field="new_password",
                              name=user.name, keep=keep_token_id)
    audit.record(session, action="password_changed", entity="user", entity_id=user_id,
                 actor=user, after={"other_tokens_ended": ended})
    session.commit()
    return ended


def _replace_password(session, user, password, *, field, name, keep=None):
    """Give `user` the new `password` (the policy of new accounts, else 422 on `field`) and end
    their live tokens but `keep`; return how many ended. The caller audits and commits."""
    problems = password_problems(password, email=user.email, name=name)
    if problems:
        raise InvalidInput({field: problems})
    user.password_hash = hash_password(password)
    session.add(user)
    return _revoke_live_tokens(session, user.id, keep=keep)


def _revoke_live_tokens(session, user_id, keep=None):
    """Mark the user's live tokens revoked (all but `keep`); the caller audits and commits."""
    now = utcnow()
    query = select(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None),
                                   ApiToken.expires_at > now)
    if keep is not None:
        query = query.where(ApiToken.id != keep)
    live = session.exec(query).all()
    for api_token in live:
        api_token.revoked_at = now
        session.add(api_token)
    return len(live)
