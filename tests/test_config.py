"""The factory reads defaults, then instance/config.py, then SPRAVATO_*; nothing at import time."""
import ast
import os
from pathlib import Path

import pytest

from spravato_ops import config, create_app
from spravato_ops.db import get_engine

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def clean_environment(monkeypatch):
    """No SPRAVATO_* variable of the calling shell (the PostgreSQL test URL among them)."""
    for key in list(os.environ):
        if key.startswith(config.ENV_PREFIX):
            monkeypatch.delenv(key)
    return monkeypatch


@pytest.fixture
def build(tmp_path):
    """build() -> an application whose instance folder is tmp_path/instance."""
    apps = []

    def build_app(test_config=None):
        app = create_app(test_config, instance_path=str(tmp_path / "instance"))
        apps.append(app)
        return app

    yield build_app
    for app in apps:
        get_engine(app).dispose()


FILE_SETTINGS = 'TOKEN_TTL_HOURS = 3\nDATABASE_URL = "sqlite:///from-file.db"\n'


def write_instance_config(tmp_path, text):
    folder = tmp_path / "instance"
    folder.mkdir(exist_ok=True)
    (folder / "config.py").write_text(text)


def test_defaults(clean_environment, build, tmp_path):
    app = build()
    assert app.config["TOKEN_TTL_HOURS"] == config.Defaults.TOKEN_TTL_HOURS == 12
    assert app.config["MAX_CONTENT_LENGTH"] == 1024 * 1024
    assert app.config["SECRET_KEY"] == config.Defaults.SECRET_KEY
    database = tmp_path / "instance" / "spravato.sqlite"
    assert get_engine(app).url.render_as_string() == f"sqlite:///{database}"
    assert (tmp_path / "instance").is_dir()


def test_instance_config_overrides_the_defaults(clean_environment, build, tmp_path):
    write_instance_config(tmp_path, FILE_SETTINGS)
    app = build()
    assert app.config["TOKEN_TTL_HOURS"] == 3
    assert get_engine(app).url.database == "from-file.db"
    assert app.config["MAIL_PORT"] == config.Defaults.MAIL_PORT  # the rest stays default


def test_environment_overrides_the_instance_config(clean_environment, build, tmp_path):
    write_instance_config(tmp_path, FILE_SETTINGS)
    clean_environment.setenv("SPRAVATO_DATABASE_URL", "postgresql+psycopg://clinic@db.example/ops")
    clean_environment.setenv("SPRAVATO_TOKEN_TTL_HOURS", "5")
    clean_environment.setenv("SPRAVATO_SECRET_KEY", "12345")
    clean_environment.setenv("SPRAVATO_MAIL_USE_TLS", "true")
    clean_environment.setenv("SPRAVATO_MAIL_SENDER", "front@clinic.example")
    app = build()
    url = get_engine(app).url
    assert (url.drivername, url.host, url.database) == ("postgresql+psycopg", "db.example", "ops")
    assert app.config["TOKEN_TTL_HOURS"] == 5  # numbers read as numbers
    assert app.config["SECRET_KEY"] == "12345"  # the secret stays text
    assert app.config["MAIL_USE_TLS"] is True
    assert app.config["MAIL_SENDER"] == "front@clinic.example"


def test_test_config_replaces_file_and_environment(clean_environment, build, tmp_path):
    write_instance_config(tmp_path, "TOKEN_TTL_HOURS = 3\n")
    clean_environment.setenv("SPRAVATO_TOKEN_TTL_HOURS", "5")
    app = build({"TESTING": True, "DATABASE_URL": "sqlite:///given.db"})
    assert app.config["TOKEN_TTL_HOURS"] == 12
    assert get_engine(app).url.database == "given.db"


def test_from_environment_takes_only_prefixed_keys():
    environ = {"SPRAVATO_A": "1", "SPRAVATO_B": "text", "SPRAVATO_": "x", "OTHER_C": "2",
               "SPRAVATO_D": '{"k": [1]}'}
    assert config.from_environment(environ) == {"A": 1, "B": "text", "D": {"k": [1]}}


def test_configuration_is_read_when_the_app_is_built_not_at_import(clean_environment, build):
    """Everything was imported long before this test; each build still sees the environment."""
    urls = []
    for name in ("first.db", "second.db"):
        clean_environment.setenv("SPRAVATO_DATABASE_URL", f"sqlite:///{name}")
        urls.append(get_engine(build()).url.database)
    assert urls == ["first.db", "second.db"]


# Reading these at module level would capture configuration at import time.
IMPORT_TIME_READS = {"environ", "getenv", "current_app", "from_pyfile", "from_envvar",
                     "from_environment", "create_engine", "create_app"}
PACKAGES = ("spravato_ops", "schemas", "scheduler")


def _module_level_names(tree):
    """Names used by code that runs at import: module and class bodies, not function bodies."""
    pending = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            pending.extend(node.decorator_list if not isinstance(node, ast.Lambda) else [])
            continue
        if isinstance(node, ast.Name):
            yield node.id, node.lineno
        elif isinstance(node, ast.Attribute):
            yield node.attr, node.lineno
        pending.extend(ast.iter_child_nodes(node))


def test_no_module_reads_configuration_at_import():
    offences = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(), filename=str(path))
            offences += [f"{path.relative_to(ROOT)}:{line} {name}"
                         for name, line in _module_level_names(tree) if name in IMPORT_TIME_READS]
    assert offences == []
