"""A site's open alerts as the staff pages list them: each with its patient and chair, split
into what needs attention now (the patients in the chairs, emergencies first) and the
follow-ups (domain/sweep_alerts.py: FOLLOW_UP_KINDS) of the roles the page is for."""
from collections import Counter
from typing import NamedTuple

from sqlalchemy import func
from sqlmodel import select

from ..domain.sweep_alerts import follows_up, is_follow_up
from ..models import Chair, Patient, StaffAlert, TreatmentSession
from .alerts import is_open


class ListedAlert(NamedTuple):
    alert: StaffAlert
    patient_id: int | None
    patient_name: str | None
    chair: str | None


class SiteAlerts(NamedTuple):
    now: list[ListedAlert]
    follow_ups: list[ListedAlert]
    # The follow-ups the viewer's page leaves to other roles: how many, by role.
    for_others: Counter


def site_alerts(session, *, site_id, follow_ups_of) -> SiteAlerts:
    """The site's open alerts for a page that lists the follow-ups of the roles
    `follow_ups_of`, oldest first within each list."""
    now, follow_ups, for_others = [], [], Counter()
    for alert, patient_id, first, last, chair in session.exec(_query(site_id)):
        name = f"{first} {last}" if first is not None else None
        listed = ListedAlert(alert, patient_id, name, chair)
        if not is_follow_up(alert.kind):
            now.append(listed)
        elif follows_up(follow_ups_of, alert.role):
            follow_ups.append(listed)
        else:
            for_others[alert.role] += 1
    now.sort(key=lambda listed: listed.alert.severity != "emergency")
    return SiteAlerts(now, follow_ups, for_others)


def _query(site_id):
    patient_id = func.coalesce(StaffAlert.patient_id, TreatmentSession.patient_id)
    return (select(StaffAlert, Patient.id, Patient.first_name, Patient.last_name, Chair.label)
            .outerjoin(TreatmentSession, TreatmentSession.id == StaffAlert.session_id)
            .outerjoin(Patient, Patient.id == patient_id)
            .outerjoin(Chair, Chair.id == TreatmentSession.chair_id)
            .where(StaffAlert.site_id == site_id, is_open())
            .order_by(StaffAlert.raised_at, StaffAlert.id))
