"""Progress where a plan spends its time: the planning pass over every person and company, reported on
a terminal (bars on stderr) and as NDJSON `progress` events, not only the refresh."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from cli_org import initech_leads
from terminal import run_on_terminal

from sfsync.cli import run

pytestmark = pytest.mark.org

CONFIG = initech_leads()
PEOPLE = "email,last_name\npeter@initech.example,Gibbons\nmilton@initech.example,Waddams\nbob@initech.example,Slydell\n"


@pytest.fixture
def workdir(org_workdir: Path) -> Path:
    (org_workdir / "sfsync.yaml").write_text(CONFIG, encoding="utf-8")
    (org_workdir / "people.csv").write_text(PEOPLE, encoding="utf-8")
    assert run(["workspace", "load", "people.csv", "--object", "person"]) == 0
    return org_workdir


def test_the_planning_pass_streams_progress_events(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert run(["plan", "--format", "json"]) == 0
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    planning = [
        (e["sobject"], e["done"], e["total"]) for e in events if e["type"] == "progress" and e["phase"] == "plan"
    ]
    assert planning[0][:2] == ("company", 0)
    people = [item for item in planning if item[0] == "person"]
    total = people[0][2]  # the loaded people, and the leads the read took into the workspace
    assert (
        total is not None
        and total >= 3
        and people[0] == ("person", 0, total)
        and people[-1] == ("person", total, total)
    )
    kinds = [e["phase"] for e in events if e["type"] == "progress"]
    assert kinds.index("plan") > kinds.index("refresh")  # the pass after the read, each reported


def test_the_planning_pass_draws_a_bar_on_a_terminal(workdir: Path) -> None:
    done = run_on_terminal(["plan"], workdir)
    assert done.returncode == 0, done.terminal
    assert re.search(r"plan person\W.*?(\d+)/\1 records", done.terminal), done.terminal
    assert "plan person" not in done.stdout  # the plan itself stays clean on stdout
