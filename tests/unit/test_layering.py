"""Imports point downward: SOQL is written only in `salesforce/`, which knows nothing of the config; views
know nothing of Salesforce; set-based store reads go through the store's public API."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import sfsync

SOURCE = Path(sfsync.__file__).parent


def _modules(*packages: str) -> Iterator[Path]:
    for package in packages:
        yield from sorted((SOURCE / package).rglob("*.py"))


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_the_engine_writes_no_soql() -> None:
    offending = [str(p) for p in _modules("engine", "commands") if "SELECT " in p.read_text("utf-8")]
    assert offending == []
    compiling = [
        str(p) for p in _modules("engine", "commands", "render", "store") if "sfsync.salesforce.soql" in _imports(p)
    ]
    assert compiling == []


def test_salesforce_does_not_import_the_config() -> None:
    leaks = [str(p) for p in _modules("salesforce") if any(m.startswith("sfsync.config") for m in _imports(p))]
    assert leaks == []


def test_views_do_not_import_salesforce() -> None:
    leaks = [str(p) for p in _modules("render") if any(m.startswith("sfsync.salesforce") for m in _imports(p))]
    assert leaks == []


def test_only_the_store_reaches_into_its_session() -> None:
    assert [str(p) for p in _modules("engine", "commands", "render") if "._session" in p.read_text("utf-8")] == []
    assert "._session" not in (SOURCE / "store" / "sync_views.py").read_text("utf-8")


def test_the_api_is_below_the_commands_and_above_the_engine() -> None:
    assert [str(p) for p in _modules("api") if any(m.startswith("sfsync.commands") for m in _imports(p))] == []
    below = ("engine", "store", "salesforce", "config", "render")
    assert [str(p) for p in _modules(*below) if any(m.startswith("sfsync.api") for m in _imports(p))] == []


def test_the_api_imports_no_click() -> None:
    """An orchestrator imports `sfsync.api` without the command line (checked in a fresh interpreter)."""
    probe = "import sys, sfsync.api; print(sorted(m for m in sys.modules if m.split('.')[0] == 'click'))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


# The local org (a stand-in for Salesforce: its parts take the `Org` they serve) and the templating
# facade (its functions import their modules late) are not held to this.
CIRCLES_ALLOWED = ("localorg", "templating")


def _module_name(path: Path) -> str:
    parts = ("sfsync", *path.relative_to(SOURCE).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _import_graph() -> dict[str, set[str]]:
    """Each module's imports of other sfsync modules, those made only for typing or late included."""
    paths = [p for p in sorted(SOURCE.rglob("*.py")) if p.relative_to(SOURCE).parts[0] not in CIRCLES_ALLOWED]
    names = {_module_name(p) for p in paths}
    graph: dict[str, set[str]] = {}
    for path in paths:
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:  # `from package import module` names the module
                for alias in node.names:
                    found.update({f"{node.module}.{alias.name}"} & names or {node.module} & names)
            elif isinstance(node, ast.Import):
                found.update(a.name for a in node.names if a.name in names)
        graph[_module_name(path)] = found - {_module_name(path)}
    return graph


def test_no_import_circles() -> None:
    """No module imports, even only to name a type, one that imports it back (directly or further round)."""
    graph, done, circles = _import_graph(), set[str](), []

    def visit(name: str, trail: list[str]) -> None:
        if name in trail:
            circles.append(trail[trail.index(name) :])
            return
        if name in done:
            return
        for imported in sorted(graph[name]):
            visit(imported, [*trail, name])
        done.add(name)

    for name in sorted(graph):
        visit(name, [])
    assert circles == []
