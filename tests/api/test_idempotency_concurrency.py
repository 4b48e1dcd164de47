"""Eight simultaneous retries with one Idempotency-Key write one entry, on either database.

The key is claimed in the request's own transaction, before the write, and commits with it:
a duplicate waits on the claim (PostgreSQL's unique index, SQLite's BEGIN IMMEDIATE) and then
replays the first answer, or hears 409 "in progress" while that answer is not yet stored.
"""
import threading
from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlmodel import select

from spravato_ops.api import workflow
from spravato_ops.models import (
    DeviceAdministration, IdempotencyRecord, ObservationEntry, TreatmentSession, VitalsEntry,
)
from spravato_ops.services import treatment_day

from .booking_setup import NOW, START, body, clinic, rows
from .treatment_support import at, device, observation, stored, stored_rows, vitals

THREADS = 8


def fire(app, url, payload, headers, threads=THREADS):
    """POST one payload from `threads` threads, each with its own test client, all at once."""
    barrier = threading.Barrier(threads)
    results = [None] * threads

    def worker(index):
        try:
            client = app.test_client()
            barrier.wait(timeout=30)
            results[index] = client.post(url, json=payload, headers=headers)
        except Exception as exc:  # reported by the assertions, not lost in the thread
            results[index] = exc

    workers = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(timeout=120)
    return results


def entry_ids(results):
    """Assert every answer is the one entry written or 409 in progress; return the ids."""
    assert all(not isinstance(r, Exception) and r is not None for r in results), results
    answers = [(r.status_code, r.get_json()) for r in results]
    written = [r for r in results if r.status_code == 201]
    first = [r for r in written if "Idempotent-Replayed" not in r.headers]
    assert len(first) == 1, answers
    for response in results:
        if response.status_code == 201:
            assert response.get_json() == first[0].get_json(), answers
        else:
            assert response.status_code == 409, answers
            assert "in progress" in response.get_json()["message"], answers
            assert int(response.headers["Retry-After"]) >= 1
    return {r.get_json()["id"] for r in written}


def keyed(headers, key):
    return {**headers, "Idempotency-Key": key}


@pytest.mark.parametrize("wait_seconds", [2, 0], ids=["waiting", "not-waiting"])
def test_eight_retries_of_one_vitals_reading_store_one(app, day, db, wait_seconds):
    """Not waiting for the first answer, the duplicates mostly hear 409 in progress."""
    app.config["IDEMPOTENCY_WAIT_SECONDS"] = wait_seconds
    day.to_dosing()
    day.at(10)

    results = fire(app, day.url("/vitals"), vitals(10), keyed(day.nurse, "vitals-10"))

    [entry_id] = entry_ids(results)
    readings = stored_rows(db, select(VitalsEntry.id).where(VitalsEntry.session_id == day.sid,
                                                            VitalsEntry.taken_at == at(10)))
    assert readings == [entry_id]


def test_eight_retries_of_the_first_device_record_one_and_the_dose_goes_on_R1_5(app, day, db):
    day.to_checked_in()
    day.at(-5)
    day.ok(day.post("/vitals", vitals(-5, timepoint="pre_dose")))
    day.at(0)

    results = fire(app, day.url("/devices"), device(0), keyed(day.nurse, "device-1"))

    [entry_id] = entry_ids(results)
    devices = stored_rows(db, select(DeviceAdministration.id)
                          .where(DeviceAdministration.session_id == day.sid))
    assert devices == [entry_id]
    assert stored(db, TreatmentSession, day.sid)["state"] == "dosing"


def test_eight_retries_of_one_observation_store_one(app, day, db):
    day.to_observing()
    day.at(15)

    results = fire(app, day.url("/observations"), observation(15), keyed(day.nurse, "obs-15"))

    [entry_id] = entry_ids(results)
    observations = stored_rows(db, select(ObservationEntry.id)
                               .where(ObservationEntry.session_id == day.sid))
    assert observations == [entry_id]


def test_eight_retries_of_one_booking_book_one(app, make, auth, db):
    with freeze_time(NOW):
        place = clinic(make)
        course = make.course(start_date=START)
        results = fire(app, "/api/v1/sessions", body(place, course),
                       keyed(auth("scheduler"), "book-1"))

    [session_id] = entry_ids(results)
    booked = rows(db, select(TreatmentSession.id).where(TreatmentSession.course_id == course.id))
    assert booked == [session_id]


def test_the_claim_of_a_key_commits_with_the_entry_and_holds_its_answer(app, day, db):
    day.to_dosing()
    day.at(10)
    first = day.post("/vitals", vitals(10), headers=keyed(day.nurse, "vitals-10"))
    assert first.status_code == 201, first.json
    [record] = stored_rows(db, select(IdempotencyRecord))
    assert (record["key"], record["status_code"]) == ("vitals-10", 201)
    assert record["response_body"] is not None


def test_a_write_that_fails_before_it_commits_leaves_the_key_free(app, day, db, monkeypatch):
    day.to_dosing()
    day.at(10)
    headers = keyed(day.nurse, "vitals-10")

    def fail(*args, **kwargs):
        raise RuntimeError("the server fails after writing, before committing")

    monkeypatch.setattr(treatment_day, "raise_alerts", fail)
    assert day.post("/vitals", vitals(10), headers=headers).status_code == 500
    assert stored_rows(db, select(IdempotencyRecord.id)) == []
    monkeypatch.undo()

    retry = day.post("/vitals", vitals(10), headers=headers)

    assert retry.status_code == 201 and "Idempotent-Replayed" not in retry.headers
    readings = stored_rows(db, select(VitalsEntry.id).where(VitalsEntry.taken_at == at(10)))
    assert readings == [retry.json["id"]]


@pytest.mark.parametrize("age, retry_after, words", [
    (timedelta(seconds=5), "1", "in progress"),
    (timedelta(minutes=5), None, "use a new Idempotency-Key"),
])
def test_a_claim_left_without_an_answer_is_in_progress_then_refused(app, day, db, monkeypatch,
                                                                    age, retry_after, words):
    """A request that committed its write but failed before its answer was stored leaves a
    bare claim: a retry never writes again, and after a while hears what to do instead."""
    day.to_dosing()
    day.at(10)
    headers = keyed(day.nurse, "lost-answer")

    def fail(result):
        raise RuntimeError("the server fails after the write committed")

    monkeypatch.setattr(workflow, "written", fail)
    assert day.post("/vitals", vitals(10), headers=headers).status_code == 500
    monkeypatch.undo()
    [claim] = stored_rows(db, select(IdempotencyRecord))
    assert claim["status_code"] is None
    day.clock.move_to(at(10) + age)
    app.config["IDEMPOTENCY_WAIT_SECONDS"] = 0.2

    response = day.post("/vitals", vitals(10), headers=headers)

    assert response.status_code == 409, response.json
    assert words in response.json["message"]
    assert response.headers.get("Retry-After") == retry_after
    readings = stored_rows(db, select(VitalsEntry.id).where(VitalsEntry.taken_at == at(10)))
    assert len(readings) == 1
