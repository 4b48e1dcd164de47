"""Configuration defaults and the SPRAVATO_* environment overrides."""
import json
import os

ENV_PREFIX = "SPRAVATO_"
DEVELOPMENT_SECRET_KEY = "dev-only-change-me"
SECRET_KEY_FILE = "secret_key"
ENVIRONMENTS = ("development", "production")


class Defaults:
    """Settings used unless instance/config.py or the environment says otherwise."""

    # "production": the development key is refused even in debug and tests, and so is
    # debug itself and SQLite (unless ALLOW_SQLITE); logs are JSON lines.
    ENV = "development"
    ALLOW_SQLITE = False  # in production: a single machine on SQLite, said explicitly
    SECRET_KEY = DEVELOPMENT_SECRET_KEY  # refused outside debug and testing
    DATABASE_URL = None  # None: SQLite file in the instance folder
    DATABASE_POOL_SIZE = 10
    DATABASE_MAX_OVERFLOW = 20
    TOKEN_TTL_HOURS = 12
    # A browser session left without a person's action this long ends (shared tablets); the
    # pages' own refreshes (X-Background: 1) do not count. 0: no idle limit.
    BROWSER_IDLE_MINUTES = 15
    # Each web worker makes a site's front-desk board at most once in this many seconds (the
    # board may be that much late); 0: every request makes it.
    BOARD_CACHE_SECONDS = 2
    # Alert streams one process serves at once (each holds a server thread); past them 503
    # with Retry-After. gunicorn.conf.py sets it to the threads it adds for streams; 0: no limit.
    ALERT_STREAM_SLOTS = 0
    # The streams of a site in one process share each read of its open alerts for this long
    # (one query a second per site and worker, however many tablets); 0: each polls alone.
    ALERT_STREAM_SHARED_SECONDS = 1
    MAX_CONTENT_LENGTH = 1024 * 1024
    CLOCK_SKEW_SECONDS = 120
    # Idempotency-Key: how long a duplicate waits for the first request's answer, and how
    # long a claimed key without an answer counts as a request still running.
    IDEMPOTENCY_WAIT_SECONDS = 2
    IDEMPOTENCY_CLAIM_SECONDS = 60
    DEMO_TIMEZONE = "America/New_York"
    MAIL_SERVER = "localhost"
    MAIL_PORT = 25
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_USE_TLS = False  # STARTTLS, the server's certificate verified
    MAIL_CA_FILE = None  # CA certificates (PEM) that sign the SMTP server's; None: the system's
    MAIL_SENDER = "clinic@localhost"
    MAIL_TIMEOUT_SECONDS = 10
    SMS_WEBHOOK_URL = None
    SMS_WEBHOOK_SECRET = None  # sent as X-Webhook-Secret when set
    SMS_WEBHOOK_TIMEOUT_SECONDS = 10
    # The scheduler process (scheduler/): sweep intervals, reminder dispatch and delivery.
    SCHEDULER_INTERVAL_SECONDS = 30  # reminder dispatch
    SCHEDULER_ALERT_INTERVAL_SECONDS = 60  # treatment-day alerts
    SCHEDULER_COURSE_INTERVAL_SECONDS = 900  # course and REMS form alerts
    REMINDER_DELIVERY = "live"  # "live": SMTP and the SMS webhook; "log": print every message
    REMINDER_TEMPLATES_DIR = None  # templates of one's own, per site under site-<id>/
    REMINDER_BATCH_SIZE = 100
    REMINDER_LEASE_SECONDS = 300
    REMINDER_MAX_ATTEMPTS = 5
    REMINDER_RETRY_BASE_SECONDS = 60
    REMINDER_RETRY_CAP_SECONDS = 3600
    # FHIR export: the base of the identifier systems (MRN, sessions, staff) this deployment
    # issues (use a URL of your own), and the sessions the bulk export reads at a time.
    FHIR_IDENTIFIER_BASE = "https://spravato-ops.org/fhir/sid"
    FHIR_EXPORT_BATCH_SIZE = 200
    # Who may read /metrics: with a token, callers that send it as a bearer token; without
    # one, callers on this machine only (loopback).
    METRICS_TOKEN = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None
    PREFERRED_URL_SCHEME = "http"  # "https": session and remember cookies always Secure
    TRUSTED_PROXIES = 0  # reverse proxies whose X-Forwarded-For/-Proto are believed
    HSTS_MAX_AGE = 31536000

    # Failed logins (401) per account and per client address, on the API and the form;
    # once a limit is reached, logins answer 429 until the oldest failure leaves the window.
    LOGIN_FAILURES_PER_ACCOUNT = "5 per 15 minutes"
    LOGIN_FAILURES_PER_ADDRESS = "30 per 15 minutes"
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"  # one process only; production: redis://127.0.0.1:6379
    RATELIMIT_STRATEGY = "moving-window"
    RATELIMIT_KEY_PREFIX = "spravato-ops"
    RATELIMIT_HEADERS_ENABLED = True  # Retry-After on 429
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True  # storage down: count in this process

    API_TITLE = "spravato-ops"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "docs"
    OPENAPI_SWAGGER_UI_URL = "/api/v1/docs/assets/"
    OPENAPI_SWAGGER_UI_CONFIG = {"validatorUrl": None}  # no badge fetched from the internet
    API_SPEC_OPTIONS = {
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}
        },
        "security": [{"bearerAuth": []}],
    }


def _parse(value):
    """Read an environment value as JSON when it is JSON (numbers, booleans), else as text."""
    try:
        return json.loads(value)
    except ValueError:
        return value


def from_environment(environ=None):
    """Return the SPRAVATO_* variables as configuration keys without the prefix."""
    environ = os.environ if environ is None else environ
    return {
        key[len(ENV_PREFIX):]: _parse(value)
        for key, value in environ.items()
        if key.startswith(ENV_PREFIX) and key != ENV_PREFIX
    }


def read_secret_key_file(instance_path):
    """Return the key `make run` keeps in instance/secret_key, or None when there is none."""
    try:
        with open(os.path.join(instance_path, SECRET_KEY_FILE), encoding="utf-8") as file:
            return file.read().strip() or None
    except FileNotFoundError:
        return None


class InsecureConfiguration(RuntimeError):
    """A setting that must not reach production, such as the development secret key."""


def is_production(app):
    return app.config["ENV"] == "production"


def require_secret_key(app):
    """Refuse the development (or an empty) secret key unless the app runs in debug or tests."""
    key = app.config.get("SECRET_KEY")
    if key and str(key) != DEVELOPMENT_SECRET_KEY:
        app.config["SECRET_KEY"] = str(key)
        return
    if (app.debug or app.testing) and not is_production(app):
        app.config["SECRET_KEY"] = DEVELOPMENT_SECRET_KEY
        return
    raise InsecureConfiguration(
        "No secret key is set: the development key signs cookies anyone can forge. Set "
        "SPRAVATO_SECRET_KEY, or SECRET_KEY in instance/config.py, to a long random value "
        "(python3 -c 'import secrets; print(secrets.token_hex(32))'); `make run` writes one "
        f"to instance/{SECRET_KEY_FILE}.")


def require_production_settings(app, database_url):
    """Refuse what must not reach production: an unknown ENV, debug, SQLite unless allowed."""
    environment = app.config["ENV"]
    if environment not in ENVIRONMENTS:
        raise InsecureConfiguration(
            f"SPRAVATO_ENV is {environment!r}: it must be one of {', '.join(ENVIRONMENTS)}.")
    if not is_production(app):
        return
    if app.debug:
        raise InsecureConfiguration(
            "Debug mode is on in production (FLASK_DEBUG or SPRAVATO_DEBUG): its debugger runs "
            "any code a visitor sends. Turn it off.")
    if str(database_url).startswith("sqlite") and not app.config["ALLOW_SQLITE"]:
        raise InsecureConfiguration(
            "Production runs on PostgreSQL: set SPRAVATO_DATABASE_URL to "
            "postgresql+psycopg://user@host:5432/db. SQLite serializes every write and suits one "
            "machine only; to run on it anyway, set SPRAVATO_ALLOW_SQLITE=1.")
