"""Production serving as deployed: gunicorn with gunicorn.conf.py (JSON logs, one access line
per request without query strings, metrics merged across workers), the Procfile under honcho
(the web and two schedulers serve and sweep), and the systemd units in deploy/."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest

from spravato_ops.clock import utcnow
from spravato_ops.db import get_engine

from .factories import PASSWORD
from .scheduler.conftest import SENDER, add_due
from .scheduler.servers import Mailbox, SmtpServer, free_port
from .test_metrics import requests_counted

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PATIENCE = 180  # seconds: workers build the application on a busy machine
PATIENT = {"last_name": "Marblethwaite", "mrn": "ZX-99817"}


def environment(database_url, **settings):
    """This environment without its SPRAVATO_* settings; production on the test database."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("SPRAVATO_")}
    env.update(PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}", SPRAVATO_ENV="production",
               SPRAVATO_SECRET_KEY="production-tests-" + "k" * 32,
               SPRAVATO_DATABASE_URL=database_url, SPRAVATO_ALLOW_SQLITE="1",
               SPRAVATO_WEB_WORKERS="2", SPRAVATO_WEB_THREADS="4")
    env.update({f"SPRAVATO_{key.upper()}": str(value) for key, value in settings.items()})
    return env


@pytest.fixture
def start(tmp_path):
    """start(command, env) -> (process, its log file); stopped with its children afterwards."""
    started = []

    def launch(command, env):
        log = tmp_path / f"process-{len(started)}.log"
        with open(log, "wb") as output:
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output,
                                       stderr=subprocess.STDOUT, start_new_session=True)
        started.append(process)
        return process, log

    yield launch
    for process in started:  # SIGTERM first: honcho stops its processes then
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def database_url(app):
    return get_engine(app).url.render_as_string(hide_password=False)


def get(url, headers=None, data=None):
    """(status, body) of a request to the server under test."""
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def wait_until_serving(base, process, log):
    deadline = time.monotonic() + PATIENCE
    while True:
        try:
            if get(f"{base}/healthz")[0] == 200:
                return
        except OSError:
            pass
        if process.poll() is not None:
            raise AssertionError(f"exited ({process.returncode}):\n{log.read_text()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"not serving after {PATIENCE} s:\n{log.read_text()}")
        time.sleep(0.5)


def stop(process, log, exit_code=0):
    os.killpg(process.pid, signal.SIGTERM)
    assert process.wait(timeout=120) == exit_code, log.read_text()
    return log.read_text()


def test_gunicorn_logs_json_without_query_strings_and_merges_worker_metrics(app, make, start):
    make.patient(**PATIENT)
    admin = make.user("admin")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process, log = start([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
                          "wsgi:app"], environment(database_url(app), bind=f"127.0.0.1:{port}"))
    wait_until_serving(base, process, log)
    body = json.dumps({"email": admin.email, "password": PASSWORD}).encode()
    status, answer = get(f"{base}/api/v1/auth/tokens", {"Content-Type": "application/json"}, body)
    assert status == 201, answer
    token = json.loads(answer)["token"]
    headers = {"Authorization": f"Bearer {token}"}
    for n, term in enumerate(PATIENT.values()):
        status, found = get(f"{base}/api/v1/patients?q={term}",
                            {**headers, "X-Request-ID": f"search-{n}"})
        assert status == 200 and PATIENT["last_name"] in found
    assert get(f"{base}/readyz")[0] == 200
    for _ in range(20):
        get(f"{base}/healthz")
    samples = scrape(base)
    assert requests_counted(samples, "/api/v1/patients", 200) == 2
    assert requests_counted(samples, "/healthz", 200) == 21
    text = stop(process, log)
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]  # JSON, each one
    # one access line per request, the application's: gunicorn's would repeat it
    assert not [line for line in lines if line["logger"] == "gunicorn.access"]
    requests = [line for line in lines if line["logger"] == "spravato_ops.requests"]
    assert len(requests) >= 25 and "?" not in json.dumps(requests)
    assert {"method": "GET", "rule": "/api/v1/patients", "request_id": "search-1",
            "user_id": admin.id, "status": 200, "client": "127.0.0.1"}.items() <= next(
        r for r in requests if r["request_id"] == "search-1").items()
    for secret in [*PATIENT.values(), PASSWORD, token]:
        assert secret not in text, secret


def scrape(base):
    from prometheus_client.parser import text_string_to_metric_families

    status, body = get(f"{base}/metrics")
    assert status == 200, body
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(body) for sample in family.samples}


@pytest.mark.postgres_only
def test_the_procfile_serves_and_both_schedulers_sweep(app, db, make, start, tmp_path):
    """honcho runs the Procfile: the web answers, both schedulers sweep, and a due reminder
    is sent once, whichever scheduler claims it."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with SmtpServer(Mailbox()) as mailbox:
        env = environment(database_url(app), bind=f"127.0.0.1:{port}", mail_server="127.0.0.1",
                          mail_port=mailbox.port, mail_sender=SENDER,
                          scheduler_interval_seconds=1, scheduler_alert_interval_seconds=2)
        env["PROMETHEUS_MULTIPROC_DIR"] = str(tmp_path)
        process, log = start([str(BIN / "honcho"), "start", "-f", "Procfile", "--no-colour"],
                             env)
        wait_until_serving(base, process, log)
        assert get(f"{base}/readyz")[0] == 200
        sweeps = re.compile(r"^\S+ (scheduler[12])\.1\s+\| .*job=dispatch-reminders", re.M)
        wait_for(lambda: {m for m in sweeps.findall(log.read_text())} == {"scheduler1",
                                                                          "scheduler2"},
                 "both schedulers' sweeps", log)
        treatment_session = make.session(scheduled_start=utcnow() + timedelta(hours=3))
        add_due(db, treatment_session, 1)
        wait_for(lambda: mailbox.handler.count() == 1, "the reminder", log)
        wait_for(lambda: scrape(base).get(("spravato_reminders", (("status", "sent"),))) == 1,
                 "the reminder counted as sent", log)
        time.sleep(2)  # two more sweeps each: nothing is sent again
        assert mailbox.handler.count() == 1
        text = stop(process, log, exit_code=128 + signal.SIGTERM)  # honcho says why it ended
    for name in ("web", "scheduler1", "scheduler2"):  # each stopped cleanly by the SIGTERM
        assert re.search(rf"^\S+ system\s+\| {name}\.1 stopped \(rc=0\)$", text, re.M), name


def wait_for(condition, what, log):
    deadline = time.monotonic() + PATIENCE
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}:\n{log.read_text()}")
        time.sleep(0.3)


def procfile_commands():
    """{process: command}; `exec` lets the command take the shell's place (its signals, its
    exit code)."""
    lines = (ROOT / "Procfile").read_text().splitlines()
    return {name: command.removeprefix("exec ")
            for name, command in (line.split(": ", 1) for line in lines if line.strip())}


def unit(name):
    return (ROOT / "deploy" / name).read_text()


def exec_start(text):
    [command] = re.findall(r"^ExecStart=(.*)$", text, re.M)
    return command.replace("/opt/spravato-ops/.venv/bin/", "")


def test_systemd_units_run_what_the_procfile_runs():
    commands = procfile_commands()
    assert set(commands) == {"web", "scheduler1", "scheduler2"}
    assert exec_start(unit("spravato-web.service")) == commands["web"]
    assert exec_start(unit("spravato-scheduler@.service")) == commands["scheduler1"] == \
        commands["scheduler2"]
    for name in ("spravato-web.service", "spravato-scheduler@.service"):
        assert "Environment=SPRAVATO_ENV=production" in unit(name)
    assert "PROMETHEUS_MULTIPROC_DIR=/run/spravato-ops-web" in unit("spravato-web.service")


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze not installed")
def test_systemd_units_verify(tmp_path):
    """systemd-analyze reads each unit as systemd would, its programs at this checkout's paths."""
    for name in ("spravato-web.service", "spravato-scheduler@.service"):
        text = (unit(name).replace("/opt/spravato-ops/.venv/bin", str(BIN))
                .replace("/opt/spravato-ops", str(ROOT))
                .replace("/etc/spravato-ops/environment", str(ROOT / "deploy/environment.example")))
        (tmp_path / name).write_text(text)
    done = subprocess.run(["systemd-analyze", "verify", "spravato-web.service",
                           "spravato-scheduler@1.service"], cwd=tmp_path, capture_output=True,
                          text=True)
    assert (done.returncode, done.stderr) == (0, "")


def test_each_workers_pool_keeps_a_connection_for_every_request_thread_and_four_spare():
    """gunicorn.conf.py sizes the pool from the request threads, with no overflow (whose
    connections would be closed and opened again at every peak)."""
    settings = {key: value for key, value in os.environ.items()
                if not key.startswith("SPRAVATO_DATABASE_")}
    shown = subprocess.run(
        [sys.executable, "-c", "import os, runpy; runpy.run_path('gunicorn.conf.py'); "
         "print(os.environ['SPRAVATO_DATABASE_POOL_SIZE'], "
         "os.environ['SPRAVATO_DATABASE_MAX_OVERFLOW'])"],
        env=settings | {"SPRAVATO_WEB_THREADS": "5"}, capture_output=True, text=True,
        check=True, cwd=Path(__file__).resolve().parent.parent)
    assert shown.stdout.split() == ["9", "0"]
