"""The write helpers every service uses: optimistic versions and the audit in one transaction."""
from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from spravato_ops.clock import utcnow
from spravato_ops.models import AuditEvent, Patient, Site, SitePolicyRecord
from spravato_ops.services.failures import NotFound, StaleVersion
from spravato_ops.services.common import check_version, get_existing, save_new, save_update

from ..readback import count, rows


def new_patient(mrn):
    now = utcnow()
    return Patient(mrn=mrn, first_name="Sam", last_name="Ng", date_of_birth=date(1990, 1, 1),
                   sex="other", created_at=now, updated_at=now)


def test_save_new_commits_the_record_with_its_audit(db):
    patient = save_new(db, new_patient("S-1"), entity="patient", actor=None)
    [event] = rows(db, select(AuditEvent))
    assert (event.action, event.entity, event.entity_id) == ("create", "patient", str(patient.id))
    assert event.after["mrn"] == "S-1" and event.before is None


def test_a_failed_insert_leaves_no_audit(db):
    save_new(db, new_patient("S-1"), entity="patient", actor=None)
    with pytest.raises(IntegrityError):
        save_new(db, new_patient("S-1"), entity="patient", actor=None)
    db.rollback()
    assert count(db, Patient) == 1
    assert count(db, AuditEvent) == 1


def test_save_update_bumps_the_version_and_audits_before_and_after(db, make):
    site = make.site(name="Before")
    save_update(db, site, {"name": "After"}, entity="site", actor=None, expected_version=1)
    [stored] = rows(db, select(Site))
    assert (stored.name, stored.version) == ("After", 2)
    [event] = rows(db, select(AuditEvent))
    assert (event.before["name"], event.after["name"]) == ("Before", "After")


def test_save_update_without_a_change_writes_nothing(db, make):
    site = make.site(name="Same")
    save_update(db, site, {"name": "Same"}, entity="site", actor=None)
    assert rows(db, select(Site))[0].version == 1
    assert count(db, AuditEvent) == 0


def test_stale_version_is_refused_even_for_records_keyed_by_site(db, make):
    """SitePolicyRecord has no `id`: the refusal must still name the record (no AttributeError)."""
    site = make.site()
    record = SitePolicyRecord(site_id=site.id, settings={}, version=3, updated_at=utcnow())
    with pytest.raises(StaleVersion, match=f"SitePolicyRecord {site.id} is at version 3"):
        check_version(record, 2)
    check_version(record, 3)
    check_version(record, None)


def test_get_existing_names_what_is_missing(db):
    with pytest.raises(NotFound, match="Patient 77 not found"):
        get_existing(db, Patient, 77, "Patient")
