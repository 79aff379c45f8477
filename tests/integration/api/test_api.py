"""`sfsync.api` against the local org over HTTPS, with a real SQLite store: the same plan as the CLI's,
apply of a saved plan and of a plan value, `run_once` converging, and typed errors."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from cli_org import initech_leads

from sfsync import api
from sfsync.api.session import read_plan
from sfsync.cli import run
from sfsync.engine.plans.json_form import plan_json
from sfsync.errors import ConfigError, ExitCode, PausedError, RemoteError, StalePlanError, UsageError
from sfsync.localorg.testing import LocalOrgHandle, local_org  # noqa: F401 - the shared fixture
from sfsync.store import open_store

pytestmark = pytest.mark.org

PEOPLE = "email,last_name\npeter@initech.example,Gibbons\nmilton@initech.example,Waddams\n"
STORE = "sqlite:///sfsync.db"


@pytest.fixture
def project(org_workdir: Path) -> Path:
    """A Leads project with two people loaded; `sync.auto_apply` left at its default (none)."""
    (org_workdir / "sfsync.yaml").write_text(initech_leads(), encoding="utf-8")
    (org_workdir / "people.csv").write_text(PEOPLE, encoding="utf-8")
    assert run(["workspace", "load", "people.csv", "--object", "person"]) == 0
    return org_workdir / "sfsync.yaml"


def _document(plan: api.Plan) -> dict[str, Any]:
    """The plan's JSON form as a plain value (its record lists read whole)."""
    loaded: dict[str, Any] = json.loads(json.dumps(plan_json(plan), default=list))
    return loaded


def _store_copy(source: Path, target: Path) -> Path:
    """A consistent copy of a SQLite store (its write-ahead log included), replacing `target`."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


def _leads(org: LocalOrgHandle) -> set[str]:
    found = org.simple_salesforce().query_all("SELECT Email FROM Lead WHERE Email LIKE '%initech.example'")
    return {r["Email"] for r in found["records"]}


def test_plan_is_the_plan_the_cli_saves(project: Path, tmp_path: Path) -> None:
    before = _store_copy(project.parent / "sfsync.db", tmp_path / "before.db")
    planned = api.plan(project)
    # A first plan on a fresh store keeps its read: the CLI plans from the store as the API's plan found it.
    _store_copy(before, project.parent / "sfsync.db")
    assert run(["plan", "-o", "cli-plan.json"]) == 0
    saved = read_plan(tmp_path / "cli-plan.json")
    assert _document(planned) == _document(saved)
    assert len(planned.changes) == 2 and planned.appliable
    assert api.plan_exit_code(planned) == ExitCode.OK


def test_apply_of_a_saved_plan_writes_it_and_records_every_row(project: Path, local_org: LocalOrgHandle) -> None:  # noqa: F811
    api.plan(project, out="plan.json")
    result = api.apply("plan.json", config_path=project)
    assert (result.status, result.counts(), result.exit_code, result.ok) == ("complete", {"written": 2}, 0, True)
    assert _leads(local_org) == {"peter@initech.example", "milton@initech.example"}
    with open_store(STORE) as store:
        last = store.runs.last("apply")
        assert last is not None and last.id == result.run_id and last.status == "succeeded"
        assert {r.sf_id for r in store.runs.results(last.id)} == {r.sf_id for r in result.rows}
    # Every row, read back from the apply's row log as often as it is iterated, each with its person's label.
    assert len(result.rows) == 2 and list(result.rows) == list(result.rows)
    assert sorted(r.workspace_label for r in result.rows) == ["milton@initech.example", "peter@initech.example"]


def test_apply_of_a_plan_value_and_that_plan_again_is_stale(project: Path, local_org: LocalOrgHandle) -> None:  # noqa: F811
    planned = api.plan(project)
    result = api.apply(planned, config_path=project, store_url=STORE)
    assert result.counts() == {"written": 2} and result.exit_code == ExitCode.OK
    assert len(_leads(local_org)) == 2
    with pytest.raises(StalePlanError):  # the store moved on: the same plan is never applied twice
        api.apply(planned, config_path=project)
    assert len(_leads(local_org)) == 2


def test_a_fresh_plan_declined_by_review_writes_nothing(project: Path, local_org: LocalOrgHandle) -> None:  # noqa: F811
    shown: list[int] = []
    result = api.apply(None, config_path=project, review=lambda plan: shown.append(len(plan.changes)) is not None)
    assert (result.status, result.run_id, result.exit_code, shown) == ("cancelled", None, ExitCode.OK, [2])
    assert _leads(local_org) == set()
    approved = api.apply(None, config_path=project, review=lambda plan: True)
    assert approved.counts() == {"written": 2}


def test_run_once_converges_and_a_second_call_writes_nothing(project: Path, local_org: LocalOrgHandle) -> None:  # noqa: F811
    first = api.run_once(project, auto_apply="all")
    assert (first.outcome, first.planned, first.pending, first.rows, first.exit_code) == (
        "applied", 2, 0, {"written": 2}, ExitCode.OK,
    )  # fmt: skip
    assert len(_leads(local_org)) == 2
    with open_store(STORE) as store:
        applied = store.runs.last("apply")
    second = api.run_once(project, auto_apply="all")
    assert (second.outcome, second.planned, second.rows) == ("in_sync", 0, {})
    with open_store(STORE) as store:
        assert store.runs.last("apply") == applied  # nothing to apply: no apply ran
        assert [c.id for c in store.runs.recent("cycle", 2)] == [second.run_id, first.run_id]


def test_run_once_under_the_config_default_only_plans(project: Path, local_org: LocalOrgHandle) -> None:  # noqa: F811
    report = api.run_once(project, plan_out="drift.json")
    assert (report.outcome, report.pending, report.plan_file) == ("planned", 2, "drift.json")
    assert _leads(local_org) == set()
    assert api.apply("drift.json", config_path=project).counts() == {"written": 2}  # a person applies it


def test_errors_are_the_sfsync_types(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(UsageError, match="missing.yaml: no such file"):
        api.plan(project.with_name("missing.yaml"))
    project.with_name("bad.yaml").write_text(initech_leads().replace("version: 1", "version: 7"), encoding="utf-8")
    with pytest.raises(ConfigError) as bad_config:
        api.run_once(project.with_name("bad.yaml"))
    (diagnostic,) = bad_config.value.diagnostics.errors
    assert diagnostic.position is not None and diagnostic.position.line == 1  # where it is wrong in the file
    with pytest.raises(UsageError, match="auto_apply 'sometimes'"):
        api.run_once(project, auto_apply="sometimes")
    Path("broken.json").write_bytes(b"not a plan")
    with pytest.raises(UsageError, match="broken.json"):
        api.apply("broken.json", config_path=project)
    with open_store(STORE) as store:
        store.pause.pause("ops@elsewhere", "freeze")
    with pytest.raises(PausedError, match="freeze") as paused:
        api.apply(None, config_path=project)
    assert paused.value.exit_code == ExitCode.PAUSED
    monkeypatch.setenv("SF_PASSWORD", "wrong")
    with pytest.raises(RemoteError) as refused:
        api.plan(project)
    assert refused.value.code == "INVALID_LOGIN"
