"""REMS Patient Monitoring Form deadline and reminders (R4.2, R4.3)."""
from datetime import date, timedelta

from .eligibility import SiteFacts
from .enums import AlertKind, SettingType
from .label import REMS_FORM_DEADLINE_DAYS
from .policy import SitePolicy


def monitoring_form_required(site: SiteFacts) -> bool:
    """R4.2 / R4.3: outpatient sites file a form per session unless the program switch is off."""
    return site.setting_type == SettingType.OUTPATIENT and site.monitoring_form_required


def rems_form_deadline(session_day: date) -> date:
    """R4.3: the form is due within 7 days of the (site-local) session day."""
    return session_day + timedelta(days=REMS_FORM_DEADLINE_DAYS)


def form_reminder_due(session_day: date, today: date, policy: SitePolicy,
                      submitted: bool = False) -> AlertKind | None:
    """R4.3: overdue after the deadline; due from P-FORM-REMIND days before it; else None."""
    if submitted:
        return None
    deadline = rems_form_deadline(session_day)
    if today > deadline:
        return AlertKind.REMS_FORM_OVERDUE
    if today >= deadline - timedelta(days=policy.form_reminder_days):
        return AlertKind.REMS_FORM_DUE
    return None
