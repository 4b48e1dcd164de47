"""The read layer of the REMS Patient Monitoring Forms (R4.3): each form built from its
session's record (services/records.py) by domain/rems_form.py, with its check and status.

Set-based: the forms of any number of sessions in four queries (sessions with patient, site,
policy, enrollment, screening and form; their entries; the clinicians; the signatures). A
signed form shows the fields as signed; an unsigned one the chart as it is now.
"""
from dataclasses import asdict, dataclass, field
from datetime import datetime

from sqlalchemy import and_, exists, false, or_
from sqlalchemy.orm import aliased
from sqlmodel import select

from ..domain.calendar import local_date
from ..domain.enums import FormStatus, SessionState as S
from ..domain.plain import from_plain
from ..domain.policy import SitePolicy
from ..domain.rems import days_left, form_required, form_status, rems_form_deadline
from ..domain.rems_form import (
    Clinician, FormOverride, FormProblem, FormSources, MonitoringForm, check_form,
    monitoring_form,
)
from ..domain.violations import hard_stop
from ..models import (
    Patient, RemsEnrollment, RemsForm, RemsFormSignature, Screening, Site, TreatmentSession, User,
)
from .failures import NotFound, RuleRefusal
from .records import build_record, current, read_entries
from .sites import policy_from, site_facts, with_policy

SIGNED_STAGES = (FormStatus.SIGNED, FormStatus.SUBMITTED)
_EARLIER = aliased(TreatmentSession)
# R4.3 "first treatment?": no earlier dosed session of the patient, at any site.
FIRST_TREATMENT = ~exists().where(
    _EARLIER.patient_id == TreatmentSession.patient_id, _EARLIER.state == S.DISCHARGED.value,
    _EARLIER.scheduled_start < TreatmentSession.scheduled_start).label("first_treatment")


@dataclass
class BuiltForm:
    """A session's form: its stored row (None until written), fields, problems and history."""

    session: TreatmentSession
    patient: Patient
    site: Site
    policy: SitePolicy
    row: RemsForm | None
    fields: MonitoringForm
    problems: tuple[FormProblem, ...]
    required: bool
    signatures: list = field(default_factory=list)

    @property
    def complete(self):
        return not self.problems

    @property
    def deadline(self):
        return self.row.deadline if self.row else rems_form_deadline(self.session.local_day)

    def status(self, now):
        today = local_date(now, self.site.timezone)
        stage = self.row.status if self.row else FormStatus.DRAFT
        return form_status(stage, self.complete, self.deadline, today)

    def days_left(self, now):
        return days_left(self.deadline, local_date(now, self.site.timezone))

    @property
    def current_signature(self):
        return next((s for s in self.signatures if s.voided_at is None), None)


def _sources_query(session_ids):
    query = (select(TreatmentSession, Patient, Site, RemsEnrollment.rems_patient_id,
                    Screening.patient_id.label("screened"), Screening.concomitant_medications,
                    FIRST_TREATMENT, RemsForm)
             .join(Patient, Patient.id == TreatmentSession.patient_id)
             .join(Site, Site.id == TreatmentSession.site_id)
             .outerjoin(RemsEnrollment, RemsEnrollment.patient_id == Patient.id)
             .outerjoin(Screening, Screening.patient_id == Patient.id)
             .outerjoin(RemsForm, RemsForm.session_id == TreatmentSession.id)
             .where(TreatmentSession.id.in_(session_ids))
             .order_by(TreatmentSession.id))
    return with_policy(query, site_id=Site.id)


def build_forms(session, session_ids, *, history=False):
    """{session id: BuiltForm} of the sessions `session_ids` (unknown ids left out)."""
    ids = list(dict.fromkeys(session_ids))
    if not ids:
        return {}
    rows = session.exec(_sources_query(ids)).all()
    entries = read_entries(session, ids, every_column=True)
    signatures = _signatures(session, [row[-2].id for row in rows if row[-2] is not None],
                             history)
    clinician_ids = {sid: _clinician_id(entries[sid]) for sid in ids}
    clinicians = _clinicians(session, set(clinician_ids.values()) - {None})
    built = {}
    for (treatment_session, patient, site, rems_patient_id, screened, medications, first, row,
         settings) in rows:
        sid, policy = treatment_session.id, policy_from(settings)
        clinician = clinicians.get(clinician_ids[sid])
        if clinician is not None:
            clinician = Clinician(clinician.name, clinician.email, site.phone)
        sources = _sources(treatment_session, patient, site, entries[sid], rems_patient_id,
                           tuple(medications) if screened is not None else None, bool(first),
                           clinician)
        kept = signatures.get(row.id, []) if row is not None else []
        built[sid] = _built(treatment_session, patient, site, policy, row, sources, kept)
    return built


def _built(treatment_session, patient, site, policy, row, sources, signatures):
    signed = next((s for s in signatures if s.voided_at is None), None)
    if row is not None and row.status in SIGNED_STAGES and signed is not None:
        fields = from_plain(MonitoringForm, signed.fields)
    else:
        fields = monitoring_form(sources, policy)
    required = form_required(site_facts(site), S(treatment_session.state))
    return BuiltForm(treatment_session, patient, site, policy, row, fields, check_form(fields),
                     required, signatures)


def _sources(treatment_session, patient, site, entries, rems_patient_id, medications, first,
             clinician):
    """The plain values of domain.rems_form.FormSources from the stored rows."""
    devices = sorted(current(entries["devices"]), key=lambda d: d.device_number)
    discharges = current(entries["discharges"])
    events = current(entries["adverse_events"])
    return FormSources(
        patient_first_name=patient.first_name, patient_last_name=patient.last_name,
        date_of_birth=patient.date_of_birth, sex=patient.sex, rems_patient_id=rems_patient_id,
        medications=medications, first_treatment=first, clinician=clinician,
        setting_name=site.name, setting_address=site.address,
        treatment_date=treatment_session.local_day,
        withheld=treatment_session.state == S.WITHHELD,
        withhold_reason=(treatment_session.state_reason
                         if treatment_session.state == S.WITHHELD else None),
        record=build_record(treatment_session, entries),
        lot_numbers=tuple(d.lot_number for d in devices),
        device_deviations=tuple(f"Device {d.device_number}: {d.deviation_reason}"
                                for d in devices if d.deviation_reason or d.spacing_flagged),
        ready_to_leave_at=discharges[-1].ready_to_leave_at if discharges else None,
        serious_adverse_events=tuple(e.description for e in events if e.serious),
        overrides=tuple(_override(o) for o in treatment_session.overrides or ()))


def _override(stored):
    """A prescriber's override as entries.keep_override stored it on the session."""
    at = stored.get("at")
    return FormOverride(
        rules=tuple(f"{r['rule']} {r['code']}" for r in stored.get("rules", ())),
        reason=stored.get("reason", ""), by_name=stored.get("by_name"),
        at=datetime.fromisoformat(at) if at else None)


def _clinician_id(entries):
    """The monitoring clinician: who recorded the discharge, else the latest current entry."""
    discharges = current(entries["discharges"])
    if discharges:
        return discharges[-1].recorded_by
    latest = max((e for rows in entries.values() for e in current(rows)),
                 key=lambda e: (e.recorded_at, e.id), default=None)
    return latest.recorded_by if latest is not None else None


def _clinicians(session, user_ids):
    if not user_ids:
        return {}
    return {user.id: user for user in session.exec(
        select(User.id, User.name, User.email).where(User.id.in_(user_ids)))}


def _signatures(session, form_ids, history):
    """{form id: signatures, oldest first}: every one with `history`, else the current ones."""
    if not form_ids:
        return {}
    query = select(RemsFormSignature).where(RemsFormSignature.form_id.in_(form_ids))
    if not history:
        query = query.where(RemsFormSignature.voided_at.is_(None))
    found = {}
    for signature in session.exec(query.order_by(RemsFormSignature.id)):
        found.setdefault(signature.form_id, []).append(signature)
    return found


def user_names(session, user_ids):
    """{user id: name} of the users named on forms (signers, submitters)."""
    ids = {user_id for user_id in user_ids if user_id is not None}
    if not ids:
        return {}
    return dict(session.exec(select(User.id, User.name).where(User.id.in_(ids))).all())


def refuse_formless(built, session_id):
    """409 for a session that has no form: not dosed (nor withheld where forms are kept for
    withheld doses), or at a site that files none (R4.2, R4.3)."""
    if built is None:
        raise NotFound(f"Session {session_id} not found.")
    if built.row is None and not built.required:
        raise RuleRefusal([hard_stop(
            "R4.3", "no_form",
            f"Session {session_id} has no monitoring form: it is {built.session.state}. A form "
            "follows every dosed outpatient session (and a withheld one where the site keeps "
            "forms for those).")])
    return built


def form_view(session, *, session_id, now):
    """One session's form: its fields, check, status, current signature and history."""
    built = refuse_formless(build_forms(session, [session_id], history=True).get(session_id),
                            session_id)
    return _view(built, now, _names_on(session, [built]), full=True)


def _names_on(session, forms):
    ids = set()
    for built in forms:
        if built.row is not None:
            ids |= {built.row.signed_by, built.row.submitted_by}
        ids |= {user for s in built.signatures for user in (s.signed_by, s.voided_by)}
    return user_names(session, ids)


def _view(built, now, names, *, full):
    row, treatment_session, patient = built.row, built.session, built.patient
    view = {
        "session_id": treatment_session.id, "form_id": row.id if row else None,
        "site_id": treatment_session.site_id, "site_timezone": built.site.timezone,
        "patient_id": patient.id,
        "patient_name": f"{patient.first_name} {patient.last_name}",
        "treatment_date": treatment_session.local_day, "deadline": built.deadline,
        "days_left": built.days_left(now), "status": built.status(now).value,
        "complete": built.complete, "problems": [asdict(p) for p in built.problems],
        "signed_by": row.signed_by if row else None,
        "signed_by_name": names.get(row.signed_by) if row else None,
        "signed_at": row.signed_at if row else None,
        "submission": _submission(row, names), "version": row.version if row else 0,
    }
    if full:
        view["fields"] = built.fields
        view["signatures"] = [dict(s.model_dump(exclude={"fields"}),
                                   signed_by_name=names.get(s.signed_by),
                                   voided_by_name=names.get(s.voided_by))
                              for s in built.signatures]
    return view


def _submission(row, names):
    if row is None or row.submitted_at is None:
        return None
    return {"method": row.submission_method, "confirmation_number": row.submission_reference,
            "submitted_at": row.submitted_at, "submitted_by": row.submitted_by,
            "submitted_by_name": names.get(row.submitted_by)}


def form_queue(session, *, site_ids, now, status=None, limit=100, offset=0):
    """The forms of `site_ids`, oldest deadline first: those not submitted (no `status`), or
    those of one status. Draft and ready are told apart on the live check."""
    sites = session.exec(select(Site).where(Site.id.in_(site_ids))).all()
    overdue = or_(false(), *(and_(RemsForm.site_id == site.id,
                                  RemsForm.deadline < local_date(now, site.timezone))
                             for site in sites))
    query = (select(RemsForm.session_id).where(RemsForm.site_id.in_([s.id for s in sites]))
             .order_by(RemsForm.deadline, RemsForm.session_id))
    query = query.where(*_status_filter(status, overdue))
    live = status in (FormStatus.DRAFT, FormStatus.READY)
    if not live:
        query = query.offset(offset).limit(limit)
    ids = session.exec(query).all()
    built = build_forms(session, ids)
    forms = [built[sid] for sid in ids if sid in built]
    if live:
        forms = [f for f in forms if f.status(now) == status][offset:offset + limit]
    names = _names_on(session, forms)
    return [_view(form, now, names, full=False) for form in forms]


def _status_filter(status, overdue):
    submitted = RemsForm.status == FormStatus.SUBMITTED.value
    if status is None:
        return (~submitted,)
    if status == FormStatus.SUBMITTED:
        return (submitted,)
    if status == FormStatus.OVERDUE:
        return (~submitted, overdue)
    if status == FormStatus.SIGNED:
        return (RemsForm.status == FormStatus.SIGNED.value, ~overdue)
    return (RemsForm.status.in_([FormStatus.DRAFT.value, FormStatus.READY.value]), ~overdue)
