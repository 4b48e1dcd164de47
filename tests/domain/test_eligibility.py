"""REMS site and enrollment, screening and age (R4.1, R4.2, R5.1-R5.4)."""
from datetime import date

import pytest

from spravato_ops.domain import PatientFacts, ScreeningFacts, SiteFacts, check_eligibility
from spravato_ops.domain.eligibility import (
    CERTIFICATION_NOTICE_DAYS, CertificationStatus, age_on, certification_status,
)

from .builders import codes

DAY = date(2026, 3, 9)
SITE = SiteFacts("outpatient", "REMS-123", date(2026, 12, 31))
INPATIENT = SiteFacts("inpatient", "REMS-9", date(2026, 12, 31))
PATIENT = PatientFacts(date(1980, 5, 1), "P-1", date(2026, 1, 2))
CLEAR = ScreeningFacts()


def check(site=SITE, patient=PATIENT, screening=CLEAR, day=DAY):
    return check_eligibility(site, patient, screening, day)


def test_clear_patient_has_no_violations():
    assert check() == []


@pytest.mark.parametrize("site, ok", [
    (SITE, True),
    (SiteFacts("outpatient", "REMS-123", DAY), True),  # last certified day
    (SiteFacts("outpatient", "REMS-123", date(2026, 3, 8)), False),
    (SiteFacts("outpatient", None, date(2026, 12, 31)), False),
    (SiteFacts("outpatient", "REMS-123", None), False),
])
def test_r4_1_site_certified_on_the_day(site, ok):
    found = check(site=site)
    assert ("site_not_certified" not in codes(found)) is ok
    assert all(v.kind == "hard_stop" for v in found)


@pytest.mark.parametrize("site, patient, enrolled", [
    (SITE, PATIENT, True),
    (SITE, PatientFacts(date(1980, 5, 1), "P-1", DAY), True),
    (SITE, PatientFacts(date(1980, 5, 1), "P-1", date(2026, 3, 10)), False),
    (SITE, PatientFacts(date(1980, 5, 1), None, None), False),
    (INPATIENT, PatientFacts(date(1980, 5, 1), None, None), True),  # R4.2 inpatient skips
    (SiteFacts("outpatient", "R", date(2027, 1, 1), enrollment_required=False),
     PatientFacts(date(1980, 5, 1)), True),
])
def test_r4_2_outpatient_enrollment(site, patient, enrolled):
    assert ("patient_not_enrolled" not in codes(check(site=site, patient=patient))) is enrolled


@pytest.mark.parametrize("field", ["aneurysmal_vascular_disease", "arteriovenous_malformation",
                                   "intracerebral_hemorrhage_history", "hypersensitivity"])
def test_r5_1_contraindications_hard_stop(field):
    found = check(screening=ScreeningFacts(**{field: True}))
    assert [(v.rule, v.code, v.kind) for v in found] == [
        ("R5.1", f"contraindication_{field}", "hard_stop")]


def test_r5_1_screening_missing():
    assert [(v.rule, v.code, v.kind) for v in check(screening=None)] == [
        ("R5.1", "screening_missing", "hard_stop")]


@pytest.mark.parametrize("dob, day, age", [
    (date(2008, 3, 9), date(2026, 3, 9), 18),
    (date(2008, 3, 10), date(2026, 3, 9), 17),
    (date(2008, 2, 29), date(2026, 2, 28), 17),  # leap-day birthday, non-leap year
    (date(2008, 2, 29), date(2026, 3, 1), 18),
    (date(2008, 2, 29), date(2028, 2, 29), 20),
    (date(2007, 12, 31), date(2026, 1, 1), 18),
])
def test_r5_2_age(dob, day, age):
    """R5.2: adults only (18 on the session day), leap-day birthdays included."""
    assert age_on(dob, day) == age
    found = codes(check(patient=PatientFacts(dob, "P", date(2020, 1, 1)), day=day,
                        site=SiteFacts("outpatient", "R", date(2030, 1, 1))))
    assert ("under_18" in found) is (age < 18)


@pytest.mark.parametrize("field", ["pregnant_or_breastfeeding", "psychosis_history",
                                   "hypertensive_encephalopathy_history"])
def test_r5_3_soft_stops(field):
    found = check(screening=ScreeningFacts(**{field: True}))
    assert [(v.rule, v.code, v.kind, v.override_role) for v in found] == [
        ("R5.3", field, "soft_stop", "prescriber")]


@pytest.mark.parametrize("medications, substance, expected", [
    (("benzodiazepine",), False, ["concomitant_cns_depressant"]),
    (("opioid", "non_benzodiazepine_sedative_hypnotic", "other_cns_depressant"), False,
     ["concomitant_cns_depressant"]),
    (("psychostimulant",), False, ["concomitant_psychostimulant"]),
    (("maoi", "opioid"), False, ["concomitant_maoi", "concomitant_cns_depressant"]),
    (("vitamin_d",), False, []),
    ((), True, ["substance_use_history"]),
])
def test_r5_4_warnings(medications, substance, expected):
    found = check(screening=ScreeningFacts(concomitant_medications=medications,
                                           substance_use_history=substance))
    assert codes(found) == expected
    assert all(v.kind == "warning" and v.rule == "R5.4" for v in found)


def test_r4_1_r4_2_r5_every_violation_at_once():
    found = check(site=SiteFacts("outpatient", None, None),
                  patient=PatientFacts(date(2010, 1, 1)),
                  screening=ScreeningFacts(hypersensitivity=True, psychosis_history=True,
                                           concomitant_medications=("maoi",)))
    assert codes(found) == ["site_not_certified", "patient_not_enrolled", "under_18",
                            "contraindication_hypersensitivity", "psychosis_history",
                            "concomitant_maoi"]


@pytest.mark.parametrize("site, status", [
    (SiteFacts("outpatient", None, date(2026, 12, 31)), CertificationStatus("none")),
    (SiteFacts("outpatient", "REMS-123", None), CertificationStatus("none")),
    (SiteFacts("outpatient", "REMS-123", date(2026, 3, 8)), CertificationStatus("lapsed", -1)),
    (SiteFacts("outpatient", "REMS-123", DAY), CertificationStatus("ending", 0)),
    (SiteFacts("outpatient", "REMS-123", date(2026, 5, 7)), CertificationStatus("ending", 59)),
    (SiteFacts("outpatient", "REMS-123", date(2026, 5, 8)), CertificationStatus("active", 60)),
])
def test_r4_1_certification_status_tells_the_admin_before_bookings_stop(site, status):
    """R4.1: the admin is told CERTIFICATION_NOTICE_DAYS before the last certified day; the
    status agrees with the hard stop (lapsed exactly when booking is refused)."""
    assert CERTIFICATION_NOTICE_DAYS == 60
    assert certification_status(site, DAY) == status
    refused = "site_not_certified" in codes(check(site=site))
    assert refused == (status.state in ("none", "lapsed"))
