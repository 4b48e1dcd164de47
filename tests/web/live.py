"""A real server in its own process for the browser tests, with a clock the tests can move."""
import multiprocessing
import socket
import time
import urllib.request
from contextlib import contextmanager

from sqlmodel import Session, SQLModel

from spravato_ops.db import make_engine

from .. import factories


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve(config, port):
    """Child process: build the application on the prepared database and serve it."""
    from werkzeug.serving import make_server

    from spravato_ops import create_app

    make_server("127.0.0.1", port, create_app(config), threaded=True).serve_forever()


class LiveServer:
    """The server's URL, its database (a sqlmodel Session and factories) and its clock."""

    def __init__(self, url, db):
        self.url, self.db = url, db
        self.make = factories.Factories(db)

    def move_clock(self, seconds):
        """Set the server's clock `seconds` ahead of the real time."""
        request = urllib.request.Request(
            f"{self.url}/__testing__/clock", method="PUT",
            data=f'{{"offset_seconds": {seconds}}}'.encode(),
            headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 200


@contextmanager
def live_server(tmp_path):
    """Start a server on a fresh SQLite database; yield a LiveServer; stop it."""
    url = f"sqlite:///{tmp_path / 'live.sqlite'}"
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    # The tests move the server's clock by hours and read the board right after changing it:
    # the idle limit, the board's short cache and the streams' shared polls have tests of
    # their own.
    config = {"TESTING": True, "CLOCK_CONTROL": True, "DATABASE_URL": url,
              "SECRET_KEY": "browser-tests", "WTF_CSRF_ENABLED": True,
              "BROWSER_IDLE_MINUTES": 0, "BOARD_CACHE_SECONDS": 0,
              "ALERT_STREAM_SHARED_SECONDS": 0}
    port = free_port()
    process = multiprocessing.get_context("spawn").Process(target=_serve, args=(config, port),
                                                           daemon=True)
    process.start()
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process)
        with Session(engine, expire_on_commit=False) as db:
            yield LiveServer(base, db)
    finally:
        process.terminate()
        process.join(timeout=10)
        engine.dispose()


def _wait_until_up(base, process, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not process.is_alive():
            raise RuntimeError("the live server exited while starting")
        try:
            with urllib.request.urlopen(f"{base}/login", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the live server did not answer within {seconds} s")
