"""R4.3 Patient Monitoring Form: fields from plain values, the completeness check, the status
over the 7 days, and the kept (signed) fields' round trip."""
from dataclasses import replace
from datetime import date

import pytest

from spravato_ops.domain import DEFAULT_POLICY, SessionState, SiteFacts, VitalsTimepoint
from spravato_ops.domain.enums import FormStatus
from spravato_ops.domain.plain import from_plain, to_plain
from spravato_ops.domain.rems import days_left, form_required, form_status
from spravato_ops.domain.rems_form import (
    Clinician, FormOverride, FormSources, MonitoringForm, check_form, monitoring_form,
)

from .builders import at, good_record, obs, vitals

DEADLINE = date(2026, 3, 9)


def sources(**changes):
    """The standard session (builders.good_record) discharged at +125, ready at +90."""
    values = dict(
        patient_first_name="Dana", patient_last_name="Okafor", date_of_birth=date(1979, 3, 2),
        sex="female", rems_patient_id="RP-77", medications=("maoi", "other_cns_depressant"),
        first_treatment=False, clinician=Clinician("Kim Lee", "kim@clinic.example", "555-0100"),
        setting_name="Riverside", setting_address="1 River Road", treatment_date=date(2026, 3, 2),
        withheld=False, withhold_reason=None,
        record=good_record(discharged_at=at(125)), lot_numbers=("L-9", "L-9"),
        ready_to_leave_at=at(90))
    values.update(changes)
    return FormSources(**values)


def problems(**changes):
    return [p.code for p in check_form(monitoring_form(sources(**changes), DEFAULT_POLICY))]


def test_R4_3_fields_of_a_complete_session():
    form = monitoring_form(sources(), DEFAULT_POLICY)
    assert (form.enrolled, form.first_treatment) == (True, False)
    assert form.concomitant_medications.maoi and not form.concomitant_medications.opioid
    assert (form.dose_administered, form.dose_mg, form.lot_numbers) == ("56 mg", 56, ("L-9",))
    assert (form.total_minutes, form.ready_to_leave_minutes) == (125, 90)
    assert (form.bp_before_dosing.systolic, form.bp_at_40_minutes.systolic,
            form.bp_before_completion.systolic) == (130, 135, 128)
    assert form.vitals_acceptable_before_dosing and form.vitals_acceptable_before_completion
    assert not (form.sedation or form.dissociation or form.respiratory_depression)
    assert (form.pulse_oximetry, form.lowest_spo2) == (True, 98)
    assert check_form(form) == ()


@pytest.mark.parametrize(("readings", "expected"), [
    ((vitals(-10, 130, 80, VitalsTimepoint.PRE_DOSE), vitals(115, 128, 80,
                                                             VitalsTimepoint.PRE_DISCHARGE)),
     ["bp_40_minutes_missing"]),
    ((vitals(-10, 130, 80, VitalsTimepoint.PRE_DOSE), vitals(40, 135, 82)),
     ["pre_discharge_bp_missing"]),
    # A pre-discharge reading taken after the discharge is no reading before completion.
    ((vitals(-10, 130, 80, VitalsTimepoint.PRE_DOSE), vitals(40, 135, 82),
      vitals(130, 128, 80, VitalsTimepoint.PRE_DISCHARGE)), ["pre_discharge_bp_missing"]),
    ((vitals(40, 135, 82), vitals(115, 128, 80, VitalsTimepoint.PRE_DISCHARGE)),
     ["bp_before_dosing_missing"]),
])
def test_R4_3_each_missing_blood_pressure_is_named(readings, expected):
    record = good_record(vitals=readings, discharged_at=at(125))
    assert problems(record=record) == expected


def test_R4_3_no_pulse_oximetry_and_no_observation_are_named():
    record = good_record(observations=tuple(obs(m, spo2=None) for m in (15, 30)),
                         vitals=tuple(replace(v, spo2=None) for v in good_record().vitals),
                         discharged_at=at(125))
    assert problems(record=record) == ["pulse_oximetry_missing"]
    assert problems(record=good_record(observations=(), discharged_at=at(125))) == [
        "observations_missing"]


@pytest.mark.parametrize(("changes", "expected"), [
    ({"rems_patient_id": None}, ["not_enrolled"]),
    ({"medications": None}, ["screening_missing"]),
    ({"clinician": None}, ["clinician_missing", "clinician_phone_missing",
                           "clinician_email_missing"]),
    ({"clinician": Clinician("Kim Lee", "kim@clinic.example", None)}, ["clinician_phone_missing"]),
    ({"setting_address": ""}, ["setting_address_missing"]),
    ({"ready_to_leave_at": None}, ["ready_to_leave_missing"]),
    ({"ready_to_leave_at": at(130)}, ["ready_to_leave_after_discharge"]),  # R3.6
    ({"ready_to_leave_at": at(-5)}, ["ready_to_leave_before_dose"]),
    # A first device corrected to a later time leaves less than 120 minutes (R3.1).
    ({"record": good_record(discharged_at=at(116))}, ["monitoring_too_short"]),
    ({"record": good_record(discharged_at=None)}, ["monitoring_end_missing"]),
])
def test_R4_3_missing_or_inconsistent_fields(changes, expected):
    assert problems(**changes) == expected


def test_R4_3_yes_no_answers_from_the_observations():
    record = good_record(observations=(obs(30, moaas=3), obs(45, cadss=12), obs(60, resp=True,
                                                                                spo2=90)),
                         discharged_at=at(125))
    form = monitoring_form(sources(record=record), DEFAULT_POLICY)
    assert (form.sedation, form.dissociation, form.respiratory_depression) == (True, True, True)
    assert form.lowest_spo2 == 90


def test_R4_3_vital_signs_not_acceptable_above_the_site_ceilings():
    record = good_record(vitals=(vitals(-10, 150, 95, VitalsTimepoint.PRE_DOSE),
                                 vitals(40, 160, 96),
                                 vitals(115, 156, 92, VitalsTimepoint.PRE_DISCHARGE)),
                         discharged_at=at(125))
    form = monitoring_form(sources(record=record), DEFAULT_POLICY)
    assert form.vitals_acceptable_before_dosing is False  # above P-BP-ELEVATED (R2.1)
    assert form.vitals_acceptable_before_completion is False  # above the pre-dose reading (R2.4)


def test_R4_3_a_withheld_dose_reports_who_where_when_and_why():
    withheld = sources(withheld=True, withhold_reason="BP 184/112 (R2.1 bp_hold)",
                       record=good_record(devices=(), observations=(),
                                          vitals=(vitals(-10, 184, 112,
                                                         VitalsTimepoint.PRE_DOSE),)),
                       ready_to_leave_at=None, lot_numbers=())
    form = monitoring_form(withheld, DEFAULT_POLICY)
    assert (form.dose_administered, form.dose_mg, form.total_minutes) == ("withheld", 0, None)
    assert form.vitals_acceptable_before_dosing is False
    assert check_form(form) == ()
    assert [p.code for p in check_form(replace(form, withhold_reason=None))] == [
        "withhold_reason_missing"]


def test_a_part_dose_is_other():
    record = good_record(devices=good_record().devices[:1], discharged_at=at(125))
    form = monitoring_form(sources(record=record), DEFAULT_POLICY)
    assert (form.dose_administered, form.dose_mg) == ("other", 28)


def test_problems_become_r4_3_hard_stops():
    [problem] = check_form(monitoring_form(sources(rems_patient_id=None), DEFAULT_POLICY))
    violation = problem.as_violation()
    assert (violation.rule, violation.code, violation.override_allowed) == (
        "R4.3", "not_enrolled", False)


def test_the_signed_fields_round_trip_through_plain_json():
    form = monitoring_form(sources(overrides=(FormOverride(("R2.1 bp_elevated",), "Weighed",
                                                           "Dr Ames", at(-2)),)),
                           DEFAULT_POLICY)
    assert from_plain(MonitoringForm, to_plain(form)) == form


@pytest.mark.parametrize(("stage", "complete", "today", "expected"), [
    ("draft", False, date(2026, 3, 2), FormStatus.DRAFT),
    ("draft", True, date(2026, 3, 2), FormStatus.READY),
    ("ready", False, date(2026, 3, 5), FormStatus.DRAFT),  # a correction left a field empty
    ("signed", True, DEADLINE, FormStatus.SIGNED),
    ("signed", True, date(2026, 3, 10), FormStatus.OVERDUE),
    ("ready", True, date(2026, 3, 10), FormStatus.OVERDUE),
    ("submitted", True, date(2026, 3, 30), FormStatus.SUBMITTED),
])
def test_R4_3_status_over_the_7_days(stage, complete, today, expected):
    assert form_status(stage, complete, DEADLINE, today) == expected


def test_days_left_count_down_to_the_deadline_day():
    assert [days_left(DEADLINE, date(2026, 3, d)) for d in (2, 7, 9, 10)] == [7, 2, 0, -1]


@pytest.mark.parametrize(("site", "state", "expected"), [
    (SiteFacts("outpatient", "R", None), SessionState.DISCHARGED, True),
    (SiteFacts("outpatient", "R", None), SessionState.WITHHELD, False),
    (SiteFacts("outpatient", "R", None, withheld_form_required=True), SessionState.WITHHELD,
     True),
    (SiteFacts("outpatient", "R", None), SessionState.CANCELLED, False),
    (SiteFacts("inpatient", "R", None), SessionState.DISCHARGED, False),  # R4.2
    (SiteFacts("outpatient", "R", None, monitoring_form_required=False),
     SessionState.DISCHARGED, False),
])
def test_R4_3_which_sessions_file_a_form(site, state, expected):
    assert form_required(site, state) is expected
