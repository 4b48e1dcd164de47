"""A demo clinic for trying the service: one site, six chairs, a user per role,
patients, sessions."""
from datetime import date, datetime, time, timedelta

from sqlmodel import select

from .domain.enums import FormStatus
from .domain.plain import to_plain
from .domain.policy import DEFAULT_POLICY
from .domain.state_machine import TERMINAL
from .services import audit, reminders
from .services.rems_form_views import build_forms
from .services.report_facts import keep_facts
from .services.credentials import hash_password
from .clock import utcnow
from .domain.calendar import local_date, zone
from .models import (
    Chair, ChecklistEntry, DeviceAdministration, Discharge, ObservationEntry, Patient,
    RemsEnrollment, RemsForm, RemsFormSignature,
    Screening, Site, TreatmentCourse, TreatmentSession, User, UserSite, VitalsEntry,
)

SITE_NAME = "Riverside Outpatient Clinic (demo)"
TIMEZONE = "America/New_York"
PASSWORD_SUFFIX = "-demo-2026"
ROLES = ("admin", "scheduler", "nurse", "prescriber", "front_desk")
# The past sessions older than this have their REMS form signed and submitted (R4.3: 7 days).
SUBMITTED_AFTER_DAYS = 7
# (first, last, indication, course start in days before today, continuation weeks)
PATIENTS = [
    ("Maria", "Lopez", "TRD", 2, 1), ("James", "Carter", "TRD", 9, 1),
    ("Aisha", "Khan", "TRD", 16, 1), ("Robert", "Nguyen", "TRD", 24, 1),
    ("Linda", "Okafor", "TRD", 33, 1), ("David", "Schultz", "TRD", 45, 1),
    ("Sofia", "Rossi", "TRD", 70, 1), ("Michael", "Brown", "TRD", 90, 2),
    ("Grace", "Kim", "TRD", 130, 2), ("Omar", "Haddad", "MDSI", 3, 1),
    ("Emily", "Walsh", "MDSI", 12, 1), ("Daniel", "Cohen", "TRD", 0, 1),
]


def logins():
    return [(f"{role.replace('_', '-')}@demo.clinic", f"{role}{PASSWORD_SUFFIX}", role)
            for role in ROLES]


def seed(session):
    """Load the demo clinic once; on later runs only print the logins. Yields lines to print."""
    site = session.exec(select(Site).where(Site.name == SITE_NAME)).first()
    if site is None:
        site = _seed_all(session)
        yield f"Demo clinic created: site {site.id}, {SITE_NAME} ({TIMEZONE})."
    else:
        yield f"Demo clinic already present: site {site.id}."
    yield "Logins (email / password / role):"
    for email, password, role in logins():
        yield f"  {email:28} {password:28} {role}"


def _seed_all(session):
    now = utcnow()
    today = local_date(now, TIMEZONE)
    site = Site(name=SITE_NAME, timezone=TIMEZONE, setting_type="outpatient",
                rems_certification_id="REMS-DEMO-0001",
                rems_certified_until=today + timedelta(days=365),
                address="100 River Road, Springfield", phone="555-0100", created_at=now)
    session.add(site)
    session.flush()
    chairs = [Chair(site_id=site.id, label=f"Chair {n}") for n in range(1, 7)]
    users = {}
    for email, password, role in logins():
        users[role] = User(email=email, name=f"Demo {role.replace('_', ' ').title()}", role=role,
                           password_hash=hash_password(password), created_at=now)
    session.add_all(chairs + list(users.values()))
    session.flush()
    session.add_all(UserSite(user_id=u.id, site_id=site.id) for u in users.values())
    for index, spec in enumerate(PATIENTS):
        _seed_patient(session, site, chairs, users, index, spec, today, now)
    # The sessions that have ended keep their report facts, as the services' moves write them.
    keep_facts(session, select(TreatmentSession.id).where(
        TreatmentSession.site_id == site.id, TreatmentSession.state.in_(TERMINAL)))
    audit.record(session, action="seed_demo", entity="site", entity_id=site.id,
                 actor=users["admin"], after={"name": SITE_NAME})
    session.commit()
    return site


def _seed_patient(session, site, chairs, users, index, spec, today, now):
    first, last, indication, started_days_ago, interval = spec
    patient = Patient(mrn=f"DEMO{index + 1:04d}", first_name=first, last_name=last,
                      date_of_birth=date(1960 + index * 3, 1 + index % 12, 10),
                      sex="female" if index % 2 else "male",
                      phone=f"555-01{index + 10:02d}", email=f"{first.lower()}@example.org",
                      reminder_channel=("email", "sms", "none")[index % 3], created_at=now,
                      updated_at=now)
    session.add(patient)
    session.flush()
    session.add(Screening(patient_id=patient.id, aneurysmal_vascular_disease=False,
                          arteriovenous_malformation=False, intracerebral_hemorrhage_history=False,
                          hypersensitivity=False, pregnant_or_breastfeeding=False,
                          psychosis_history=False, hypertensive_encephalopathy_history=False,
                          concomitant_medications=["benzodiazepine"] if index == 4 else [],
                          recorded_by=users["prescriber"].id, recorded_at=now))
    start = today - timedelta(days=started_days_ago)
    session.add(RemsEnrollment(patient_id=patient.id,
                               rems_patient_id=f"RP-DEMO-{index + 1:04d}",
                               enrolled_on=start - timedelta(days=3),
                               recorded_by=users["scheduler"].id, recorded_at=now))
    course = TreatmentCourse(patient_id=patient.id, indication=indication, start_date=start,
                             prescriber_id=users["prescriber"].id,
                             continuation_interval_weeks=interval,
                             oral_antidepressant=("sertraline 100 mg"
                                                  if indication == "MDSI" or index % 2 else None),
                             created_at=now)
    session.add(course)
    session.flush()
    _past_sessions(session, site, chairs[index % 6], users, patient, course, index, today, now)
    if index < 6:
        _today_session(session, site, chairs[index], users, patient, course, index, today, now)
    else:
        _later_session(session, site, chairs[index % 6], users, patient, course, index, today, now)


def _at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=zone(TIMEZONE))


def _new_session(site, chair, users, patient, course, start, day, dose, state, now):
    return TreatmentSession(course_id=course.id, patient_id=patient.id, site_id=site.id,
                            chair_id=chair.id, scheduled_start=start,
                            scheduled_end=start + timedelta(minutes=150), local_day=day,
                            planned_dose_mg=dose, state=state, created_by=users["scheduler"].id,
                            created_at=now, updated_at=now)


def _today_session(session, site, chair, users, patient, course, index, today, now):
    """Today's chairs: two under observation, one arrived, three booked for later
    (relative to now)."""
    offsets = {0: -75, 1: -35, 2: -5, 3: 60, 4: 150, 5: 240}
    start = now + timedelta(minutes=offsets[index])
    state = {0: "observing", 1: "observing", 2: "arrived"}.get(index, "scheduled")
    dose = 56 if course.indication == "TRD" and index in (0, 5) else 84
    if course.start_date == today:
        dose = 56
    record = _new_session(site, chair, users, patient, course, start, local_date(start, TIMEZONE),
                          dose, state, now)
    if state == "arrived":
        record.arrived_at = now - timedelta(minutes=5)
    session.add(record)
    session.flush()
    if state == "scheduled":
        reminders.plan_for_session(session, record=record, patient=patient, site=site,
                                   policy=DEFAULT_POLICY)
    if state == "observing":
        _seed_treatment(session, record, users["nurse"], start + timedelta(minutes=10), now)


def _seed_treatment(session, record, nurse, first_device, now, post_dose=True):
    """Checklist, pre-dose BP, devices, post-dose BP and observations up to now."""
    add = session.add
    common = dict(session_id=record.id, recorded_by=nurse.id)
    add(ChecklistEntry(**common, recorded_at=first_device - timedelta(minutes=8), no_food_2h=True,
                       no_liquids_30m=True, nasal_medication_ok=True,
                       transport_name="Sam (partner)", transport_phone="555-0199"))
    add(VitalsEntry(**common, recorded_at=first_device - timedelta(minutes=5), timepoint="pre_dose",
                    systolic=128, diastolic=82, heart_rate=72, spo2=98,
                    taken_at=first_device - timedelta(minutes=5)))
    for number in range(record.planned_dose_mg // 28):
        at = first_device + timedelta(minutes=5 * number)
        add(DeviceAdministration(**common, recorded_at=at, device_number=number + 1,
                                 administered_at=at, lot_number="LOT-24A17"))
    if post_dose and now - first_device >= timedelta(minutes=40):
        at = first_device + timedelta(minutes=40)
        add(VitalsEntry(**common, recorded_at=at, timepoint="post_dose", systolic=142, diastolic=88,
                        heart_rate=78, spo2=97, taken_at=at))
    minute = 15
    while first_device + timedelta(minutes=minute) <= now:
        at = first_device + timedelta(minutes=minute)
        add(ObservationEntry(**common, recorded_at=at, observed_at=at,
                             moaas=4 if minute <= 45 else 5,
                             dissociation="mild" if minute <= 45 else "none",
                             respiratory_depression=False, spo2=97, symptoms=[]))
        minute += 15


def _past_sessions(session, site, chair, users, patient, course, index, today, now):
    """The course's last week or two, held and discharged (the REMS forms of the last seven
    days are due, the older ones submitted; one left without its post-dose BP shows what the
    form check names)."""
    for days_ago in (3, 6, 10):
        day = today - timedelta(days=days_ago)
        if day < course.start_date:
            continue
        start = _at(day, 8 + (index // 6) * 3)  # six chairs, two sittings a day
        dose = 56 if day == course.start_date else 84
        record = _new_session(site, chair, users, patient, course, start, day, dose,
                              "discharged", now)
        record.arrived_at = start - timedelta(minutes=10)
        session.add(record)
        session.flush()
        first_device = start + timedelta(minutes=10)
        end = first_device + timedelta(minutes=125)
        _seed_treatment(session, record, users["nurse"], first_device, end,
                        post_dose=not (index == 3 and days_ago == 3))
        session.add(VitalsEntry(session_id=record.id, recorded_by=users["nurse"].id,
                                recorded_at=end - timedelta(minutes=5), timepoint="pre_discharge",
                                systolic=126, diastolic=80, heart_rate=70, spo2=98,
                                taken_at=end - timedelta(minutes=5)))
        session.add(Discharge(session_id=record.id, recorded_by=users["nurse"].id,
                              recorded_at=end, discharged_at=end, clinically_stable=True,
                              ready_to_leave_at=end - timedelta(minutes=10)))
        if days_ago > SUBMITTED_AFTER_DAYS:
            session.flush()
            _submitted_form(session, record, users, _at(day + timedelta(days=1), 9))


def _submitted_form(session, record, users, signed_at):
    """R4.3: a past week's form, signed by the prescriber the next morning and sent online by
    the nurse (as the services sign and record it, with the fields as signed)."""
    built = build_forms(session, [record.id])[record.id]
    if not built.complete:
        return
    sent = dict(submission_method="online", submission_reference=f"DEMO-{record.id:05d}",
                submitted_at=signed_at + timedelta(minutes=20), submitted_by=users["nurse"].id)
    form = RemsForm(session_id=record.id, site_id=record.site_id,
                    status=FormStatus.SUBMITTED.value, deadline=built.deadline,
                    signed_by=users["prescriber"].id, signed_at=signed_at,
                    created_at=signed_at, updated_at=sent["submitted_at"], **sent)
    session.add(form)
    session.flush()
    session.add(RemsFormSignature(form_id=form.id, signed_by=users["prescriber"].id,
                                  signed_at=signed_at, fields=to_plain(built.fields), **sent))


def _later_session(session, site, chair, users, patient, course, index, today, now):
    """This week's bookings for the patients not treated today."""
    day = today + timedelta(days=1 + index % 4)
    start = _at(day, 9 + (index % 3) * 3)
    record = _new_session(site, chair, users, patient, course, start, day, 84, "scheduled", now)
    session.add(record)
    session.flush()
    reminders.plan_for_session(session, record=record, patient=patient, site=site,
                               policy=DEFAULT_POLICY)
