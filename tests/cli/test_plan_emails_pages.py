"""`plan` reads the emails to write a page at a time (a few people's): every one planned once, by person
then time sent, across pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_org import org_workdir
from test_plan_apply_emails import _config, _workdir

from sfsync.cli import run
from sfsync.engine.planning import emails
from sfsync.engine.plans.file import plan_document
from sfsync.localorg.testing import LocalOrgHandle
from sfsync.store.emails import derived_email_id
from sfsync.store.normalise import normalise_message_id

__all__ = ["org_workdir"]


@pytest.mark.org
@pytest.mark.parametrize("page", [1, 2, 3])
def test_emails_planned_page_by_page_are_each_planned_once_by_person_then_time_sent(
    org_workdir: Path, local_org: LocalOrgHandle, monkeypatch: pytest.MonkeyPatch, page: int
) -> None:
    monkeypatch.setattr(emails, "PAGE", page)
    _workdir(org_workdir, _config())
    assert run(["apply", "--auto-approve"]) == 0  # the people
    assert run(["plan", "-o", "plan.json"]) == 0
    planned = [
        c["workspace"]["id"] for c in plan_document(Path("plan.json"))["changes"] if c["sobject"] == "EmailMessage"
    ]
    peter, milton = (
        [derived_email_id(normalise_message_id(m).value) for m in messages]
        for messages in (("tps.1@initech.example", "tps.2@initech.example"), ("stapler.1@initech.example",))
    )  # TPS was sent before its reply
    assert planned in (peter + milton, milton + peter)  # each once; a person's together, earliest sent first
    assert run(["apply", "plan.json", "--auto-approve"]) == 0
    assert local_org.simple_salesforce().query("SELECT COUNT() FROM EmailMessage")["totalSize"] == 3
