"""gunicorn settings of the production web server: `gunicorn -c gunicorn.conf.py wsgi:app`.

Workers and threads (README, "Production"): SPRAVATO_WEB_WORKERS (default two per core)
processes (`gthread`) of SPRAVATO_WEB_THREADS (default 8) threads for requests, plus
SPRAVATO_WEB_STREAMS (default 48) threads for alert streams (`GET /api/v1/alerts/stream`, up
to 60 s each). A worker serves at most that many streams at once (ALERT_STREAM_SLOTS; past
them 503 with Retry-After), so streams never hold the threads the API answers with. Each
worker's database pool follows from its request threads (a stream holds no connection while
it waits): SPRAVATO_DATABASE_POOL_SIZE = request threads + 4 spare (a request's short second
connection, the streams' polls), SPRAVATO_DATABASE_MAX_OVERFLOW = 0, unless set: the pool keeps
every connection it opens, where an overflow's would be closed when it came back and opened
again at the next peak (a new PostgreSQL backend each time). Besides its pool, each worker
holds one connection for the access revision that every request reads (revision_read).
"""
import glob
import multiprocessing
import os
import shutil
import tempfile

# Prometheus' multiprocess mode is chosen when prometheus_client is first imported: set the
# directory before anything imports it (here, and in the workers that inherit it).
CREATED_METRICS_DIR = None
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    CREATED_METRICS_DIR = tempfile.mkdtemp(prefix="spravato-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = CREATED_METRICS_DIR

from prometheus_client import multiprocess  # noqa: E402

from spravato_ops.logs import logging_config  # noqa: E402

SPARE_CONNECTIONS = 4

bind = os.environ.get("SPRAVATO_BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("SPRAVATO_WEB_WORKERS") or 2 * multiprocessing.cpu_count())
request_threads = int(os.environ.get("SPRAVATO_WEB_THREADS") or 8)
stream_threads = int(os.environ.get("SPRAVATO_WEB_STREAMS") or 48)
threads = request_threads + stream_threads
worker_class = "gthread"
# A request may take this long; an alert stream ends by itself after at most 60 s.
timeout = 90
graceful_timeout = 30
keepalive = 5
# gunicorn's runtime control socket is one path per user: several servers on a host would share it.
control_socket_disable = True

os.environ.setdefault("SPRAVATO_DATABASE_POOL_SIZE", str(request_threads + SPARE_CONNECTIONS))
os.environ.setdefault("SPRAVATO_DATABASE_MAX_OVERFLOW", "0")
os.environ.setdefault("SPRAVATO_ALERT_STREAM_SLOTS", str(stream_threads))

# gunicorn's access log is off (spravato_ops/logs.py: the application logs each request once).
# Turned on (logger `gunicorn.access` at INFO), it has the path without its query string
# (`?q=` carries patients' names and MRNs), no referrer (a page's URL), and the request id.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms request_id=%({x-request-id}o)s'
# Every line on stderr is one JSON object (spravato_ops/logs.py).
logconfig_dict = logging_config()


def on_starting(server):
    """Start with an empty metrics directory: files of an earlier run would be summed in."""
    for path in glob.glob(os.path.join(os.environ["PROMETHEUS_MULTIPROC_DIR"], "*.db")):
        os.remove(path)


def child_exit(server, worker):
    """A worker that exits leaves the live gauges (connections in use)."""
    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if CREATED_METRICS_DIR:
        shutil.rmtree(CREATED_METRICS_DIR, ignore_errors=True)


def post_worker_init(worker):
    """Move what the application built at start-up out of the garbage collector's way: its full
    passes over those objects otherwise stall about one request in ten by tens of ms."""
    import gc

    gc.collect()
    gc.freeze()
