"""`sfsync apply` as a new user meets it: never waiting on a prompt nobody can answer, naming each row by
the person's email, and an exit code for rows whose outcome nobody knows."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_org import initech_leads

from sfsync.cli import run
from sfsync.errors import ExitCode
from sfsync.localorg.testing import LocalOrgHandle, local_org  # noqa: F401 - the shared fixture

CONFIG = initech_leads(extra="    Title: person.title\n")
PEOPLE = "email,last_name\npeter@initech.example,Gibbons\nmilton@initech.example,Waddams\n"


@pytest.fixture
def workdir(org_workdir: Path) -> Iterator[Path]:
    (org_workdir / "sfsync.yaml").write_text(CONFIG, encoding="utf-8")
    (org_workdir / "people.csv").write_text(PEOPLE, encoding="utf-8")
    assert run(["workspace", "load", "people.csv", "--object", "person"]) == 0
    yield org_workdir


def test_apply_without_a_terminal_refuses_at_once_instead_of_waiting_on_the_prompt(tmp_path: Path) -> None:
    """No plan file, no --auto-approve, stdin not a terminal (CI, a pipe): exit 1 before anything is read."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SFSYNC_")}
    done = subprocess.run(
        [sys.executable, "-m", "sfsync", "apply"],
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == ExitCode.ERROR
    assert "cannot ask for approval without a terminal" in done.stderr
    assert "sfsync plan -o plan.json" in done.stderr and "--auto-approve" in done.stderr
    assert done.stdout == ""  # no plan printed before the refusal
    assert not (tmp_path / ".sfsync").exists()  # nothing opened either


@pytest.mark.org
def test_a_row_whose_answer_never_came_exits_4_and_says_to_plan(
    workdir: Path,
    local_org: LocalOrgHandle,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    local_org.control(
        "faults", "PUT", [{"match": {"endpoint": "rest.collections.create"}, "action": "commit_then_drop"}]
    )
    try:
        assert run(["apply", "--auto-approve"]) == ExitCode.UNKNOWN_OUTCOME
    finally:
        local_org.control("faults", "DELETE")
    out = capsys.readouterr().out
    assert "Apply complete: 2 unknown." in out
    assert "unknown Lead  (person peter@initech.example): no answer from Salesforce" in out
    assert "run `sfsync plan`" in out
    assert run(["apply", "--auto-approve"]) == 0  # the next read links what was written: nothing created twice
    sf = local_org.simple_salesforce()
    assert sf.query("SELECT Id FROM Lead WHERE Email = 'peter@initech.example'")["totalSize"] == 1


@pytest.mark.org
def test_a_conflict_row_names_the_person_by_email(
    workdir: Path,
    local_org: LocalOrgHandle,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(["apply", "--auto-approve"]) == 0
    (workdir / "renamed.csv").write_text("email,title\npeter@initech.example,Engineer\n", encoding="utf-8")
    assert run(["workspace", "load", "renamed.csv", "--object", "person"]) == 0
    assert run(["plan", "-o", "plan.json"]) == 0
    sf = local_org.simple_salesforce()
    (lead,) = sf.query("SELECT Id FROM Lead WHERE Email = 'peter@initech.example'")["records"]
    edit = {"as": "ada@acme.local", "values": {"Title": "Manager"}}
    assert local_org.control(f"records/Lead/{lead['Id']}", "PATCH", edit)["success"]
    capsys.readouterr()
    assert run(["apply", "plan.json"]) == 0
    out = capsys.readouterr().out
    assert f"conflict Lead {lead['Id']} (person peter@initech.example): " in out
    assert "changed in Salesforce since the plan: Title" in out and "(person p_" not in out
