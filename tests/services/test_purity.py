"""The services run without a request: no Flask, werkzeug or request-bound module (STYLE.md)."""
import ast
import subprocess
import sys
from pathlib import Path

import pytest

SERVICES = Path(__file__).resolve().parents[2] / "spravato_ops" / "services"
SOURCES = sorted(SERVICES.glob("*.py"))
WEB_MODULES = {"flask", "werkzeug", "flask_smorest", "flask_login", "flask_wtf", "webargs"}
# Modules of the package that exist for requests: a service that imports one needs a request.
REQUEST_BOUND = {"api", "auth", "db", "errors", "idempotency", "site_access", "web", "audit",
                 "cli"}


def problems(path):
    """Imports in one service module that tie it to Flask or to a request."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [f"imports {a.name}" for a in node.names
                      if a.name.split(".")[0] in WEB_MODULES]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level == 0 and module.split(".")[0] in WEB_MODULES:
                found.append(f"imports {module}")
            if node.level == 2 and module.split(".")[0] in REQUEST_BOUND:
                found.append(f"imports ..{module}")
            if node.level == 2 and not module:
                found += [f"imports ..{a.name}" for a in node.names if a.name in REQUEST_BOUND]
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "abort":
            found.append("calls abort()")
    return found


def test_services_have_modules():
    assert len(SOURCES) >= 10


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_service_module_needs_no_request(path):
    assert problems(path) == []


def test_importing_every_service_loads_no_flask():
    """Transitively: a scheduler job importing the services does not import Flask."""
    names = " ".join(f"spravato_ops.services.{p.stem}" for p in SOURCES if p.stem != "__init__")
    code = (f"import importlib, sys\nfor n in {names.split()!r}: importlib.import_module(n)\n"
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {sorted(WEB_MODULES)!r}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=SERVICES.parents[1], check=True)
    assert result.stdout.strip() == "[]"
