"""The REMS Patient Monitoring Form through the API (R4.3): content and completeness, signing
only when complete (prescribers, API.md roles), a correction after signing reopens the form,
submission, the deadline across 7 days and a DST change, the queue, HTML and PDF."""
import io
from datetime import datetime, timedelta, timezone

import pypdf
import pytest
from sqlmodel import select

from spravato_ops.models import AuditEvent, RemsForm, RemsFormSignature

from .rems_form_support import (
    OVERRIDE, codes, complete_day, form, incomplete_day, take_medications,
)
from .treatment_support import API, at, iso, stored_rows, vitals

SUBMISSION = {"method": "fax", "confirmation_number": "FX-20260303-17"}
# Every read of a form is audited too (read_audit.py): the writes are the rest.
FORM_WRITES = (select(AuditEvent.action)
               .where(AuditEvent.entity == "rems_form", AuditEvent.action != "read")
               .order_by(AuditEvent.id))


def test_R4_3_a_complete_session_fills_every_field_from_the_chart(day, db):
    take_medications(db, day, ["benzodiazepine", "opioid", "other_cns_depressant"])
    complete_day(day)
    body = form(day)
    fields = body["fields"]
    assert (body["status"], body["complete"], body["problems"]) == ("ready", True, [])
    assert (body["deadline"], body["days_left"]) == ("2026-03-09", 7)
    assert (fields["patient_first_name"], fields["date_of_birth"], fields["sex"]) == (
        "Alex", "1980-05-17", "female")
    assert fields["enrolled"] and fields["first_treatment"]
    assert fields["concomitant_medications"] == {
        "benzodiazepine": True, "non_benzodiazepine_sedative_hypnotic": False, "opioid": True,
        "psychostimulant": False, "maoi": False}
    assert fields["clinician_name"].startswith("Nurse") and fields["clinician_phone"] == "555-0100"
    assert (fields["setting_name"], fields["setting_address"]) == (day.site.name, "1 Main St")
    assert (fields["treatment_date"], fields["dose_administered"], fields["lot_numbers"]) == (
        "2026-03-02", "56 mg", ["LOT-1"])
    # Total minutes from the first device (14:00Z) to the discharge at +121; R3.6 at +95.
    assert (fields["total_minutes"], fields["ready_to_leave_minutes"]) == (121, 95)
    assert fields["ready_to_leave_at"] == iso(at(95))
    assert [fields[name]["systolic"] for name in (
        "bp_before_dosing", "bp_at_40_minutes", "bp_before_completion")] == [128, 134, 126]
    assert fields["vitals_acceptable_before_dosing"] is True
    assert fields["vitals_acceptable_before_completion"] is True
    assert (fields["sedation"], fields["dissociation"], fields["respiratory_depression"]) == (
        True, True, False)
    assert (fields["pulse_oximetry"], fields["lowest_spo2"]) == (True, 96)


def test_R4_3_an_incomplete_session_names_each_missing_field(day):
    incomplete_day(day)
    body = form(day)
    assert body["status"] == "draft" and not body["complete"]
    assert codes(body) == ["bp_40_minutes_missing", "pre_discharge_bp_missing"]
    assert body["fields"]["bp_at_40_minutes"] is None
    # The prescriber's discharge over the unmet criteria is on the form (DOMAIN.md soft stops).
    [override] = body["fields"]["overrides"]
    assert override["reason"] == OVERRIDE["reason"]
    assert "R3.4 post_dose_bp" in override["rules"]


def test_the_discharge_writes_the_form_with_its_audit_row(day, db):
    complete_day(day)
    [row] = stored_rows(db, select(RemsForm))
    assert (row["session_id"], row["status"], str(row["deadline"])) == (
        day.sid, "ready", "2026-03-09")
    assert stored_rows(db, FORM_WRITES) == [
        "create"]


def test_R4_3_signing_is_refused_while_incomplete_naming_what_is_missing(day):
    incomplete_day(day)
    refused = day.post("/rems-form/sign", headers=day.prescriber)
    assert refused.status_code == 409
    assert [v["code"] for v in refused.json["violations"]] == [
        "bp_40_minutes_missing", "pre_discharge_bp_missing"]
    assert {v["rule"] for v in refused.json["violations"]} == {"R4.3"}
    assert "40-minute" in refused.json["message"]
    assert form(day)["status"] == "draft"


def test_R4_3_a_prescriber_signs_once_and_the_record_locks(day, db):
    complete_day(day)
    assert day.post("/rems-form/sign").status_code == 403  # API.md: nurses write, not sign
    signed = day.ok(day.post("/rems-form/sign", headers=day.prescriber), 200)
    assert signed["status"] == "signed" and signed["signed_by_name"].startswith("Prescriber")
    assert signed["signed_at"] == iso(at(121))
    [signature] = signed["signatures"]
    assert signature["voided_at"] is None
    again = day.post("/rems-form/sign", headers=day.prescriber)
    assert again.status_code == 409 and again.json["violations"][0]["code"] == "already_signed"
    actions = stored_rows(db, FORM_WRITES)
    assert actions == ["create", "sign"]


def test_R4_3_a_correction_after_signing_reopens_the_form_and_keeps_the_old_signature(day, db):
    complete_day(day)
    day.ok(day.post("/rems-form/sign", headers=day.prescriber), 200)
    day.ok(day.post("/rems-form/submission", SUBMISSION), 201)
    reading = next(v for v in day.ok(day.get("/record"), 200)["vitals"]
                   if v["taken_at"] == iso(at(40)))
    day.at(180)
    day.ok(day.post("/vitals", vitals(40, 136, 86, spo2=96, amends=reading["id"],
                                      reason="Transcribed 134/84 from the wrong line.")))
    body = form(day)
    assert (body["status"], body["signed_at"], body["submission"]) == ("ready", None, None)
    assert body["fields"]["bp_at_40_minutes"]["systolic"] == 136  # the corrected chart
    [old] = body["signatures"]
    assert old["voided_at"] == iso(at(180))
    assert "wrong line" in old["void_reason"]
    assert old["submission_reference"] == SUBMISSION["confirmation_number"]  # history kept
    resigned = day.ok(day.post("/rems-form/sign", headers=day.prescriber), 200)
    assert [s["voided_at"] is None for s in resigned["signatures"]] == [False, True]
    fields_as_signed = [s["fields"]["bp_at_40_minutes"]["systolic"]
                        for s in stored_rows(db, select(RemsFormSignature)
                                             .order_by(RemsFormSignature.id))]
    assert fields_as_signed == [134, 136]
    actions = stored_rows(db, FORM_WRITES)
    assert actions == ["create", "sign", "submit", "reopen", "sign"]
    assert stored_rows(db, select(AuditEvent.action)
                       .where(AuditEvent.entity == "rems_form_signature")
                       .order_by(AuditEvent.id)) == ["submit", "void"]


def test_a_late_adverse_event_reopens_a_signed_form(day):
    complete_day(day)
    day.ok(day.post("/rems-form/sign", headers=day.prescriber), 200)
    day.at(300)
    day.ok(day.post("/adverse-events", {"description": "Syncope at home", "serious": True}))
    body = form(day)
    assert body["status"] == "ready"
    assert body["fields"]["serious_adverse_events"] == ["Syncope at home"]


def test_R4_3_submission_needs_a_signature_and_is_recorded_once(day, db):
    complete_day(day)
    early = day.post("/rems-form/submission", SUBMISSION)
    assert early.status_code == 409 and early.json["violations"][0]["code"] == "not_signed"
    day.ok(day.post("/rems-form/sign", headers=day.prescriber), 200)
    assert day.post("/rems-form/submission", {**SUBMISSION, "method": "post"}).status_code == 422
    assert day.post("/rems-form/submission", {"method": "online"}).status_code == 422
    day.at(130)
    done = day.ok(day.post("/rems-form/submission", SUBMISSION), 201)
    assert done["status"] == "submitted"
    assert done["submission"]["method"] == "fax"
    assert done["submission"]["confirmation_number"] == "FX-20260303-17"
    assert done["submission"]["submitted_at"] == iso(at(130))
    assert done["submission"]["submitted_by_name"].startswith("Nurse")
    again = day.post("/rems-form/submission", SUBMISSION)
    assert again.status_code == 409 and again.json["violations"][0]["code"] == "already_submitted"
    assert stored_rows(db, select(RemsForm.submission_reference)) == ["FX-20260303-17"]


def test_a_future_submission_time_is_refused(day):
    complete_day(day)
    day.ok(day.post("/rems-form/sign", headers=day.prescriber), 200)
    late = day.post("/rems-form/submission",
                    {**SUBMISSION, "submitted_at": iso(at(121) + timedelta(hours=2))})
    assert late.status_code == 422 and set(late.json["errors"]) == {"submitted_at"}


@pytest.mark.parametrize(("role", "method", "tail", "status"), [
    ("front_desk", "get", "/rems-form", 403),
    ("front_desk", "get", "/rems-form.html", 403),
    ("front_desk", "get", "/rems-form.pdf", 403),
    ("front_desk", "post", "/rems-form/sign", 403),
    ("front_desk", "post", "/rems-form/submission", 403),
    ("scheduler", "get", "/rems-form", 200),
    ("admin", "get", "/rems-form", 200),
    ("scheduler", "post", "/rems-form/submission", 403),
    ("nurse", "post", "/rems-form/sign", 403),
    ("admin", "post", "/rems-form/sign", 403),
])
def test_roles_of_the_form(day, make, role, method, tail, status):
    complete_day(day)
    headers = make.auth_headers(role)
    response = getattr(day.client, method)(day.url(tail), headers=headers, json=SUBMISSION
                                           if method == "post" else None)
    assert response.status_code == status


def test_front_desk_may_not_list_the_forms(client, auth):
    assert client.get(f"{API}/rems-forms", headers=auth("front_desk")).status_code == 403


def test_a_session_that_was_not_dosed_has_no_form(day):
    response = day.get("/rems-form")
    assert response.status_code == 409
    assert response.json["violations"][0]["code"] == "no_form"


def test_R4_3_a_withheld_dose_files_a_form_only_where_the_site_says_so(day, db):
    day.to_checked_in()
    day.ok(day.post("/withhold", {"reason": "BP 182/112 before dosing (R2.1)"}), 200)
    assert day.get("/rems-form").status_code == 409
    day.site.rems_forms_for_withheld = True
    db.add(day.site)
    db.commit()
    body = form(day)
    assert body["fields"]["dose_administered"] == "withheld"
    assert body["fields"]["withhold_reason"] == "BP 182/112 before dosing (R2.1)"
    assert body["complete"] and body["status"] == "ready"


def _utc(text):
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


# Session on Monday 2 March 2026 in New York; clocks go forward on Sunday 8 March, so local
# midnight after the deadline (9 March) is 04:00Z, not the 05:00Z of standard time.
@pytest.mark.parametrize(("instant", "status", "days_left"), [
    ("2026-03-02 17:00", "ready", 7),
    ("2026-03-05 17:00", "ready", 4),
    ("2026-03-07 17:00", "ready", 2),
    ("2026-03-09 03:59", "ready", 1),   # 23:59 EST on 8 March
    ("2026-03-09 16:00", "ready", 0),   # noon EDT on the deadline day
    ("2026-03-10 03:59", "ready", 0),   # 23:59 EDT on 9 March
    ("2026-03-10 04:30", "overdue", -1),  # 00:30 EDT on 10 March (23:30 EST would be 9 March)
    ("2026-03-16 16:00", "overdue", -7),
])
def test_R4_3_deadline_status_across_the_7_days_and_a_dst_change(
        day, make, instant, status, days_left):
    complete_day(day)
    day.clock.move_to(_utc(instant))
    body = form(day, headers=make.auth_headers("nurse", site=day.site))
    assert (body["status"], body["days_left"]) == (status, days_left)


def test_a_signed_form_past_its_deadline_is_overdue_until_submitted(day, make):
    complete_day(day)
    day.ok(day.post("/rems-form/sign", headers=day.prescriber), 200)
    day.clock.move_to(_utc("2026-03-11 15:00"))
    nurse = make.auth_headers("nurse", site=day.site)
    assert form(day, headers=nurse)["status"] == "overdue"
    done = day.ok(day.post("/rems-form/submission", SUBMISSION, headers=nurse), 201)
    assert done["status"] == "submitted"


def test_the_printable_form_is_one_page_without_script(day):
    complete_day(day)
    page = day.get("/rems-form.html")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert "<script" not in html and "style=" not in html
    assert "/static/web/css/rems_form.css" in html
    assert "128/80 mmHg" in html and "121 minutes" in html


def test_the_pdf_carries_the_fields_values(day):
    complete_day(day)
    day.ok(day.post("/rems-form/sign", headers=day.prescriber), 200)
    response = day.get("/rems-form.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == (612, 792)  # US Letter
    text = " ".join(reader.pages[0].extract_text().split())
    for value in ("Alex", "05/17/1980", "LOT-1", "56 mg", "121 minutes", "95 minutes",
                  "128/80 mmHg", "134/84 mmHg", "126/80 mmHg", "555-0100", "1 Main St",
                  "03/02/2026", "lowest SpO2 96%", "Signed by Prescriber"):
        assert value in text, value
