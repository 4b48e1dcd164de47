"""The read layer outside a request: views by role, in a fixed number of queries."""
from datetime import timedelta

import pytest
from freezegun import freeze_time

from schemas.patient import PatientContactOut
from schemas.session import SessionDeskOut
from spravato_ops.clock import utcnow
from spravato_ops.models import (
    AdverseEvent, ChecklistEntry, DeviceAdministration, Discharge, ObservationEntry, UserSite,
    VitalsEntry,
)
from spravato_ops.services import views
from spravato_ops.services.failures import NotFound, NotPermitted
from spravato_ops.services.patients import search_query
from spravato_ops.services.records import ENTRY_MODELS
from spravato_ops.statement_count import StatementCount

from ..api.treatment_support import T0, at


@pytest.fixture(autouse=True)
def frozen():
    with freeze_time(T0):
        yield


def queries(engine, read):
    """Run `read()`; return its result and the number of queries it sent."""
    with StatementCount(engine) as count:
        result = read()
    return result, len(count.queries)


def test_what_front_desk_sees_is_what_the_desk_schemas_dump():
    assert set(views.PATIENT_CONTACT_FIELDS) == set(PatientContactOut().fields)
    assert set(views.SESSION_DESK_FIELDS) == set(SessionDeskOut().fields)


def test_patient_views_by_role_in_one_query_whatever_their_number(engine, make, db):
    recorded, bare = make.patient(), make.patient(screened=False, enrolled=False)
    for _ in range(8):
        make.patient()
    patients = [recorded, bare]
    shown, few = queries(engine, lambda: views.patient_views(db, patients, role="nurse"))
    assert [(v["id"], v["rems_enrolled"], v["screening_recorded"]) for v in shown] == [
        (recorded.id, True, True), (bare.id, False, False)]
    assert shown[0]["mrn"] == recorded.mrn and shown[0]["date_of_birth"] == recorded.date_of_birth
    desk, _ = queries(engine, lambda: views.patient_views(db, patients, role="front_desk"))
    assert [set(v) for v in desk] == [set(views.PATIENT_CONTACT_FIELDS)] * 2
    everyone = db.exec(search_query()).all()
    _, many = queries(engine, lambda: views.patient_views(db, everyone, role="nurse"))
    assert len(everyone) == 10 and few == many == 1


def test_patient_search_and_one_patient_run_one_query(engine, make, db):
    patient = make.patient(first_name="Quinn")
    make.patient(screened=False)
    found, count = queries(engine, lambda: views.patient_search(db, role="nurse", q="quinn"))
    assert [v["id"] for v in found] == [patient.id] and count == 1
    (view, version), count = queries(
        engine, lambda: views.patient_shown(db, patient.id, role="front_desk"))
    assert view == {name: getattr(patient, name) for name in views.PATIENT_CONTACT_FIELDS}
    assert version == patient.version and count == 1
    with pytest.raises(NotFound, match="Patient 999 not found"):
        views.patient_shown(db, 999, role="nurse")


def test_user_views_carry_their_sites_and_no_password_hash(engine, make, db):
    first, second = make.site(), make.site()
    alone, assigned = make.user("nurse"), make.user("nurse", site=second)
    db.add(UserSite(user_id=assigned.id, site_id=first.id))
    db.commit()
    listed, count = queries(engine, lambda: views.all_user_views(db))
    assert [(v["id"], v["site_ids"]) for v in listed] == [
        (alone.id, []), (assigned.id, [first.id, second.id])]
    assert count == 1 and all("password_hash" not in v for v in listed)
    shown, count = queries(engine, lambda: views.user_views(db, [assigned, alone]))
    assert [v["site_ids"] for v in shown] == [[first.id, second.id], []] and count == 1


def test_front_desk_sees_todays_sessions_only_and_without_clinical_fields(engine, make, db):
    today = make.session(scheduled_start=T0)
    tomorrow = make.session(scheduled_start=T0 + timedelta(days=1))
    (view, version), count = queries(
        engine, lambda: views.session_shown(db, today.id, role="front_desk"))
    assert set(view) == set(views.SESSION_DESK_FIELDS) and count == 1
    assert view["patient_initials"] == "A.R." and version == today.version
    with pytest.raises(NotPermitted, match="today's sessions only"):
        views.session_shown(db, tomorrow.id, role="front_desk")
    nurse_view, _ = views.session_shown(db, tomorrow.id, role="nurse")
    assert nurse_view["planned_dose_mg"] == 56 and nurse_view["warnings"] == []
    with pytest.raises(NotPermitted):
        views.site_day_views(db, site_id=tomorrow.site_id, role="front_desk",
                             day=tomorrow.local_day)
    day, count = queries(engine, lambda: views.site_day_views(
        db, site_id=tomorrow.site_id, role="nurse", day=tomorrow.local_day))
    assert [v["id"] for v in day] == [tomorrow.id] and count == 2


def _entries(session_id, recorder):
    """One stored entry of each kind, and a correction of the observation."""
    common = dict(session_id=session_id, recorded_by=recorder.id, recorded_at=utcnow())
    return [
        ChecklistEntry(**common, no_food_2h=True, no_liquids_30m=True, nasal_medication_ok=True,
                       transport_name="Sam", transport_phone="555-0199"),
        VitalsEntry(**common, timepoint="pre_dose", systolic=128, diastolic=80, heart_rate=70,
                    spo2=98, respiratory_rate=14, taken_at=at(-5)),
        DeviceAdministration(**common, device_number=1, administered_at=at(0),
                             lot_number="LOT-1"),
        ObservationEntry(**common, observed_at=at(30), moaas=4, dissociation="mild",
                         respiratory_depression=False, spo2=97, symptoms=["nausea"]),
        AdverseEvent(**common, description="nausea", serious=False, resolved_at=at(40)),
        Discharge(**common, discharged_at=at(120), clinically_stable=True,
                  ready_to_leave_at=at(120), unmet_criteria=[{"code": "c", "detail": "d"}]),
    ]


def test_the_record_shows_every_column_of_every_entry_in_two_queries(engine, make, db):
    treatment_session, recorder = make.session(scheduled_start=T0), make.user("nurse")
    stored = _entries(treatment_session.id, recorder)
    db.add_all(stored)
    db.flush()
    correction = ObservationEntry(**{**stored[3].model_dump(exclude={"id"}), "moaas": 5,
                                     "amends_id": stored[3].id, "amend_reason": "typo"})
    db.add(correction)
    db.commit()
    record, count = queries(engine, lambda: views.record_view(db, treatment_session.id))
    assert count == 2 and record["state"] == "scheduled"
    for kind, entry in zip(ENTRY_MODELS, stored):
        expected = dict(entry.model_dump(), amended=False, amended_by_id=None)
        if kind == "observations":
            expected.update(amended=True, amended_by_id=correction.id)
        assert record[kind][0] == expected
    assert record["observations"][1] == dict(correction.model_dump(), amended=False,
                                             amended_by_id=None)
    with pytest.raises(NotFound, match="Session 999 not found"):
        views.record_view(db, 999)
