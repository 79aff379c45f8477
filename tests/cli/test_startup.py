"""What the CLI imports at start: `--help` and the pre-commit hook's `validate` load none of the heavy parts.

Each check runs the CLI in a fresh interpreter (a test process has imported everything already) through
its error boundary, then reads which modules that process imported. And every command `--help` lists
loads, under its own name, with the summary the listing shows for it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest

from sfsync.cli import cli, run
from sfsync.commands import COMMANDS
from sfsync.commands.summaries import WHOLE

ROOT = Path(__file__).resolve().parents[2]
QUICKSTART = "examples/quickstart/sfsync.yaml"
WITHOUT_TEMPLATES = "tests/cases/valid/minimal.yaml"

# The store and its database drivers, the Salesforce client and its HTTP stack, the engine, the renderers,
# the local org: what plan and apply need, and nothing `--help` or an offline validate does.
NEVER_AT_START = (
    "sqlalchemy",
    "psycopg",
    "simple_salesforce",
    "requests",
    "urllib3",
    "jwt",
    "cryptography",
    "tldextract",
    "email_validator",
    "deepdiff",
    "tenacity",
    "fastjsonschema",
    "werkzeug",
    "sfsync.api",
    "sfsync.store",
    "sfsync.salesforce",
    "sfsync.engine",
    "sfsync.localorg",
    "sfsync.render",
)
# What loading a config needs (the models, the YAML with positions, the templates), not a listing of commands.
CONFIG_PARTS = ("pydantic", "ruamel", "jinja2", "rich", "sfsync.config")

RUNNER = """
import json, sys
from sfsync.cli import run
code = run(sys.argv[2:])
with open(sys.argv[1], "w", encoding="utf-8") as out:
    json.dump({"code": code, "modules": sorted(sys.modules)}, out)
"""


def imported_by(tmp_path: Path, *argv: str) -> set[str]:
    """The top-level packages and the sfsync packages a fresh `sfsync ARGV` imported (it must succeed)."""
    report = tmp_path / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, str(report), *argv], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(report.read_text("utf-8"))
    assert result["code"] == 0, done.stderr
    names: set[str] = set()
    for module in result["modules"]:
        parts = module.split(".")
        names.add(parts[0])
        if parts[0] == "sfsync" and len(parts) > 1:
            names.add(".".join(parts[:2]))
    return names


def test_help_imports_no_command_and_nothing_heavy(tmp_path: Path) -> None:
    imported = imported_by(tmp_path, "--help")
    assert imported & {*NEVER_AT_START, *CONFIG_PARTS} == set()
    assert not {name for name in imported if name.startswith("sfsync.commands.") and name != "sfsync.commands.lazy"}


# The commands whose module needs none of the heavy parts until it runs (plan, apply, show and refresh
# import the engine with their module: their help is never what a hook or a person waits on).
LIGHT_COMMANDS = ("validate", "fmt", "schema", "state", "state show", "workspace", "workspace load", "localorg")


@pytest.mark.parametrize("command", LIGHT_COMMANDS)
def test_a_command_help_imports_only_that_command(tmp_path: Path, command: str) -> None:
    imported = imported_by(tmp_path, *command.split(), "--help")
    assert imported & {*NEVER_AT_START, "pydantic", "jinja2", "rich"} == set()


def test_validate_loads_the_config_parts_only(tmp_path: Path) -> None:
    imported = imported_by(tmp_path, "validate", WITHOUT_TEMPLATES)
    assert imported & {*NEVER_AT_START, "jinja2", "rich"} == set()
    assert {"pydantic", "ruamel"} <= imported  # the check is real: this process did load and validate a config


def test_validate_imports_jinja2_only_for_a_config_with_templates(tmp_path: Path) -> None:
    assert "{{" in (ROOT / QUICKSTART).read_text("utf-8")
    imported = imported_by(tmp_path, "validate", QUICKSTART)
    assert imported & {*NEVER_AT_START, "rich"} == set()
    assert "jinja2" in imported  # the template's syntax and names are checked with jinja2 itself


# `inspect.findsource` is where reading a class's source starts (pydantic's `use_attribute_docstrings` read the
# source of every config model as it was built): counted in a fresh interpreter running the command.
SOURCE_COUNTER = """
import inspect, json, sys
reads = []
original = inspect.findsource
inspect.findsource = lambda obj: reads.append(repr(obj)) or original(obj)
from sfsync.cli import run
code = run(sys.argv[2:])
with open(sys.argv[1], "w", encoding="utf-8") as out:
    json.dump({"code": code, "reads": reads}, out)
"""


@pytest.mark.parametrize("config", [QUICKSTART, WITHOUT_TEMPLATES])
def test_validate_reads_no_python_source(tmp_path: Path, config: str) -> None:
    report = tmp_path / "reads.json"
    done = subprocess.run(
        [sys.executable, "-c", SOURCE_COUNTER, str(report), "validate", config],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(report.read_text("utf-8"))
    assert result == {"code": 0, "reads": []}  # the schema's descriptions are read by `sfsync schema` only


def test_fmt_check_loads_no_config_model(tmp_path: Path) -> None:
    imported = imported_by(tmp_path, "fmt", "--check", QUICKSTART)
    assert imported & {*NEVER_AT_START, "pydantic", "jinja2", "rich"} == set()
    assert "ruamel" in imported


def _listed(group: click.Group) -> list[str]:
    return group.list_commands(click.Context(group))


def test_the_help_lists_every_command_of_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--help"]) == 0
    listing = capsys.readouterr().out.partition("Commands:")[2]
    listed = [line.split()[0] for line in listing.splitlines() if line.startswith("  ") and line[2] != " "]
    assert listed == sorted(COMMANDS) == _listed(cli)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_listed_command_loads_with_the_summary_the_listing_shows(name: str) -> None:
    command = cli.get_command(click.Context(cli), name)
    assert isinstance(command, click.Command)
    assert command.name == name
    assert not command.hidden
    assert command.get_short_help_str(limit=WHOLE) == COMMANDS[name].summary


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_listed_command_answers_its_own_help(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run([name, "--help"]) == 0
    assert capsys.readouterr().out.startswith(f"Usage: sfsync {name} [OPTIONS]")


def test_an_unknown_command_is_still_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["valdiate"]) == 1
    assert "No such command 'valdiate'." in capsys.readouterr().err
