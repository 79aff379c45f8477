"""Emails on the Bulk path (`sync.api` choosing Bulk): Bulk 2.0 insert jobs for the emails and their
relations, with the same look-up before and the same bookkeeping as on REST."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cli_org import org_workdir
from test_plan_apply_emails import _config, _relations, _workdir

from sfsync.cli import run
from sfsync.engine.plans.file import plan_document
from sfsync.localorg.testing import LocalOrgHandle

__all__ = ["org_workdir"]


def _bulk_config(target: str = "email_message") -> str:
    config = _config().replace("sync:\n  write: true\n", "sync:\n  write: true\n  api: bulk\n")
    return config.replace("object: email_message", f"object: {target}")


def _jobs(sf: Any) -> list[tuple[str, str]]:
    """(object, operation) of every Bulk 2.0 ingest job the org holds, in the order they were made."""
    jobs = sf.restful("jobs/ingest")["records"]
    return [(j["object"], j["operation"]) for j in sorted(jobs, key=lambda j: j["createdDate"])]


def _collection_creates(local_org: LocalOrgHandle) -> int:
    return int(local_org.control("calls").get("rest.collections.create", 0))


@pytest.mark.org
def test_emails_are_created_by_bulk_jobs_then_related_by_a_second_job(
    org_workdir: Path, local_org: LocalOrgHandle, capsys: pytest.CaptureFixture[str]
) -> None:
    _workdir(org_workdir, _bulk_config())
    assert run(["apply", "--auto-approve"]) == 0  # the people
    sf = local_org.simple_salesforce()
    before, collections = len(_jobs(sf)), _collection_creates(local_org)
    assert run(["plan", "-o", "plan.json"]) == 0
    [estimate] = [e for e in plan_document(Path("plan.json"))["estimates"] if e["sobject"] == "EmailMessage"]
    assert (estimate["api"], estimate["creates"], estimate["calls"]) == ("bulk", 3, 2 * (1 + 5))  # look-up, job
    assert run(["apply", "plan.json", "--auto-approve"]) == 0
    assert _jobs(sf)[before:] == [("EmailMessage", "insert"), ("EmailMessageRelation", "insert")]
    assert _collection_creates(local_org) == collections  # nothing of the emails went through Collections
    assert _relations(sf) == {
        "TPS": ("ToAddress", "peter@initech.example"),
        "Re: TPS": ("FromAddress", "peter@initech.example"),
        "Stapler": ("CcAddress", "milton@initech.example"),
    }
    capsys.readouterr()
    assert run(["plan", "--detailed-exitcode"]) == 0  # the store recorded every email written


@pytest.mark.org
def test_a_bulk_jobs_lost_answer_creates_no_second_email_nor_relation(
    org_workdir: Path, local_org: LocalOrgHandle, capsys: pytest.CaptureFixture[str]
) -> None:
    _workdir(org_workdir, _bulk_config())
    assert run(["apply", "--auto-approve"]) == 0  # the people
    lost = {"match": {"endpoint": r"bulk\.ingest\.patch"}, "action": "commit_then_drop"}
    local_org.control("faults", "PUT", [lost])  # the job is closed and runs; the answer to closing it is lost
    try:
        assert run(["apply", "--auto-approve"]) != 0
    finally:
        local_org.control("faults", "DELETE")
    sf = local_org.simple_salesforce()
    assert sf.query("SELECT COUNT() FROM EmailMessage")["totalSize"] == 3
    capsys.readouterr()
    assert run(["apply", "--auto-approve", "--format", "json"]) == 0  # found by MessageIdentifier, related once
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    rows = [e["outcome"] for e in events if e["type"] == "row_result" and e["workspace"]["kind"] == "email"]
    assert rows == ["linked"] * 3
    assert sf.query("SELECT COUNT() FROM EmailMessage")["totalSize"] == 3
    assert sf.query("SELECT COUNT() FROM EmailMessageRelation")["totalSize"] == 3
    capsys.readouterr()
    assert run(["plan", "--detailed-exitcode"]) == 0


@pytest.mark.org
def test_without_enhanced_email_a_bulk_refusal_falls_back_to_tasks_by_bulk(
    org_workdir: Path, local_org: LocalOrgHandle, capsys: pytest.CaptureFixture[str]
) -> None:
    _workdir(org_workdir, _bulk_config("auto"))
    assert run(["apply", "--auto-approve"]) == 0  # the people
    local_org.control("enhanced-email", "PUT", {"enabled": False})
    try:
        capsys.readouterr()
        assert run(["apply", "--auto-approve"]) != 0  # the job's rows are refused without a Case
        assert "Enhanced Email is off in this org" in capsys.readouterr().out
        sf = local_org.simple_salesforce()
        before = len(_jobs(sf))
        assert run(["apply", "--auto-approve"]) == 0
        assert _jobs(sf)[before:] == [("Task", "insert")]
    finally:
        local_org.control("enhanced-email", "PUT", {"enabled": True})
    assert sf.query("SELECT COUNT() FROM EmailMessage")["totalSize"] == 0
    assert sf.query("SELECT COUNT() FROM Task WHERE TaskSubtype = 'Email' AND Status = 'Completed'")["totalSize"] == 3
    capsys.readouterr()
    assert run(["plan", "--detailed-exitcode"]) == 0
