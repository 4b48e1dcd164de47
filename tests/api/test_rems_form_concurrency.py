"""Signing under concurrency (R4.3): simultaneous signatures give one signature, and a
signature racing a correction of the record never leaves a current signature over values the
record no longer holds (both lock the session's row)."""
import threading

from sqlmodel import select

from spravato_ops.models import RemsFormSignature

from .booking_setup import fire_at_once
from .rems_form_support import complete_day
from .treatment_support import stored_rows, vitals

SIGNERS = 8


def test_simultaneous_signatures_sign_the_form_once(app, day, db):
    complete_day(day)
    results = fire_at_once(app, day.prescriber, [{}] * SIGNERS, day.url("/rems-form/sign"))
    statuses = sorted(status for status, _ in results)
    assert statuses == [200] + [409] * (SIGNERS - 1), results
    assert {body["violations"][0]["code"] for status, body in results if status == 409} == {
        "already_signed"}
    assert len(stored_rows(db, select(RemsFormSignature))) == 1


def test_a_signature_racing_a_correction_signs_what_the_record_holds(app, day, db):
    complete_day(day)
    reading = next(v for v in day.ok(day.get("/record"), 200)["vitals"]
                   if v["timepoint"] == "post_dose")
    correction = vitals(40, 136, 86, spo2=96, amends=reading["id"], reason="Wrong line.")
    sign = app.test_client()
    results = {}

    def signer():
        results["sign"] = sign.post(day.url("/rems-form/sign"), headers=day.prescriber)

    thread = threading.Thread(target=signer)
    thread.start()
    corrected = day.post("/vitals", correction)
    thread.join(timeout=60)
    assert corrected.status_code == 201 and results["sign"].status_code == 200
    body = day.ok(day.get("/rems-form"), 200)
    current = [s for s in stored_rows(db, select(RemsFormSignature)) if s["voided_at"] is None]
    if body["status"] == "signed":  # the correction came first: signed with it
        assert [s["fields"]["bp_at_40_minutes"]["systolic"] for s in current] == [136]
    else:  # the signature came first: the correction reopened the form
        assert body["status"] == "ready" and current == []
    assert body["fields"]["bp_at_40_minutes"]["systolic"] == 136
