"""One read shared by the threads of a worker that need it at the same moment, never an
older one.

For a value every request must read afresh (the access revision: a revoked token is refused
by the next request): a thread that arrives while another thread's read is under way cannot
use that read (it may have started before a change the newcomer must see), but it can use
the next one, whoever starts it. So every answer comes from a read that started after the
caller arrived, and the threads that arrive together share one statement.
"""
import threading


class SharedRead:
    def __init__(self):
        self._changed = threading.Condition()
        self._started = 0  # reads started so far, numbered from 1
        self._finished = 0  # the number of the latest read that finished
        self._value = None
        self._reading = False

    def read(self, fetch):
        """What `fetch()` returned in a call that started after this one began: this thread's
        own call, or another thread's. An exception of `fetch` goes to the thread that made
        the call; the threads waiting on it then read for themselves."""
        with self._changed:
            arrived_after = self._started
            while self._reading and self._finished <= arrived_after:
                self._changed.wait()
            if self._finished > arrived_after:
                return self._value
            self._started += 1
            number, self._reading = self._started, True
        try:
            value = fetch()
        except BaseException:
            with self._changed:
                self._reading = False
                self._changed.notify_all()
            raise
        with self._changed:
            self._value, self._finished, self._reading = value, number, False
            self._changed.notify_all()
        return value
