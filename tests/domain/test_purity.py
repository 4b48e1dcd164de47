"""The domain stays pure: no Flask/SQLModel/SQLAlchemy and no clock reads (STYLE.md)."""
import ast
from pathlib import Path

import pytest

DOMAIN = Path(__file__).resolve().parents[2] / "spravato_ops" / "domain"
FORBIDDEN_MODULES = {"flask", "sqlmodel", "sqlalchemy"}
CLOCK_ATTRIBUTES = {"now", "utcnow", "today", "fromtimestamp", "utcfromtimestamp"}
CLOCK_FUNCTIONS = {("time", "time"), ("time", "monotonic"), ("time", "perf_counter"),
                   ("time", "time_ns"), ("time", "localtime"), ("time", "gmtime")}
SOURCES = sorted(DOMAIN.glob("*.py"))


def problems(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
            if node.module == "time":
                found.append("imports from time")
        else:
            names = []
        found += [f"imports {n}" for n in names if n.split(".")[0] in FORBIDDEN_MODULES]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            attr, owner = node.func.attr, node.func.value
            if attr in CLOCK_ATTRIBUTES:
                found.append(f"calls .{attr}()")
            if isinstance(owner, ast.Name) and (owner.id, attr) in CLOCK_FUNCTIONS:
                found.append(f"calls {owner.id}.{attr}()")
    return found


def test_domain_has_modules():
    assert len(SOURCES) >= 10


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_domain_module_is_pure(path):
    assert problems(path.read_text()) == []


@pytest.mark.parametrize("snippet", [
    "import flask", "from sqlmodel import Field", "import sqlalchemy.orm",
    "from datetime import datetime\nx = datetime.now()", "x = datetime.utcnow()",
    "x = date.today()", "import time\nx = time.time()", "from time import time",
])
def test_scanner_catches(snippet):
    assert problems(snippet)
