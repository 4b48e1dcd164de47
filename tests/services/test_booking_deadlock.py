"""A booking PostgreSQL aborted to break a deadlock runs again, from a rolled-back session
(booking.retries_deadlock), keeping what its transaction held before it; any other database
failure is not retried."""
import psycopg
import pytest
from sqlalchemy.exc import OperationalError
from sqlmodel import select

from spravato_ops.models import Site
from spravato_ops.services.booking import DEADLOCK_RETRIES, retries_deadlock

from ..factories import Factories


def _failure(error):
    return OperationalError("INSERT INTO sessions ...", {}, error)


def _booking(failures):
    """A decorated service that adds a site, then raises the next of `failures` (if any)."""
    calls = []

    @retries_deadlock
    def book(session, *, name):
        calls.append(set(session.new))
        session.add(Factories.unsaved_site(name=name))
        if len(calls) <= len(failures):
            raise failures[len(calls) - 1]
        return "booked"

    return book, calls


def test_a_deadlocked_booking_runs_again_without_what_the_first_attempt_added(db):
    book, calls = _booking([_failure(psycopg.errors.DeadlockDetected("deadlock detected"))])
    assert book(db, name="Riverside") == "booked"
    assert len(calls) == 2 and calls[1] == set()  # the first attempt's site was rolled back


def test_a_booking_run_again_keeps_what_its_transaction_held_before_it(db):
    """The request's Idempotency-Key claim is written before the booking, in its transaction:
    it must stay claimed while the booking runs again, or a retry of the request could run
    the booking beside it."""
    db.add(Factories.unsaved_site(name="Claimed before the booking"))
    db.flush()
    book, calls = _booking([_failure(psycopg.errors.DeadlockDetected("deadlock detected"))])
    assert book(db, name="Riverside") == "booked"
    db.commit()
    assert len(calls) == 2 and calls[1] == set()
    names = sorted(site.name for site in db.exec(select(Site)))
    assert names == ["Claimed before the booking", "Riverside"]


def test_a_booking_deadlocked_every_time_gives_up_after_the_retries(db):
    deadlock = _failure(psycopg.errors.DeadlockDetected("deadlock detected"))
    book, calls = _booking([deadlock] * (DEADLOCK_RETRIES + 1))
    with pytest.raises(OperationalError):
        book(db, name="Riverside")
    assert len(calls) == DEADLOCK_RETRIES + 1


def test_a_database_that_is_down_is_not_retried(db):
    book, calls = _booking([_failure(psycopg.OperationalError("connection refused"))])
    with pytest.raises(OperationalError):
        book(db, name="Riverside")
    assert len(calls) == 1 and not db.new
