"""SharedRead: threads that arrive together share one read, and none gets a read that
started before it arrived (the access revision: a revocation is seen by the next request)."""
import threading

import pytest

from spravato_ops.shared_read import SharedRead


class Source:
    """A fetch that counts its calls and, while `hold` is set, waits for `release`."""

    def __init__(self):
        self.calls = 0
        self.hold = threading.Event()
        self.release = threading.Event()
        self.entered = threading.Event()

    def __call__(self):
        self.calls += 1
        number = self.calls
        if self.hold.is_set():
            self.entered.set()
            assert self.release.wait(10)
        return number


def _waiting(shared, count):
    """Wait until `count` threads are blocked in shared.read."""
    for _ in range(1000):
        with shared._changed:
            if len(shared._changed._waiters) >= count:
                return
        threading.Event().wait(0.01)
    raise AssertionError(f"{count} threads never waited")


def test_one_thread_alone_reads_each_time():
    shared, source = SharedRead(), Source()
    assert [shared.read(source) for _ in range(3)] == [1, 2, 3]


def test_threads_arriving_during_a_read_share_the_next_one_never_the_older():
    shared, source = SharedRead(), Source()
    source.hold.set()
    answers = {}
    first = threading.Thread(target=lambda: answers.setdefault("first", shared.read(source)))
    first.start()
    assert source.entered.wait(10)  # read 1 is under way: it may predate what they must see
    later = [threading.Thread(target=lambda n=n: answers.setdefault(n, shared.read(source)))
             for n in range(4)]
    for thread in later:
        thread.start()
    _waiting(shared, 4)
    source.hold.clear()
    source.release.set()
    for thread in [first, *later]:
        thread.join(10)
    assert answers == {"first": 1, 0: 2, 1: 2, 2: 2, 3: 2}
    assert source.calls == 2


def test_a_failed_read_goes_to_its_caller_and_the_others_read_for_themselves():
    shared, source = SharedRead(), Source()
    entered, release = threading.Event(), threading.Event()

    def failing():
        entered.set()
        assert release.wait(10)
        raise ConnectionError("database down")

    errors, answers = [], []

    def fail():
        try:
            shared.read(failing)
        except ConnectionError as exc:
            errors.append(exc)

    failer = threading.Thread(target=fail)
    failer.start()
    assert entered.wait(10)
    waiter = threading.Thread(target=lambda: answers.append(shared.read(source)))
    waiter.start()
    _waiting(shared, 1)
    release.set()
    failer.join(10)
    waiter.join(10)
    assert len(errors) == 1 and answers == [1]


def test_a_read_that_raises_in_the_only_thread_leaves_the_next_free():
    shared = SharedRead()
    with pytest.raises(ZeroDivisionError):
        shared.read(lambda: 1 / 0)
    assert shared.read(lambda: "ok") == "ok"
