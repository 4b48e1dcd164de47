"""Keeping the forms' rows (R4.3): one is written when a session comes to need a form (its
discharge, its withheld dose), by the scheduler's sweep for any session that needs one and
has none, and reopened when the record of a signed form changes. The caller commits.
"""
from datetime import timedelta

from sqlalchemy import or_
from sqlmodel import select

from ..clock import utcnow
from ..domain.calendar import local_date
from ..domain.enums import FormStatus, SessionState as S
from ..domain.rems import form_required, monitoring_form_required, unsigned_stage
from ..models import RemsForm, RemsFormSignature, Site, TreatmentSession
from . import audit
from .common import update_record
from .rems_form_views import SIGNED_STAGES, build_forms
from .sites import site_facts

# A signed form's record can still change after discharge or a withheld dose (corrections,
# late adverse events): only then can a change reopen it.
FORM_STATES = frozenset({S.DISCHARGED, S.WITHHELD})
UNSIGNED = (FormStatus.DRAFT.value, FormStatus.READY.value)
# How far back the sweep looks for sessions that need a form: well past the 7-day deadline,
# so an overdue form stays in the queue and an alert for weeks.
FORM_LOOKBACK = timedelta(days=60)


def open_form(session, treatment_session, *, actor):
    """Write the form of a session that needs one and has none; return its row (or None)."""
    site = session.get(Site, treatment_session.site_id)
    if not form_required(site_facts(site), S(treatment_session.state)):
        return None
    built = build_forms(session, [treatment_session.id])[treatment_session.id]
    if built.row is not None or not built.required:
        return built.row
    return _new_row(session, built, actor=actor)


def _new_row(session, built, *, actor):
    now = utcnow()
    row = RemsForm(session_id=built.session.id, site_id=built.session.site_id,
                   status=unsigned_stage(built.complete).value, deadline=built.deadline,
                   created_at=now, updated_at=now)
    session.add(row)
    session.flush()
    audit.record(session, action="create", entity="rems_form", entity_id=row.id, actor=actor,
                 after=audit.snapshot(row))
    built.row = row
    return row


def reopen_signed_form(session, entry, *, entity, actor, reason=None):
    """A change to the record of a signed form (a correction, a late adverse event) reopens
    it: its signature is voided and kept, the form is draft or ready again and needs signing.

    Costs no query while the session has no form to reopen (before its discharge).
    """
    treatment_session = session.get(TreatmentSession, entry.session_id)
    if S(treatment_session.state) not in FORM_STATES:
        return None
    row = session.exec(select(RemsForm).where(RemsForm.session_id == entry.session_id)).first()
    if row is None or row.status not in SIGNED_STAGES:
        return None
    change = (f"{entity} entry {entry.amends_id} corrected by entry {entry.id}: {reason}"
              if entry.amends_id is not None else f"{entity} entry {entry.id} added")
    for signature in session.exec(select(RemsFormSignature).where(
            RemsFormSignature.form_id == row.id, RemsFormSignature.voided_at.is_(None))):
        update_record(session, signature, {
            "voided_at": utcnow(), "voided_by": actor.id,
            "void_reason": f"Record changed after signing: {change}"[:1000]},
            entity="rems_form_signature", actor=actor, action="void")
    session.flush()
    built = build_forms(session, [entry.session_id])[entry.session_id]
    update_record(session, row, _reopened(unsigned_stage(built.complete)), entity="rems_form",
                  actor=actor, action="reopen")
    return row


def _reopened(stage):
    return {"status": stage.value, "signed_by": None, "signed_at": None,
            "submission_method": None, "submission_reference": None, "submitted_at": None,
            "submitted_by": None}


def sync_forms(session, *, now, lookback):
    """Write the missing rows of the sessions of the last `lookback` that need a form, and
    bring the stored draft/ready of unsigned forms in line with their check (a site's address
    or a patient's screening recorded since). Returns (written, refreshed)."""
    ids = []
    for site in session.exec(select(Site).order_by(Site.id)):
        facts = site_facts(site)
        if not monitoring_form_required(facts):
            continue
        states = [S.DISCHARGED.value] + ([S.WITHHELD.value] if facts.withheld_form_required
                                         else [])
        ids += session.exec(
            select(TreatmentSession.id)
            .outerjoin(RemsForm, RemsForm.session_id == TreatmentSession.id)
            .where(TreatmentSession.site_id == site.id, TreatmentSession.state.in_(states),
                   TreatmentSession.local_day >= local_date(now, site.timezone) - lookback,
                   or_(RemsForm.id.is_(None), RemsForm.status.in_(UNSIGNED)))).all()
    written = refreshed = 0
    for built in build_forms(session, ids).values():
        if built.row is None:
            _new_row(session, built, actor=None)
            written += 1
        elif built.row.status != unsigned_stage(built.complete):
            update_record(session, built.row, {"status": unsigned_stage(built.complete).value},
                          entity="rems_form", actor=None, action="refresh")
            refreshed += 1
    return written, refreshed
