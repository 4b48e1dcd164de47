"""REMS Patient Monitoring Form: which sessions need one, its deadline, status and reminders
(R4.2, R4.3)."""
from datetime import date, timedelta

from .eligibility import SiteFacts
from .enums import AlertKind, FormStatus, SessionState, SettingType
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


def form_status(stage: FormStatus, complete: bool, deadline: date, today: date) -> FormStatus:
    """R4.3: a form not submitted by its (site-local) deadline is overdue; before that it is
    signed, or ready when complete, else a draft. `stage` is the stored one (draft, ready,
    signed or submitted); `today` is the site-local date."""
    stage = FormStatus(stage)
    if stage == FormStatus.SUBMITTED:
        return FormStatus.SUBMITTED
    if today > deadline:
        return FormStatus.OVERDUE
    if stage == FormStatus.SIGNED:
        return FormStatus.SIGNED
    return FormStatus.READY if complete else FormStatus.DRAFT


def unsigned_stage(complete: bool) -> FormStatus:
    """The stored stage of a form not signed: ready when complete, else draft."""
    return FormStatus.READY if complete else FormStatus.DRAFT


def days_left(deadline: date, today: date) -> int:
    """Days from `today` to the deadline: 0 on the deadline day, negative once overdue."""
    return (deadline - today).days


def form_required(site: SiteFacts, state: SessionState) -> bool:
    """R4.3: a form for every dosed (discharged) outpatient session, and for one whose dose
    was withheld where the site's switch says so."""
    if not monitoring_form_required(site):
        return False
    if state == SessionState.DISCHARGED:
        return True
    return state == SessionState.WITHHELD and site.withheld_form_required
