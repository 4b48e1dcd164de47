"""Every read of a patient's clinical record is audited: who saw what, when; search terms and
other reads are not."""
from sqlmodel import select

from spravato_ops.models import AuditEvent

from .treatment_support import API, stored_rows


def reads(db):
    return stored_rows(db, select(AuditEvent.entity, AuditEvent.entity_id, AuditEvent.actor_id,
                                  AuditEvent.after).where(AuditEvent.action == "read")
                       .order_by(AuditEvent.id))


def test_reading_a_session_record_is_audited_with_who_and_what(day, db, make):
    day.to_observing()
    nurse = make.user("nurse", site=day.site)
    headers = make.auth_headers(user=nurse)
    assert day.get("/record", headers=headers).status_code == 200
    assert day.get("/fhir", headers=headers).status_code == 200
    assert reads(db) == [("session_record", str(day.sid), nurse.id, None)] * 2


def test_a_refused_or_missing_read_and_the_derived_views_are_not_audited(day, db):
    assert day.get("/record", headers=day.desk).status_code == 403
    assert day.client.get(f"{API}/sessions/999999/record", headers=day.nurse).status_code == 404
    assert day.get("/discharge-readiness").status_code == 200
    assert day.client.get(f"{API}/patients", query_string={"q": "Rivera"},
                          headers=day.nurse).status_code == 200
    assert reads(db) == []


def test_screening_reads_and_exports_are_audited_with_their_range(day, db, make):
    patient = make.patient()
    admin = make.auth_headers("admin")
    assert day.client.get(f"{API}/patients/{patient.id}/screening",
                          headers=admin).status_code == 200
    export = day.client.get(f"{API}/fhir/$export", headers=admin, query_string={
        "site_id": day.site.id, "from": "2026-03-01", "to": "2026-03-02"})
    assert export.status_code == 200
    export.get_data()  # the stream read to its end
    found = reads(db)
    assert found[0][:2] == ("screening", str(patient.id))
    assert found[1][0] == "fhir_export" and found[1][3] == {
        "site_id": str(day.site.id), "from": "2026-03-01", "to": "2026-03-02"}


def test_the_pages_of_a_session_and_a_patient_are_audited_reads(client, make, db):
    from tests.web.pages import client_log_in

    site = make.site()
    session = make.session(site=site)
    nurse = make.user("nurse", site=site)
    client_log_in(client, nurse)
    assert client.get(f"/nurse/sessions/{session.id}").status_code == 200
    assert client.get(f"/patients/{session.patient_id}").status_code == 200
    assert [(entity, entity_id) for entity, entity_id, _, _ in reads(db)] == [
        ("session_record", str(session.id)), ("patient_record", str(session.patient_id))]


def test_the_rems_form_queue_is_an_audited_read(client, make, db):
    site = make.site()
    headers = make.auth_headers("nurse", site=site)
    assert client.get(f"{API}/rems-forms", query_string={"site_id": site.id},
                      headers=headers).status_code == 200
    assert [(entity, entity_id) for entity, entity_id, _, _ in reads(db)] == [
        ("rems_form_queue", str(site.id))]
