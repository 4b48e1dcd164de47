"""Configuration defaults and the SPRAVATO_* environment overrides."""
import json
import os

ENV_PREFIX = "SPRAVATO_"


class Defaults:
    """Settings used unless instance/config.py or the environment says otherwise."""

    SECRET_KEY = "dev-only-change-me"
    DATABASE_URL = None  # None: SQLite file in the instance folder
    DATABASE_POOL_SIZE = 10
    DATABASE_MAX_OVERFLOW = 20
    TOKEN_TTL_HOURS = 12
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
    MAIL_USE_TLS = False
    MAIL_SENDER = "clinic@localhost"
    SMS_WEBHOOK_URL = None
    SCHEDULER_INTERVAL_SECONDS = 60
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None

    API_TITLE = "spravato-ops"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "docs"
    OPENAPI_SWAGGER_UI_URL = "/api/v1/docs/assets/"
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
