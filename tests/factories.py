"""Records for tests, with sensible defaults that any argument can replace."""
import functools
import itertools
from datetime import date, timedelta

from spravato_ops.services.credentials import hash_password, issue_token
from spravato_ops.clock import utcnow
from spravato_ops.domain.calendar import local_date
from spravato_ops.models import (
    Chair, Patient, RemsEnrollment, Screening, Site, TreatmentCourse, TreatmentSession, User,
    UserSite,
)

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


@functools.cache
def password_hash():
    """Hash once per run: argon2 is deliberately slow."""
    return hash_password(PASSWORD)


class Factories:
    def __init__(self, session):
        self.db = session

    def _save(self, record):
        self.db.add(record)
        self.db.commit()
        return record

    def site(self, **fields):
        return self._save(self.unsaved_site(**fields))

    @staticmethod
    def unsaved_site(**fields):
        """A Site with the defaults, in no database session yet."""
        defaults = dict(name=f"Clinic {next(_counter)}", timezone="America/New_York",
                        setting_type="outpatient", rems_certification_id="REMS-1",
                        rems_certified_until=date.today() + timedelta(days=3650),
                        address="1 Main St", phone="555-0100", created_at=utcnow())
        return Site(**{**defaults, **fields})

    def chair(self, site=None, **fields):
        site = site or self.site()
        return self._save(Chair(site_id=site.id,
                                label=fields.pop("label", f"Chair {next(_counter)}"),
                                **fields))

    def user(self, role="nurse", site=None, **fields):
        n = next(_counter)
        defaults = dict(email=f"{role}{n}@example.org", name=f"{role.title()} {n}", role=role,
                        password_hash=password_hash(), created_at=utcnow())
        user = self._save(User(**{**defaults, **fields}))
        if site is not None:
            self._save(UserSite(user_id=user.id, site_id=site.id))
        return user

    def token(self, user):
        token, _ = issue_token(self.db, user, ttl_hours=12)
        self.db.commit()
        return token

    def auth_headers(self, role="nurse", site=None, user=None):
        user = user or self.user(role, site=site)
        return {"Authorization": f"Bearer {self.token(user)}"}

    def patient(self, screened=True, enrolled=True, **fields):
        n = next(_counter)
        now = utcnow()
        defaults = dict(mrn=f"MRN{n:05d}", first_name="Alex", last_name=f"Rivera{n}",
                        date_of_birth=date(1980, 5, 17), sex="female", phone="555-0101",
                        email=f"patient{n}@example.org", reminder_channel="email",
                        created_at=now, updated_at=now)
        patient = self._save(Patient(**{**defaults, **fields}))
        recorder = None
        if screened or enrolled:
            recorder = self.user("prescriber")
        if screened:
            self.screening(patient, recorded_by=recorder.id)
        if enrolled:
            self._save(RemsEnrollment(patient_id=patient.id, rems_patient_id=f"RP{n}",
                                      enrolled_on=date(2020, 1, 1), recorded_by=recorder.id,
                                      recorded_at=now))
        return patient

    def screening(self, patient, recorded_by, **answers):
        defaults = dict(aneurysmal_vascular_disease=False, arteriovenous_malformation=False,
                        intracerebral_hemorrhage_history=False, hypersensitivity=False,
                        pregnant_or_breastfeeding=False, psychosis_history=False,
                        hypertensive_encephalopathy_history=False, substance_use_history=False,
                        concomitant_medications=[])
        return self._save(Screening(patient_id=patient.id, recorded_by=recorded_by,
                                    recorded_at=utcnow(), **{**defaults, **answers}))

    def course(self, patient=None, prescriber=None, **fields):
        patient = patient or self.patient()
        prescriber = prescriber or self.user("prescriber")
        defaults = dict(indication="TRD", start_date=date.today(), prescriber_id=prescriber.id,
                        oral_antidepressant=None, continuation_interval_weeks=1,
                        created_at=utcnow())
        return self._save(TreatmentCourse(patient_id=patient.id, **{**defaults, **fields}))

    def session(self, course=None, chair=None, site=None, **fields):
        """A treatment session (default: now, 56 mg, scheduled), written directly, not booked."""
        site = site or (chair and self.db.get(Site, chair.site_id)) or self.site()
        chair = chair or self.chair(site)
        course = course or self.course()
        start = fields.pop("scheduled_start", None) or utcnow()
        now = utcnow()
        defaults = dict(course_id=course.id, patient_id=course.patient_id, site_id=site.id,
                        chair_id=chair.id, scheduled_start=start,
                        scheduled_end=start + timedelta(minutes=150),
                        local_day=local_date(start, site.timezone), planned_dose_mg=56,
                        state="scheduled", created_by=course.prescriber_id, created_at=now,
                        updated_at=now)
        return self._save(TreatmentSession(**{**defaults, **fields}))
