"""The factory reads defaults, then instance/secret_key, then instance/config.py, then
SPRAVATO_*; nothing at import time; no production start with the development key."""
import ast
import os
import stat
import subprocess
import sys
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
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
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


FILE_SETTINGS = ('TOKEN_TTL_HOURS = 3\nDATABASE_URL = "sqlite:///from-file.db"\n'
                 'SECRET_KEY = "from-config-py"\n')


def write_instance_file(tmp_path, text, name="config.py"):
    folder = tmp_path / "instance"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text)


def test_defaults(clean_environment, build, tmp_path):
    write_instance_file(tmp_path, "made-by-make-run\n", name="secret_key")
    app = build()
    assert app.config["TOKEN_TTL_HOURS"] == config.Defaults.TOKEN_TTL_HOURS == 12
    assert app.config["MAX_CONTENT_LENGTH"] == 1024 * 1024
    assert app.config["SECRET_KEY"] == "made-by-make-run"
    database = tmp_path / "instance" / "spravato.sqlite"
    assert get_engine(app).url.render_as_string() == f"sqlite:///{database}"
    assert (tmp_path / "instance").is_dir()


def test_instance_config_overrides_the_defaults(clean_environment, build, tmp_path):
    write_instance_file(tmp_path, FILE_SETTINGS)
    app = build()
    assert app.config["TOKEN_TTL_HOURS"] == 3
    assert get_engine(app).url.database == "from-file.db"
    assert app.config["MAIL_PORT"] == config.Defaults.MAIL_PORT  # the rest stays default


def test_environment_overrides_the_instance_config(clean_environment, build, tmp_path):
    write_instance_file(tmp_path, FILE_SETTINGS)
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
    write_instance_file(tmp_path, "TOKEN_TTL_HOURS = 3\n")
    clean_environment.setenv("SPRAVATO_TOKEN_TTL_HOURS", "5")
    app = build({"TESTING": True, "DATABASE_URL": "sqlite:///given.db"})
    assert app.config["TOKEN_TTL_HOURS"] == 12
    assert get_engine(app).url.database == "given.db"


def test_the_development_key_is_refused_outside_debug_and_testing(clean_environment, build):
    with pytest.raises(config.InsecureConfiguration) as refused:
        build()
    message = str(refused.value)
    assert "SPRAVATO_SECRET_KEY" in message and "instance/config.py" in message


@pytest.mark.parametrize("given", [{"SPRAVATO_SECRET_KEY": '""'},
                                   {"SPRAVATO_SECRET_KEY": config.DEVELOPMENT_SECRET_KEY},
                                   {"SPRAVATO_DEBUG": "false"}])
def test_an_empty_or_development_key_is_refused(clean_environment, build, given):
    for key, value in given.items():
        clean_environment.setenv(key, value)
    with pytest.raises(config.InsecureConfiguration):
        build()


@pytest.mark.parametrize("debug_variable", ["FLASK_DEBUG", "SPRAVATO_DEBUG"])
def test_debug_may_use_the_development_key(clean_environment, build, debug_variable):
    clean_environment.setenv(debug_variable, "1")
    assert build().config["SECRET_KEY"] == config.DEVELOPMENT_SECRET_KEY


def test_testing_may_use_the_development_key(clean_environment, build):
    app = build({"TESTING": True, "DATABASE_URL": "sqlite://"})
    assert app.config["SECRET_KEY"] == config.DEVELOPMENT_SECRET_KEY


def test_config_py_and_environment_override_the_key_file(clean_environment, build, tmp_path):
    write_instance_file(tmp_path, "from-the-file\n", name="secret_key")
    write_instance_file(tmp_path, 'SECRET_KEY = "from-config-py"\n')
    assert build().config["SECRET_KEY"] == "from-config-py"
    clean_environment.setenv("SPRAVATO_SECRET_KEY", "from-the-environment")
    assert build().config["SECRET_KEY"] == "from-the-environment"


def test_make_writes_a_secret_key_once_and_the_app_uses_it(clean_environment, build, tmp_path):
    """`make run` depends on instance/secret_key: made once, private, never overwritten."""
    def make_key():
        subprocess.run(["make", "-s", "-f", str(ROOT / "Makefile"), "-C", str(tmp_path),
                        "instance/secret_key"], check=True, capture_output=True)
        return (tmp_path / "instance" / "secret_key").read_text().strip()

    key = make_key()
    assert len(key) == 64 and make_key() == key
    assert stat.S_IMODE((tmp_path / "instance" / "secret_key").stat().st_mode) == 0o600
    assert build().config["SECRET_KEY"] == key


def test_from_environment_takes_only_prefixed_keys():
    environ = {"SPRAVATO_A": "1", "SPRAVATO_B": "text", "SPRAVATO_": "x", "OTHER_C": "2",
               "SPRAVATO_D": '{"k": [1]}'}
    assert config.from_environment(environ) == {"A": 1, "B": "text", "D": {"k": [1]}}


def test_configuration_is_read_when_the_app_is_built_not_at_import(clean_environment, build):
    """Everything was imported long before this test; each build still sees the environment."""
    clean_environment.setenv("SPRAVATO_SECRET_KEY", "from-the-environment")
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


PRODUCTION = {"SPRAVATO_ENV": "production", "SPRAVATO_SECRET_KEY": "p" * 64,
              "SPRAVATO_DATABASE_URL": "postgresql+psycopg://clinic@db.example/ops"}


def production_environment(environment, **changes):
    for key, value in {**PRODUCTION, **changes}.items():
        if value is None:
            environment.delenv(key, raising=False)
        else:
            environment.setenv(key, value)


def test_production_starts_with_a_key_of_its_own_on_postgresql(clean_environment, build):
    production_environment(clean_environment)
    app = build()
    assert config.is_production(app) and get_engine(app).url.host == "db.example"


@pytest.mark.parametrize("key", [None, config.DEVELOPMENT_SECRET_KEY, '""'])
@pytest.mark.parametrize("excuse", [{}, {"SPRAVATO_DEBUG": "false", "SPRAVATO_TESTING": "true"}])
def test_production_refuses_the_development_key_even_in_tests(clean_environment, build, key,
                                                              excuse):
    production_environment(clean_environment, SPRAVATO_SECRET_KEY=key, **excuse)
    with pytest.raises(config.InsecureConfiguration, match="SPRAVATO_SECRET_KEY"):
        build()


@pytest.mark.parametrize("url", [None, "sqlite:///clinic.sqlite"])
def test_production_refuses_sqlite_unless_allowed(clean_environment, build, tmp_path, url):
    """The default URL (None) is SQLite in the instance folder: refused as well."""
    production_environment(clean_environment, SPRAVATO_DATABASE_URL=url)
    with pytest.raises(config.InsecureConfiguration) as refused:
        build()
    assert "SPRAVATO_ALLOW_SQLITE=1" in str(refused.value)
    clean_environment.setenv("SPRAVATO_ALLOW_SQLITE", "1")
    assert get_engine(build()).url.get_backend_name() == "sqlite"


@pytest.mark.parametrize("variable", ["FLASK_DEBUG", "SPRAVATO_DEBUG"])
def test_production_refuses_debug(clean_environment, build, variable):
    production_environment(clean_environment)
    clean_environment.setenv(variable, "1")
    with pytest.raises(config.InsecureConfiguration, match="Debug"):
        build()


def test_an_unknown_environment_is_refused(clean_environment, build):
    """`prod` is a typo, not development: it would start without production's refusals."""
    production_environment(clean_environment, SPRAVATO_ENV="prod")
    with pytest.raises(config.InsecureConfiguration, match="development, production"):
        build()


def test_the_scheduler_and_commands_refuse_too(clean_environment, tmp_path):
    """`flask --app wsgi scheduler` builds the same app: it stops before touching SQLite."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(config.ENV_PREFIX)}
    env.update(PRODUCTION, SPRAVATO_DATABASE_URL=f"sqlite:///{tmp_path / 'clinic.sqlite'}")
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "scheduler",
                           "--once"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode != 0
    assert "InsecureConfiguration" in done.stderr and "SPRAVATO_ALLOW_SQLITE" in done.stderr
    assert not (tmp_path / "clinic.sqlite").exists()
