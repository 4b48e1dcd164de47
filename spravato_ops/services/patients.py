"""Patients, their R5 screening and their REMS enrollment."""
from dataclasses import fields
from datetime import datetime

from sqlalchemy import func, or_
from sqlmodel import select

from ..clock import utcnow
from ..domain.eligibility import ScreeningFacts, check_screening
from ..models import Patient, RemsEnrollment, Screening
from . import audit, reminders
from .common import check_version, get_existing, save_new, update_record
from .failures import Conflict, NotFound


def _refuse_duplicate_mrn(session, mrn, patient_id=None):
    clash = session.exec(select(Patient).where(Patient.mrn == mrn)).first()
    if clash is not None and clash.id != patient_id:
        raise Conflict(f"A patient with MRN {mrn} already exists.")


def create_patient(session, *, data, actor):
    _refuse_duplicate_mrn(session, data["mrn"])
    now = utcnow()
    return save_new(session, Patient(**data, created_at=now, updated_at=now), entity="patient",
                    actor=actor)


def update_patient(session, *, patient_id, changes, actor, expected_version=None):
    """Change a patient (If-Match: `expected_version`); a new email, phone or reminder
    channel is followed by the reminders of their upcoming sessions, in the same commit.

    The patient's row is locked as booking locks it, so a booking and a contact change for
    one patient take turns and the new session's reminders get the new address either way.
    """
    patient = session.get(Patient, patient_id, with_for_update={"key_share": True})
    if patient is None:
        raise NotFound(f"Patient {patient_id} not found.")
    if "mrn" in changes:
        _refuse_duplicate_mrn(session, changes["mrn"], patient_id)
    check_version(patient, expected_version)
    contact = [getattr(patient, name) for name in reminders.CONTACT_FIELDS]
    if update_record(session, patient, changes, entity="patient", actor=actor):
        if contact != [getattr(patient, name) for name in reminders.CONTACT_FIELDS]:
            reminders.follow_contact(session, patient=patient, actor=actor)
        session.commit()
    return patient


# Dates of birth as staff type them: 1980-05-17, 05/17/1980 (US order), 17.05.1980.
BIRTH_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%d.%m.%Y")


def typed_date(term):
    """The date `term` spells in one of BIRTH_DATE_FORMATS, else None."""
    for pattern in BIRTH_DATE_FORMATS:
        try:
            return datetime.strptime(term, pattern).date()
        except ValueError:
            continue
    return None


def search_query(*columns, q=None, limit=50, offset=0):
    """select(Patient, *columns) of the patients found by MRN, by first or last name
    (case-insensitive, prefix or contains) or by date of birth, in name order (the read
    layer's search)."""
    query = select(Patient, *columns)
    if q and q.strip():
        term = q.strip().lower()
        full_name = func.lower(Patient.first_name + " " + Patient.last_name)
        born = typed_date(term)
        # autoescape: `%` and `_` typed by staff are letters to find, not wildcards.
        query = query.where(or_(
            func.lower(Patient.mrn) == term,
            func.lower(Patient.last_name).contains(term, autoescape=True),
            func.lower(Patient.first_name).contains(term, autoescape=True),
            full_name.contains(term, autoescape=True),
            *([Patient.date_of_birth == born] if born else []),
        ))
    query = query.order_by(Patient.last_name, Patient.first_name, Patient.id)
    return query.offset(offset).limit(limit)


def search_patients(session, *, q=None, limit=50, offset=0):
    """The patients search_query finds, as stored (views.patient_search shows them by role)."""
    return session.exec(search_query(q=q, limit=limit, offset=offset)).all()


def screening_facts(screening):
    """The stored screening as the R5 rules see it: each ScreeningFacts field from its column."""
    if screening is None:
        return None
    answers = {field.name: getattr(screening, field.name) for field in fields(ScreeningFacts)}
    answers["concomitant_medications"] = tuple(answers["concomitant_medications"])
    return ScreeningFacts(**answers)


def record_screening(session, *, patient_id, answers, actor):
    """Store the R5 screening (replacing the previous answers; the audit keeps them)."""
    get_existing(session, Patient, patient_id, "Patient")
    current = session.get(Screening, patient_id)
    before = audit.snapshot(current) if current else None
    if current is None:
        current = Screening(patient_id=patient_id, recorded_by=actor.id, recorded_at=utcnow(),
                            **answers)
    else:
        for key, value in answers.items():
            setattr(current, key, value)
        current.recorded_by, current.recorded_at = actor.id, utcnow()
    session.add(current)
    audit.record(session, action="record_screening", entity="patient", entity_id=patient_id,
                 actor=actor, before=before, after=audit.snapshot(current))
    session.commit()
    return current


def screening_summary(screening):
    """Return (eligible, warnings) of a screening: R5.1 stops and R5.4 warnings."""
    violations = check_screening(screening_facts(screening))
    eligible = not any(v.kind == "hard_stop" for v in violations)
    warnings = [v.as_dict() for v in violations if v.kind == "warning"]
    return eligible, warnings


def record_enrollment(session, *, patient_id, rems_patient_id, enrolled_on, actor):
    """Store the patient's REMS enrollment (R4.2)."""
    get_existing(session, Patient, patient_id, "Patient")
    current = session.get(RemsEnrollment, patient_id)
    before = audit.snapshot(current) if current else None
    if current is None:
        current = RemsEnrollment(patient_id=patient_id, rems_patient_id=rems_patient_id,
                                 enrolled_on=enrolled_on, recorded_by=actor.id,
                                 recorded_at=utcnow())
    else:
        current.rems_patient_id, current.enrolled_on = rems_patient_id, enrolled_on
        current.recorded_by, current.recorded_at = actor.id, utcnow()
    session.add(current)
    audit.record(session, action="record_enrollment", entity="patient", entity_id=patient_id,
                 actor=actor, before=before, after=audit.snapshot(current))
    session.commit()
    return current
