"""The access revision's own connection (revision_read.HeldConnection) on PostgreSQL: one
backend, kept, replaced when it fails, and never shared across a fork."""
import multiprocessing

import pytest
from sqlalchemy import text

from spravato_ops.db import get_engine
from spravato_ops.revision_read import FAILED, HeldConnection

pytestmark = pytest.mark.postgres_only
BACKEND = "SELECT pg_backend_pid()"


@pytest.fixture
def held(app):
    connection = HeldConnection(get_engine(app))
    yield connection
    connection.close()


def test_it_keeps_one_connection_in_autocommit(app, held):
    first = held.first_value(BACKEND)
    assert held.first_value(BACKEND) == first
    with get_engine(app).connect() as other:  # no transaction left open after a statement
        state = other.execute(text("SELECT state FROM pg_stat_activity WHERE pid = :pid"),
                              {"pid": first}).scalar()
    assert state == "idle"


def test_a_failed_statement_answers_failed_and_the_next_one_opens_a_new_connection(held):
    first = held.first_value(BACKEND)
    assert held.first_value("SELECT * FROM no_such_table") is FAILED
    assert held.first_value(BACKEND) not in (None, FAILED, first)


def _child_backend(held, answers):
    answers.put(held.first_value(BACKEND))


def test_a_forked_process_opens_its_own_and_leaves_the_parents_alone(held):
    parent = held.first_value(BACKEND)
    context = multiprocessing.get_context("fork")
    answers = context.Queue()
    child = context.Process(target=_child_backend, args=(held, answers))
    child.start()
    child_backend = answers.get(timeout=30)
    child.join(30)
    assert child.exitcode == 0
    assert child_backend not in (None, FAILED, parent)
    assert held.first_value(BACKEND) == parent  # the parent's session survived the child
