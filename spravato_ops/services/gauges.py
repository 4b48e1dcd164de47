"""Counts read at a metrics scrape: reminders by status, open staff alerts per site."""
from sqlalchemy import and_, func
from sqlmodel import select

from ..models import Reminder, Site, StaffAlert
from .alerts import is_open


def reminders_by_status(session):
    """{status: count} over every reminder (sent, failed, unknown, pending, ...)."""
    query = select(Reminder.status, func.count()).group_by(Reminder.status)
    return dict(session.exec(query).all())


def open_alerts_by_site(session):
    """{site id: open staff alerts}, every site listed (0 when none is open)."""
    query = (select(Site.id, func.count(StaffAlert.id))
             .outerjoin(StaffAlert, and_(StaffAlert.site_id == Site.id, is_open()))
             .group_by(Site.id))
    return dict(session.exec(query).all())
