"""Staff alerts: raised once per dedupe key, listed while open, acknowledged by name, and
resolved by the sweep that raised them once their condition clears."""
from sqlalchemy import update
from sqlmodel import select

from ..clock import utcnow
from ..models import StaffAlert
from . import audit
from .common import get_existing

EMERGENCY_KINDS = frozenset({"emergency_symptom", "respiratory_depression",
                             "serious_adverse_event"})


# Keys looked up per query when syncing alerts (bound parameters stay well below the limits).
KEY_CHUNK = 500


def raise_alert(session, *, site_id, kind, message, dedupe_key, rule=None, session_id=None,
                patient_id=None, severity=None, role=None):
    """Add an alert unless one with the same dedupe key exists; the caller commits.

    Returns the new alert, or None when it had already been raised.
    """
    exists = session.exec(select(StaffAlert.id).where(StaffAlert.dedupe_key == dedupe_key)).first()
    if exists is not None:
        return None
    alert = _new_alert(site_id=site_id, session_id=session_id, patient_id=patient_id, kind=kind,
                       rule=rule, severity=severity, role=role, message=message,
                       dedupe_key=dedupe_key, raised_at=utcnow())
    session.add(alert)
    return alert


def _new_alert(*, kind, severity=None, **fields):
    return StaffAlert(kind=kind, **fields,
                      severity=severity or ("emergency" if kind in EMERGENCY_KINDS else "warning"))


def is_open():
    """An alert neither acknowledged nor resolved (the condition of the open-alert indexes)."""
    return StaffAlert.acknowledged_at.is_(None) & StaffAlert.resolved_at.is_(None)


def open_alerts(session, *, site_id, since_id=None, role=None):
    """The site's alerts neither acknowledged nor resolved, oldest first (optionally for a role)."""
    query = select(StaffAlert).where(StaffAlert.site_id == site_id, is_open())
    if since_id is not None:
        query = query.where(StaffAlert.id > since_id)
    if role is not None:
        query = query.where(StaffAlert.role == role)
    return session.exec(query.order_by(StaffAlert.raised_at, StaffAlert.id)).all()


def sync_alerts(session, *, kinds, wanted, now):
    """Make the open alerts of `kinds` match `wanted` ({dedupe key: alert fields}): raise the
    missing ones, resolve the open ones whose condition cleared. The caller commits.

    Returns (raised, resolved) counts. An alert acknowledged while its condition holds is
    not raised again: its key stays taken.
    """
    kinds = sorted(str(kind) for kind in kinds)
    cleared = [alert_id for alert_id, key in session.exec(
        select(StaffAlert.id, StaffAlert.dedupe_key).where(StaffAlert.kind.in_(kinds), is_open()))
        if key not in wanted]
    if cleared:
        session.exec(update(StaffAlert).where(StaffAlert.id.in_(cleared)).values(resolved_at=now))
    keys = list(wanted)
    taken = set()
    for start in range(0, len(keys), KEY_CHUNK):
        taken.update(session.exec(select(StaffAlert.dedupe_key).where(
            StaffAlert.dedupe_key.in_(keys[start:start + KEY_CHUNK]))))
    fresh = [_new_alert(dedupe_key=key, raised_at=now, **fields)
             for key, fields in wanted.items() if key not in taken]
    session.add_all(fresh)
    return len(fresh), len(cleared)


def resolve_by_prefix(session, *, kinds, prefix, now):
    """Resolve the open alerts of `kinds` whose key is the kind followed by `prefix`."""
    for kind in kinds:
        session.exec(update(StaffAlert).where(
            StaffAlert.kind == kind, is_open(),
            StaffAlert.dedupe_key.startswith(f"{kind}{prefix}", autoescape=True),
        ).values(resolved_at=now))


def acknowledge(session, *, alert_id, actor):
    """Record who acknowledged an alert and when (idempotent: the first stays)."""
    alert = get_existing(session, StaffAlert, alert_id, "Alert")
    if alert.acknowledged_at is not None:
        return alert
    before = audit.snapshot(alert)
    alert.acknowledged_by, alert.acknowledged_at = actor.id, utcnow()
    session.add(alert)
    audit.record(session, action="acknowledge", entity="alert", entity_id=alert.id,
                 actor=actor, before=before, after=audit.snapshot(alert))
    session.commit()
    return alert
