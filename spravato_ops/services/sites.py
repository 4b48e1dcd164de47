"""Sites, chairs and site policy."""
from sqlalchemy import func, or_, true
from sqlmodel import select

from ..clock import utcnow
from ..domain.policy import DEFAULT_POLICY, SitePolicy, validate_policy
from ..domain.calendar import local_date
from ..domain.eligibility import SiteFacts, certification_status
from ..domain.enums import SessionState
from ..domain.opening_hours import opening_violations
from ..models import Chair, Patient, Site, SitePolicyRecord, TreatmentSession, UserSite
from . import audit
from .common import check_version, get_existing, save_new, save_update, update_record
from .failures import Conflict, InvalidInput, NotFound


def create_site(session, *, data, actor):
    site = Site(**data, created_at=utcnow())
    return save_new(session, site, entity="site", actor=actor)


def update_site(session, *, site_id, changes, actor, expected_version=None):
    """Change a site under If-Match. Its time zone is fixed once a session is booked there:
    each session's day, the schedule, the reminders and the REMS deadlines are the site's
    local days (409 then)."""
    site = get_existing(session, Site, site_id, "Site")
    moved = changes.get("timezone", site.timezone) != site.timezone
    if moved and session.exec(select(TreatmentSession.id).where(
            TreatmentSession.site_id == site_id).limit(1)).first() is not None:
        raise Conflict(f"The time zone of {site.name} cannot change once sessions are booked "
                       "there: their days, reminders and REMS deadlines are the site's local "
                       "days. Add a new site for the other time zone.")
    return save_update(session, site, changes, entity="site", actor=actor,
                       expected_version=expected_version)


def list_sites(session):
    return session.exec(select(Site).order_by(Site.id)).all()


def add_chair(session, *, site_id, label, actor):
    get_existing(session, Site, site_id, "Site")
    _refuse_label_taken(session, site_id, label)
    return save_new(session, Chair(site_id=site_id, label=label), entity="chair", actor=actor)


def update_chair(session, *, site_id, chair_id, changes, actor):
    """Rename a chair of the site, or take it out of use and back: a chair out of use takes
    no new booking (booking.refuse_invalid) and counts for no capacity; the sessions booked
    on it stay, for the schedulers to move (sessions_booked_on). Audited; commits."""
    chair = session.exec(select(Chair).where(Chair.id == chair_id,
                                             Chair.site_id == site_id)).first()
    if chair is None:
        raise NotFound(f"Chair {chair_id} is not a chair of site {site_id}.")
    label = changes.get("label", chair.label)
    if label != chair.label:
        _refuse_label_taken(session, site_id, label)
    if update_record(session, chair, changes, entity="chair", actor=actor):
        session.commit()
    return chair


def _refuse_label_taken(session, site_id, label):
    """422 on `label` when another chair of the site has it."""
    if session.exec(select(Chair.id).where(Chair.site_id == site_id,
                                           Chair.label == label)).first() is not None:
        raise InvalidInput({"label": [f"Chair '{label}' already exists at this site."]})


def sessions_booked_on(session, *, chair_id, now):
    """How many sessions are still booked on the chair from `now` on."""
    return _booked_from(session, now, TreatmentSession.chair_id == chair_id)


def _booked_from(session, now, *where):
    """How many sessions matching `where` are still booked (scheduled) from `now` on."""
    return session.exec(select(func.count()).select_from(TreatmentSession).where(
        TreatmentSession.state == SessionState.SCHEDULED.value,
        TreatmentSession.scheduled_start >= now, *where)).one()


def list_chairs(session, *, site_id):
    get_existing(session, Site, site_id, "Site")
    return session.exec(select(Chair).where(Chair.site_id == site_id).order_by(Chair.label)).all()


def policy_record(session, site_id):
    """Return the stored policy row of a site (None while it uses the defaults)."""
    return session.get(SitePolicyRecord, site_id)


def policy_from(settings):
    """The SitePolicy of a site's stored settings (none stored: the defaults)."""
    return SitePolicy.from_mapping(settings) if settings else DEFAULT_POLICY


def site_policy(session, site_id):
    """Return the site's SitePolicy (the P-ids the rules read)."""
    record = policy_record(session, site_id)
    return policy_from(record.settings if record else None)


def select_with_policy(*columns, site_id):
    """select(*columns) plus the stored policy settings (None: the defaults) of site `site_id`."""
    return (select(*columns, SitePolicyRecord.settings)
            .outerjoin(SitePolicyRecord, SitePolicyRecord.site_id == site_id))


def with_policy(query, *, site_id):
    """A select of several columns plus a last one: the stored policy settings of site
    `site_id`, joined after the query's own joins (select_with_policy for a new select)."""
    return (query.add_columns(SitePolicyRecord.settings)
            .outerjoin(SitePolicyRecord, SitePolicyRecord.site_id == site_id))


def site_with_policy(session, site_id):
    """Return (site, SitePolicy) in one query; 404 for an unknown site."""
    found = session.exec(select_with_policy(Site, site_id=Site.id)
                         .where(Site.id == site_id)).first()
    if found is None:
        raise NotFound(f"Site {site_id} not found.")
    site, settings = found
    return site, policy_from(settings)


def replace_policy(session, *, site_id, settings, actor, expected_version=None):
    """PUT the site's P-ids: keys left out take the defaults; every value validated."""
    get_existing(session, Site, site_id, "Site")
    try:
        policy = SitePolicy.from_mapping(settings)
    except (TypeError, ValueError) as exc:
        raise InvalidInput({"_policy": [str(exc)]}) from exc
    errors = validate_policy(policy)
    if errors:
        raise InvalidInput(errors, "The policy is not consistent.")
    record = policy_record(session, site_id)
    if record is None:
        # Version 0 is the defaults' version (GET answers ETag "0" before any PUT).
        record = SitePolicyRecord(site_id=site_id, settings={}, version=0, updated_at=utcnow())
    check_version(record, expected_version)
    before = dict(record.settings)
    record.settings = policy.to_mapping()
    record.version += 1
    record.updated_at = utcnow()
    session.add(record)
    audit.record(session, action="update", entity="site_policy", entity_id=site_id, actor=actor,
                 before=before, after=record.settings)
    session.commit()
    return record


def site_facts(site):
    """The site as the eligibility rules see it (R4.1, R4.2, R4.3 switches)."""
    return SiteFacts(setting_type=site.setting_type,
                     rems_certification_id=site.rems_certification_id,
                     rems_certified_until=site.rems_certified_until,
                     enrollment_required=site.rems_enrollment_required,
                     monitoring_form_required=site.rems_forms_required,
                     withheld_form_required=site.rems_forms_for_withheld)


def certification_today(site, now):
    """R4.1: the site's certification status on its own today."""
    return certification_status(site_facts(site), local_date(now, site.timezone))


def certification_outlook(session, site, *, now):
    """R4.1 for the site's admin: the certification's status on the site's today and, once it
    is ending or lapsed, how many sessions are booked for after its last day (bookings past
    that day are refused: they need the renewal entered first)."""
    status = certification_today(site, now)
    booked_after = 0
    if status.state in ("ending", "lapsed"):
        booked_after = _booked_from(session, now, TreatmentSession.site_id == site.id,
                                    TreatmentSession.local_day > site.rems_certified_until)
    return status, booked_after


def at_sites_of(user, site_column):
    """SQL: `site_column` is a site `user` works at: those assigned, or every site when none
    is (and for admins)."""
    if user.role == "admin":
        return true()
    assigned = select(UserSite.site_id).where(UserSite.user_id == user.id)
    return or_(~assigned.exists(), site_column.in_(assigned))


def sites_of(session, *, user):
    """Return the sites a user works at: those assigned, or every site when none is (admins)."""
    assigned = select(UserSite.site_id).where(UserSite.user_id == user.id)
    if user.role != "admin" and session.exec(assigned).first() is not None:
        return session.exec(select(Site).where(Site.id.in_(assigned)).order_by(Site.id)).all()
    return list_sites(session)


def opening_conflicts(session, *, site_id, now):
    """The site's sessions still to come (scheduled, from `now` on) that its opening hours
    leave outside (P-HOURS), each with its violation, in time order: changing the hours
    moves or cancels nothing, the schedulers move these."""
    site, policy = site_with_policy(session, site_id)
    rows = session.exec(
        select(TreatmentSession, Chair.label, Patient.first_name, Patient.last_name)
        .join(Chair, Chair.id == TreatmentSession.chair_id)
        .join(Patient, Patient.id == TreatmentSession.patient_id)
        .where(TreatmentSession.site_id == site_id, TreatmentSession.state == "scheduled",
               TreatmentSession.scheduled_start >= now)
        .order_by(TreatmentSession.scheduled_start, TreatmentSession.id)).all()
    found = []
    for record, chair, first_name, last_name in rows:
        violations = opening_violations(policy.opening_hours, record.scheduled_start,
                                        record.scheduled_end, site.timezone)
        if violations:
            found.append({"session_id": record.id, "chair_id": record.chair_id, "chair": chair,
                          "patient_initials": f"{first_name[:1]}.{last_name[:1]}.",
                          "scheduled_start": record.scheduled_start,
                          "scheduled_end": record.scheduled_end, "violations": violations})
    return found
