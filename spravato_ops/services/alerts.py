"""Staff alerts: raised once per dedupe key, listed while open, acknowledged by name."""
from sqlmodel import select

from ..clock import utcnow
from ..models import StaffAlert
from . import audit
from .common import get_existing

EMERGENCY_KINDS = frozenset({"emergency_symptom", "respiratory_depression",
                             "serious_adverse_event"})


def raise_alert(session, *, site_id, kind, message, dedupe_key, rule=None, session_id=None,
                patient_id=None, severity=None):
    """Add an alert unless one with the same dedupe key exists; the caller commits.

    Returns the new alert, or None when it had already been raised.
    """
    exists = session.exec(select(StaffAlert.id).where(StaffAlert.dedupe_key == dedupe_key)).first()
    if exists is not None:
        return None
    alert = StaffAlert(
        site_id=site_id, session_id=session_id, patient_id=patient_id, kind=kind, rule=rule,
        severity=severity or ("emergency" if kind in EMERGENCY_KINDS else "warning"),
        message=message, dedupe_key=dedupe_key, raised_at=utcnow(),
    )
    session.add(alert)
    return alert


def open_alerts(session, *, site_id, since_id=None):
    query = select(StaffAlert).where(StaffAlert.site_id == site_id,
                                     StaffAlert.acknowledged_at.is_(None))
    if since_id is not None:
        query = query.where(StaffAlert.id > since_id)
    return session.exec(query.order_by(StaffAlert.raised_at, StaffAlert.id)).all()


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
