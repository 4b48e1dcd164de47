"""Each entry kind is described once, by its table: the schemas and services take its columns."""
from dataclasses import fields as dataclass_fields
from datetime import date

import pytest
from freezegun import freeze_time
from marshmallow import Schema, ValidationError

from schemas import clinical, course, patient
from schemas.common import DateWithin, StrictBoolean, TODAY, years_after, years_from_today
from spravato_ops.domain.eligibility import ScreeningFacts
from spravato_ops.models import (
    AdverseEvent, ChecklistEntry, DeviceAdministration, Discharge, ObservationEntry, Patient,
    RemsEnrollment, Screening, TreatmentCourse, VitalsEntry,
)
from spravato_ops.models.columns import entered_columns
from spravato_ops.services import monitoring, treatment_day

AMENDABLE = {"amends", "reason"}

# Request schema, its table, and the fields it has besides the table's entered columns.
REQUESTS = [
    (clinical.ChecklistIn, ChecklistEntry, AMENDABLE | {"override"}),
    (clinical.VitalsIn, VitalsEntry, AMENDABLE),
    (clinical.DeviceIn, DeviceAdministration, AMENDABLE | {"override"}),
    (clinical.ObservationIn, ObservationEntry, AMENDABLE),
    (clinical.AdverseEventIn, AdverseEvent, AMENDABLE),
    (clinical.AdverseEventPatch, AdverseEvent, {"reason"}),
    (clinical.DischargeIn, Discharge, {"override"}),
    (patient.PatientIn, Patient, set()),
    (patient.ScreeningIn, Screening, set()),
    (patient.EnrollmentIn, RemsEnrollment, set()),
]

# Response schema, its table, and the fields it has besides every column of the table.
RESPONSES = [
    (clinical.ChecklistOut, ChecklistEntry), (clinical.ChecklistEntryOut, ChecklistEntry),
    (clinical.VitalsOut, VitalsEntry), (clinical.VitalsEntryOut, VitalsEntry),
    (clinical.DeviceOut, DeviceAdministration), (clinical.DeviceEntryOut, DeviceAdministration),
    (clinical.ObservationOut, ObservationEntry),
    (clinical.ObservationEntryOut, ObservationEntry),
    (clinical.AdverseEventOut, AdverseEvent), (clinical.AdverseEventEntryOut, AdverseEvent),
    (clinical.DischargeOut, Discharge), (clinical.DischargeEntryOut, Discharge),
    (patient.PatientOut, Patient), (patient.ScreeningOut, Screening),
    (patient.EnrollmentOut, RemsEnrollment), (course.CourseOut, TreatmentCourse),
]


def _columns(model):
    return {column.name for column in model.__table__.columns}


@pytest.mark.parametrize(("schema_cls", "model", "extra"), REQUESTS,
                         ids=[s.__name__ for s, _, _ in REQUESTS])
def test_a_request_takes_the_columns_a_person_enters(schema_cls, model, extra):
    assert set(schema_cls().load_fields) == set(entered_columns(model)) | extra


def test_a_new_course_takes_what_a_person_enters_but_its_status():
    assert set(course.CourseIn().load_fields) == set(entered_columns(TreatmentCourse)) - {"status"}


@pytest.mark.parametrize(("schema_cls", "model"), RESPONSES,
                         ids=[s.__name__ for s, _ in RESPONSES])
def test_a_response_has_every_column(schema_cls, model):
    assert _columns(model) <= set(schema_cls().dump_fields)


def test_the_set_by_service_columns_are_never_read_from_a_request():
    vitals = entered_columns(VitalsEntry)
    assert not {"id", "session_id", "recorded_by", "recorded_at", "amends_id"} & set(vitals)
    assert "device_number" not in entered_columns(DeviceAdministration)
    assert "override_reason" not in entered_columns(ChecklistEntry)


def test_the_services_copy_the_columns_the_requests_take():
    assert treatment_day.VITALS_FIELDS == entered_columns(VitalsEntry)
    assert treatment_day.CHECKLIST_ITEMS == entered_columns(ChecklistEntry)
    assert monitoring.OBSERVATION_FIELDS == entered_columns(ObservationEntry)
    assert monitoring.EVENT_FIELDS == entered_columns(AdverseEvent)


def test_the_r5_rules_read_answers_the_screening_table_stores():
    """services.patients.screening_facts copies each ScreeningFacts field from its column."""
    assert {f.name for f in dataclass_fields(ScreeningFacts)} <= set(entered_columns(Screening))


def test_a_column_default_is_the_request_default():
    loaded = patient.ScreeningIn().load({name: False for name in (
        "aneurysmal_vascular_disease", "arteriovenous_malformation",
        "intracerebral_hemorrhage_history", "hypersensitivity", "pregnant_or_breastfeeding",
        "psychosis_history", "hypertensive_encephalopathy_history")})
    assert loaded["substance_use_history"] is False
    assert loaded["concomitant_medications"] == []


def test_a_patch_fills_in_no_default():
    assert patient.PatientPatch().load({"phone": "555-0100"}) == {"phone": "555-0100"}


class _Answer(Schema):
    answer = StrictBoolean(required=True)


@pytest.mark.parametrize("value", [True, False])
def test_a_strict_boolean_takes_true_and_false(value):
    assert _Answer().load({"answer": value}) == {"answer": value}


@pytest.mark.parametrize("value", ["no", "off", "true", "false", 0, 1, 0.0, 1.0, "", [], None])
def test_a_strict_boolean_refuses_anything_else(value):
    with pytest.raises(ValidationError) as refused:
        _Answer().load({"answer": value})
    assert set(refused.value.messages) == {"answer"}


@pytest.mark.parametrize(("day", "years", "moved"), [
    (date(2026, 3, 2), 5, date(2031, 3, 2)),
    (date(2026, 3, 2), -5, date(2021, 3, 2)),
    (date(2028, 2, 29), 5, date(2033, 2, 28)),
    (date(2028, 2, 29), -4, date(2024, 2, 29)),
])
def test_years_after_keeps_the_day_or_takes_the_28th_of_february(day, years, moved):
    assert years_after(day, years) == moved


def test_date_bounds_are_read_from_the_clock_on_every_call():
    within = DateWithin(years_from_today(-5), TODAY, error="{earliest}..{latest}")
    with freeze_time("2028-02-29 23:30:00") as frozen:
        assert within(date(2023, 2, 28)) == date(2023, 2, 28)
        with pytest.raises(ValidationError, match="2023-02-28..2028-02-29"):
            within(date(2028, 3, 1))
        frozen.move_to("2028-03-01 00:30:00")
        assert within(date(2028, 3, 1)) == date(2028, 3, 1)
        with pytest.raises(ValidationError, match="2023-03-01..2028-03-01"):
            within(date(2023, 2, 28))
