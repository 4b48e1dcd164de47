"""The read layer: what the outside sees of patients, users, sessions and a session's record.

Views are built set-based, in a fixed number of queries whatever the number of rows, and
filtered by the reader's role here and nowhere else: front desk sees a patient's name and
contact and a session's where and when, nothing clinical (API.md, roles). A view is a dict
of stored values for a response schema, a page or a form to show. The board's rows are
built in board.py the same way.
"""
from collections import defaultdict
from typing import NamedTuple

from sqlalchemy import exists, tuple_
from sqlmodel import select

from ..clock import utcnow
from ..domain.calendar import local_date
from ..models import Patient, RemsEnrollment, Screening, Site, TreatmentSession, User, UserSite
from .common import get_existing
from .failures import NotFound, NotPermitted
from .patients import search_query
from .records import amended_by, own_values, read_entries

FRONT_DESK = "front_desk"
# What front desk sees; schemas.patient.PatientContactOut and schemas.session.SessionDeskOut
# dump the same fields (a test keeps them equal).
PATIENT_CONTACT_FIELDS = ("id", "first_name", "last_name", "phone", "email")
SESSION_DESK_FIELDS = ("id", "site_id", "chair_id", "patient_id", "patient_initials",
                       "scheduled_start", "scheduled_end", "local_day", "state", "version")
DESK_TODAY_ONLY = "Front desk sees today's sessions only."
# Whether a patient's REMS enrollment and R5 screening are recorded, as columns of a query.
RECORDED = (exists().where(RemsEnrollment.patient_id == Patient.id).label("rems_enrolled"),
            exists().where(Screening.patient_id == Patient.id).label("screening_recorded"))


class Shown(NamedTuple):
    """A view and the version of the record behind it (for the ETag)."""

    view: dict
    version: int


# --- patients ---------------------------------------------------------------------------------

def _patient_view(patient, rems_enrolled, screening_recorded, *, role):
    if role == FRONT_DESK:
        return {name: getattr(patient, name) for name in PATIENT_CONTACT_FIELDS}
    return dict(patient.model_dump(), rems_enrolled=bool(rems_enrolled),
                screening_recorded=bool(screening_recorded))


def patient_views(session, patients, *, role):
    """The views of `patients` for `role`, in their order: one query."""
    ids = [patient.id for patient in patients]
    recorded = {row.id: row for row in session.exec(
        select(Patient.id, *RECORDED).where(Patient.id.in_(ids)))} if ids else {}
    return [_patient_view(p, *recorded[p.id][1:], role=role) for p in patients]


def patient_search(session, *, role, q=None, limit=50, offset=0):
    """The patients that services.patients.search_query finds, viewed for `role`: one query."""
    query = search_query(*RECORDED, q=q, limit=limit, offset=offset)
    return [_patient_view(*row, role=role) for row in session.exec(query)]


def patient_shown(session, patient_id, *, role):
    """One patient for `role` with its version, in one query; NotFound for an unknown id."""
    found = session.exec(select(Patient, *RECORDED).where(Patient.id == patient_id)).first()
    if found is None:
        raise NotFound(f"Patient {patient_id} not found.")
    return Shown(_patient_view(*found, role=role), found[0].version)


# --- users ------------------------------------------------------------------------------------

def _user_view(user, site_ids):
    return dict(user.model_dump(exclude={"password_hash"}), site_ids=site_ids)


def user_views(session, users):
    """The views of `users` with the ids of their sites: one query."""
    ids = [user.id for user in users]
    sites = defaultdict(list)
    if ids:
        for user_id, site_id in session.exec(
                select(UserSite.user_id, UserSite.site_id).where(UserSite.user_id.in_(ids))
                .order_by(UserSite.site_id)):
            sites[user_id].append(site_id)
    return [_user_view(user, sites[user.id]) for user in users]


def all_user_views(session):
    """Every user by id with the ids of their sites: one query."""
    found = {}
    for user, site_id in session.exec(
            select(User, UserSite.site_id).outerjoin(UserSite, UserSite.user_id == User.id)
            .order_by(User.id, UserSite.site_id)):
        _, site_ids = found.setdefault(user.id, (user, []))
        if site_id is not None:
            site_ids.append(site_id)
    return [_user_view(user, site_ids) for user, site_ids in found.values()]


# --- sessions ---------------------------------------------------------------------------------

def _session_view(treatment_session, first_name, last_name, *, role, warnings=()):
    data = dict(treatment_session.model_dump(), warnings=list(warnings),
                patient_initials=f"{first_name[:1]}.{last_name[:1]}.")
    if role == FRONT_DESK:
        return {name: data[name] for name in SESSION_DESK_FIELDS}
    return data


def session_view(session, treatment_session, *, role, warnings=(), patient=None):
    """One session for `role` with its patient's initials (one query unless `patient` given)."""
    if patient is None:
        patient = session.exec(select(Patient.first_name, Patient.last_name)
                               .where(Patient.id == treatment_session.patient_id)).one()
    return _session_view(treatment_session, patient.first_name, patient.last_name, role=role,
                         warnings=warnings)


def _refuse_desk_other_days(role, day, timezone):
    if role == FRONT_DESK and day != local_date(utcnow(), timezone):
        raise NotPermitted(DESK_TODAY_ONLY)


def site_day_views(session, *, site_id, role, day=None):
    """A site's sessions on a site-local day (default today) by time and chair: two queries.

    Front desk sees today's only.
    """
    site = get_existing(session, Site, site_id, "Site")
    day = day or local_date(utcnow(), site.timezone)
    _refuse_desk_other_days(role, day, site.timezone)
    rows = session.exec(select(TreatmentSession, Patient.first_name, Patient.last_name)
                        .join(Patient, Patient.id == TreatmentSession.patient_id)
                        .where(TreatmentSession.site_id == site.id,
                               TreatmentSession.local_day == day)
                        .order_by(TreatmentSession.scheduled_start, TreatmentSession.chair_id))
    return [_session_view(*row, role=role) for row in rows]


def session_shown(session, session_id, *, role):
    """One session for `role` with its version, in one query; front desk sees today's only."""
    found = session.exec(
        select(TreatmentSession, Patient.first_name, Patient.last_name, Site.timezone)
        .join(Patient, Patient.id == TreatmentSession.patient_id)
        .join(Site, Site.id == TreatmentSession.site_id)
        .where(TreatmentSession.id == session_id)).first()
    if found is None:
        raise NotFound(f"Session {session_id} not found.")
    treatment_session, first_name, last_name, timezone = found
    _refuse_desk_other_days(role, treatment_session.local_day, timezone)
    return Shown(_session_view(treatment_session, first_name, last_name, role=role),
                 treatment_session.version)


# --- a session's record (clinical: the role matrix keeps front desk out) -----------------------

def entry_view(values, replaced_by=None):
    """A stored entry's column values with `amended` and `amended_by_id`."""
    return dict(values, amended=replaced_by is not None, amended_by_id=replaced_by)


def written_view(written):
    """An entry just written (entries.Written) with the session's state, warnings and alerts."""
    return dict(entry_view(written.entry.model_dump()), session_state=written.session.state,
                warnings=written.warnings, alerts=written.alerts)


def record_view(session, session_id):
    """Every entry of the session by kind, corrections and corrected entries alike: two
    queries (the session's state, then its entries of every kind in one)."""
    state = session.exec(select(TreatmentSession.state)
                         .where(TreatmentSession.id == session_id)).first()
    if state is None:
        raise NotFound(f"Session {session_id} not found.")
    view = {"session_id": session_id, "state": state}
    for kind, rows in read_entries(session, [session_id], every_column=True)[session_id].items():
        replaced = amended_by(rows)
        view[kind] = [entry_view(own_values(row), replaced.get(row.id)) for row in rows]
    return view


# --- the FHIR export (clinical: the role matrix keeps front desk out) -------------------------

class SessionPlace(NamedTuple):
    """A session with its patient and its site."""

    session: TreatmentSession
    patient: Patient
    site: Site


def session_place(session, session_id):
    """One session with its patient and site, in one query; NotFound for an unknown id."""
    found = session.exec(select(TreatmentSession, Patient, Site)
                         .join(Patient, Patient.id == TreatmentSession.patient_id)
                         .join(Site, Site.id == TreatmentSession.site_id)
                         .where(TreatmentSession.id == session_id)).first()
    if found is None:
        raise NotFound(f"Session {session_id} not found.")
    return SessionPlace(*found)


def site_sessions_page(session, *, site_id, first_day, last_day, limit, after=None):
    """Up to `limit` (session, patient) of a site's sessions on the site-local days
    first_day..last_day, by day and id, after `after` (the (local_day, id) of the last one
    read): one query, keyset pagination on the (site, day) index."""
    query = (select(TreatmentSession, Patient)
             .join(Patient, Patient.id == TreatmentSession.patient_id)
             .where(TreatmentSession.site_id == site_id,
                    TreatmentSession.local_day.between(first_day, last_day)))
    if after is not None:
        query = query.where(tuple_(TreatmentSession.local_day, TreatmentSession.id)
                            > tuple_(*after))
    return session.exec(query.order_by(TreatmentSession.local_day, TreatmentSession.id)
                        .limit(limit)).all()


def staff_members(session, user_ids):
    """The users of `user_ids`, by id: one query (none for no ids)."""
    if not user_ids:
        return []
    return session.exec(select(User).where(User.id.in_(sorted(user_ids))).order_by(User.id)).all()
