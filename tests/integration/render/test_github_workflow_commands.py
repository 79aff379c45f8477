"""The commands of the GitHub Actions example, run in its order against the local org over HTTPS."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sfsync.cli import run
from sfsync.engine.plans.file import plan_document
from sfsync.localorg.testing import LocalOrgHandle, local_org  # noqa: F401 - the shared fixture
from sfsync.render.markdown import LIMIT
from sfsync.render.views import render_plan_view

ROOT = Path(__file__).resolve().parents[3]
CONFIG = """\
version: 1
connection:
  instance_url: ${SF_INSTANCE_URL}
  ca_bundle: ${SF_CA_BUNDLE}
  auth:
    method: session
    access_token: ${SF_ACCESS_TOKEN}
store: sqlite:///sfsync.db
sync:
  write: true
  person_object: leads
mappings:
  Lead:
    Email: {from: person.email, direction: read_write}
    FirstName: person.first_name
    LastName: person.last_name
    Company: company.name
defaults:
  Lead:
    Company: "{{ company.name or '[not provided]' }}"
plays:
  - name: everyone
    audience: {object: person}
    sync_to_salesforce: {}
"""

pytestmark = pytest.mark.org


@pytest.fixture
def workspace(
    local_org: LocalOrgHandle,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Path:
    local_org.reset()
    (tmp_path / "sfsync.yaml").write_text(CONFIG, encoding="utf-8")
    monkeypatch.setenv("SF_INSTANCE_URL", local_org.instance_url)
    monkeypatch.setenv("SF_CA_BUNDLE", str(local_org.ca_file))
    monkeypatch.setenv("SF_ACCESS_TOKEN", local_org.access_token)
    monkeypatch.delenv("SFSYNC_STORE", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_validate_plan_show_and_apply_as_the_workflow_does(
    workspace: Path,
    local_org: LocalOrgHandle,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    people = ROOT / "tests" / "data" / "workspace" / "people-good.csv"
    try:
        assert run(["workspace", "load", str(people), "--object", "person"]) == 0
        assert run(["validate"]) == 0
        assert run(["validate", "--online"]) == 0
        assert run(["plan", "-o", "plan.json"]) == 0
        capsys.readouterr()
        saved = plan_document(workspace / "plan.json")
        comment = render_plan_view(saved, "markdown")
        assert len(comment) <= LIMIT
        assert "| Lead |" in comment and "**create**" in comment
        # Nothing applied yet, so nothing to protect: the first plan keeps its read (docs/sync-rules.md §1).
        assert "nothing was recorded." not in comment
        assert run(["show", "plan.json"]) == 0
        # The merge: the artifact of the reviewed head commit is downloaded to reviewed/ and applied as is.
        (workspace / "reviewed").mkdir()
        shutil.copy(workspace / "plan.json", workspace / "reviewed" / "plan.json")
        assert run(["validate"]) == 0
        assert run(["apply", "reviewed/plan.json"]) == 0
        assert "written" in capsys.readouterr().out
        assert run(["refresh"]) == 0
        assert run(["plan", "--detailed-exitcode"]) == 0  # what was reviewed is what was written
    finally:
        local_org.reset()


def test_the_merge_refuses_a_reviewed_plan_the_store_moved_past(
    workspace: Path,
    local_org: LocalOrgHandle,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    people = ROOT / "tests" / "data" / "workspace" / "people-good.csv"
    try:
        assert run(["workspace", "load", str(people), "--object", "person"]) == 0
        assert run(["plan", "-o", "plan.json"]) == 0
        (workspace / "late.csv").write_text("email,last_name\nlate@example.com,Late\n", encoding="utf-8")
        assert run(["workspace", "load", "late.csv", "--object", "person"]) == 0  # the store moves on
        leads = local_org.simple_salesforce().query("SELECT COUNT() FROM Lead")["totalSize"]
        capsys.readouterr()
        assert run(["apply", "plan.json"]) == 1
        assert "the plan is stale: the store changed since the plan" in capsys.readouterr().err
        assert local_org.simple_salesforce().query("SELECT COUNT() FROM Lead")["totalSize"] == leads  # none written
    finally:
        local_org.reset()
