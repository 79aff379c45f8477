"""An email create whose answer was lost, then the store lost too: the next run asks Salesforce, never twice.

Emails record no create intent (docs/sync-rules.md §7): apply looks each email up in Salesforce right
before creating it, whatever the store holds, so a rebuilt store resolves a lost answer the same way.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from cli_org import org_workdir
from test_plan_apply_emails import EMAILS, _config, _workdir

from sfsync.cli import run
from sfsync.localorg.testing import LocalOrgHandle

__all__ = ["org_workdir"]

COUNTS = {
    "email_message": "SELECT COUNT() FROM EmailMessage",
    "task": "SELECT COUNT() FROM Task WHERE TaskSubtype = 'Email'",
}


def _apply_until_nothing_left(capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    """`apply --auto-approve` until a plan has nothing to write (at most 3 times); every email row result."""
    rows: list[dict[str, object]] = []
    for _ in range(3):
        if run(["plan", "--detailed-exitcode"]) == 0:
            break
        assert run(["apply", "--auto-approve", "--format", "json"]) == 0
        events = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
        rows += [e for e in events if e["type"] == "row_result" and e["workspace"]["kind"] == "email"]
    capsys.readouterr()
    assert run(["plan", "--detailed-exitcode"]) == 0
    return rows


@pytest.mark.org
@pytest.mark.parametrize("target", ["email_message", "task"])
def test_a_lost_answer_then_a_lost_store_writes_each_email_once(
    org_workdir: Path, local_org: LocalOrgHandle, capsys: pytest.CaptureFixture[str], target: str
) -> None:
    _workdir(org_workdir, _config().replace("object: email_message", f"object: {target}"))
    assert run(["apply", "--auto-approve"]) == 0  # the people
    lost = {"match": {"endpoint": "rest.collections.create"}, "action": "commit_then_drop"}
    local_org.control("faults", "PUT", [lost])
    try:
        assert run(["apply", "--auto-approve"]) != 0  # the emails are created, their answer lost
    finally:
        local_org.control("faults", "DELETE")
    sf = local_org.simple_salesforce()
    assert sf.query(COUNTS[target])["totalSize"] == 3
    shutil.rmtree(org_workdir / ".sfsync")  # the store is lost: no row result, no email marked written
    assert run(["workspace", "load", "people.csv", "--object", "person"]) == 0
    assert run(["workspace", "load", "emails.csv", "--object", "email"]) == 0
    rows = _apply_until_nothing_left(capsys)
    assert sf.query(COUNTS[target])["totalSize"] == 3
    assert sorted(str(r["outcome"]) for r in rows) == ["linked"] * (EMAILS.count("\n") - 1)
    if target == "email_message":  # the relations, never made before the store was lost, made once now
        assert sf.query("SELECT COUNT() FROM EmailMessageRelation")["totalSize"] == 3
