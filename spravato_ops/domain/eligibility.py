"""Who may be treated where and when: REMS site, enrollment, screening, age (R4.1-R5.4)."""
from dataclasses import dataclass
from datetime import date

from .enums import ConcomitantMedication as Med, SettingType
from .label import ADULT_AGE_YEARS
from .violations import Violation, hard_stop, soft_stop, warning


@dataclass(frozen=True)
class SiteFacts:
    setting_type: SettingType
    rems_certification_id: str | None
    rems_certified_until: date | None
    enrollment_required: bool = True
    monitoring_form_required: bool = True
    withheld_form_required: bool = False


@dataclass(frozen=True)
class PatientFacts:
    date_of_birth: date
    rems_patient_id: str | None = None
    enrolled_on: date | None = None


@dataclass(frozen=True)
class ScreeningFacts:
    aneurysmal_vascular_disease: bool = False
    arteriovenous_malformation: bool = False
    intracerebral_hemorrhage_history: bool = False
    hypersensitivity: bool = False
    pregnant_or_breastfeeding: bool = False
    psychosis_history: bool = False
    hypertensive_encephalopathy_history: bool = False
    substance_use_history: bool = False
    concomitant_medications: tuple[str, ...] = ()


# R5.1 hard stops, R5.3 soft stops: screening field -> message
CONTRAINDICATIONS = {
    "aneurysmal_vascular_disease": "aneurysmal vascular disease",
    "arteriovenous_malformation": "arteriovenous malformation",
    "intracerebral_hemorrhage_history": "history of intracerebral hemorrhage",
    "hypersensitivity": "hypersensitivity to esketamine, ketamine or an excipient",
}
PRECAUTIONS = {
    "pregnant_or_breastfeeding": "pregnancy or breastfeeding",
    "psychosis_history": "history of psychosis",
    "hypertensive_encephalopathy_history": "history of hypertensive encephalopathy",
}
# R5.4 medication class -> (warning code, what to watch)
MEDICATION_WARNINGS = {
    Med.BENZODIAZEPINE: ("concomitant_cns_depressant", "CNS depressant: watch sedation"),
    Med.NON_BENZODIAZEPINE_SEDATIVE_HYPNOTIC: ("concomitant_cns_depressant",
                                               "CNS depressant: watch sedation"),
    Med.OPIOID: ("concomitant_cns_depressant", "CNS depressant: watch sedation"),
    Med.OTHER_CNS_DEPRESSANT: ("concomitant_cns_depressant", "CNS depressant: watch sedation"),
    Med.PSYCHOSTIMULANT: ("concomitant_psychostimulant",
                          "psychostimulant: watch blood pressure"),
    Med.MAOI: ("concomitant_maoi", "MAOI: watch blood pressure"),
}


def age_on(date_of_birth: date, day: date) -> int:
    """Return completed years on `day` (R5.2); a 29 February birthday counts from 1 March."""
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - before_birthday


def site_certified(site: SiteFacts, day: date) -> bool:
    """Return whether REMS certification covers `day` (R4.1); no end date means not certified."""
    return bool(site.rems_certification_id and site.rems_certified_until
                and day <= site.rems_certified_until)


# R4.1: how long before a site's certification ends its admin is told, so that it is renewed
# before bookings stop.
CERTIFICATION_NOTICE_DAYS = 60


@dataclass(frozen=True)
class CertificationStatus:
    """Where a site's REMS certification stands on a day (R4.1): "none" (no id or no end
    date), "lapsed" (ended before the day), "ending" (ends within the notice) or "active";
    with the days left, the end day counted (0: it ends today)."""

    state: str
    days_left: int | None = None


def certification_status(site: SiteFacts, today: date,
                         notice_days: int = CERTIFICATION_NOTICE_DAYS) -> CertificationStatus:
    """R4.1: whether the site can still book on `today`, and for how long."""
    if not (site.rems_certification_id and site.rems_certified_until):
        return CertificationStatus("none")
    days_left = (site.rems_certified_until - today).days
    if days_left < 0:
        return CertificationStatus("lapsed", days_left)
    return CertificationStatus("ending" if days_left < notice_days else "active", days_left)


def enrollment_required(site: SiteFacts) -> bool:
    """Outpatient sites enroll patients unless the program switch is off (R4.2)."""
    return site.setting_type == SettingType.OUTPATIENT and site.enrollment_required


def patient_enrolled(patient: PatientFacts, day: date) -> bool:
    """Return whether the patient is REMS-enrolled on or before `day` (R4.2)."""
    return bool(patient.rems_patient_id and patient.enrolled_on and patient.enrolled_on <= day)


def check_site_and_patient(site: SiteFacts, patient: PatientFacts, day: date) -> list[Violation]:
    """R4.1 site certification, R4.2 outpatient enrollment, R5.2 age on the session day."""
    found = []
    if not site_certified(site, day):
        found.append(hard_stop("R4.1", "site_not_certified",
                               f"The site's REMS certification is not active on {day}."))
    if enrollment_required(site) and not patient_enrolled(patient, day):
        found.append(hard_stop("R4.2", "patient_not_enrolled",
                               f"The patient is not enrolled in the REMS by {day}."))
    if age_on(patient.date_of_birth, day) < ADULT_AGE_YEARS:
        found.append(hard_stop("R5.2", "under_18",
                               f"The patient is under {ADULT_AGE_YEARS} on {day}."))
    return found


def check_screening(screening: ScreeningFacts | None) -> list[Violation]:
    """R5.1 contraindications (hard), R5.3 precautions (soft), R5.4 warnings; all at once."""
    if screening is None:
        return [hard_stop("R5.1", "screening_missing",
                          "Contraindication screening must be recorded before treatment.")]
    found = [hard_stop("R5.1", f"contraindication_{field}", f"Contraindicated: {text}.")
             for field, text in CONTRAINDICATIONS.items() if getattr(screening, field)]
    found += [soft_stop("R5.3", field, f"Prescriber review needed: {text}.")
              for field, text in PRECAUTIONS.items() if getattr(screening, field)]
    return found + screening_warnings(screening)


def screening_warnings(screening: ScreeningFacts) -> list[Violation]:
    """R5.4: one warning per concern (CNS depressant, psychostimulant, MAOI, substance use)."""
    found: dict[str, Violation] = {}
    for medication in screening.concomitant_medications:
        try:
            code, text = MEDICATION_WARNINGS[Med(medication)]
        except ValueError:
            continue  # a class the REMS form does not list
        found.setdefault(code, warning("R5.4", code, f"Concomitant {text}."))
    if screening.substance_use_history:
        found["substance_use_history"] = warning(
            "R5.4", "substance_use_history",
            "Substance-use history: esketamine has abuse and misuse potential.")
    return list(found.values())


def check_eligibility(site: SiteFacts, patient: PatientFacts, screening: ScreeningFacts | None,
                      session_day: date) -> list[Violation]:
    """Return every eligibility violation for a session on a site-local day (R4.1-R5.4)."""
    return check_site_and_patient(site, patient, session_day) + check_screening(screening)
