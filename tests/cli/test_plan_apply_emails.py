"""`plan` and `apply` with `sync.email.write`: each email created once on its person's Lead, related by role."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cli_org import PASSWORD_LOGIN, initech_leads, org_workdir

from sfsync.cli import run
from sfsync.localorg.testing import LocalOrgHandle

__all__ = ["org_workdir"]

PEOPLE = "email,last_name\npeter@initech.example,Gibbons\nmilton@initech.example,Waddams\n"
EMAILS = (
    "message_id,direction,from,to,cc,subject,text_body,sent_at,person\n"
    "<tps.1@Initech.example>,outbound,bill@initech.example,peter@initech.example,,TPS,Did you get the memo?,"
    "2026-03-01T09:00:00-05:00,peter@initech.example\n"
    "tps.2@initech.example,inbound,peter@initech.example,bill@initech.example,,Re: TPS,Yes.,"
    "2026-03-01T10:00:00-05:00,peter@initech.example\n"
    "stapler.1@initech.example,outbound,bill@initech.example,lumbergh@initech.example,milton@initech.example,"
    "Stapler,Basement.,2026-03-02T10:00:00-05:00,milton@initech.example\n"
)


def _config(extra: str = "", exclusions: str = "") -> str:
    head = initech_leads(extra=extra).replace(
        "sync: {write: true, person_object: leads}",
        "sync:\n  write: true\n  person_object: leads\n  email: {write: true, object: email_message}",
    )
    return head + exclusions


def _workdir(workdir: Path, config: str, emails: str = EMAILS) -> None:
    (workdir / "sfsync.yaml").write_text(config, encoding="utf-8")
    (workdir / "people.csv").write_text(PEOPLE, encoding="utf-8")
    (workdir / "emails.csv").write_text(emails, encoding="utf-8")
    assert run(["workspace", "load", "people.csv", "--object", "person"]) == 0
    assert run(["workspace", "load", "emails.csv", "--object", "email"]) == 0


def _relations(sf: Any) -> dict[str, tuple[str, str]]:
    """Subject → (RelationType, the related person's email) of every email relation in the org."""
    rows = sf.query_all("SELECT EmailMessageId, RelationId, RelationType, RelationAddress FROM EmailMessageRelation")
    subjects = {r["Id"]: r["Subject"] for r in sf.query_all("SELECT Id, Subject FROM EmailMessage")["records"]}
    return {subjects[r["EmailMessageId"]]: (r["RelationType"], r["RelationAddress"]) for r in rows["records"]}


@pytest.mark.org
def test_emails_wait_for_their_person_then_are_written_once_related_by_role(
    org_workdir: Path, local_org: LocalOrgHandle, capsys: pytest.CaptureFixture[str]
) -> None:
    _workdir(org_workdir, _config())
    capsys.readouterr()
    assert run(["plan", "-o", "plan.json"]) == 0
    out = capsys.readouterr().out
    assert "not in Salesforce yet: the email is written once they are" in out
    assert run(["apply", "plan.json", "--auto-approve"]) == 0  # the people only
    sf = local_org.simple_salesforce()
    assert sf.query("SELECT COUNT() FROM EmailMessage")["totalSize"] == 0
    capsys.readouterr()
    assert run(["plan", "-o", "plan.json"]) == 0
    out = capsys.readouterr().out
    assert "+ EmailMessage (new) for email TPS · peter@initech.example" in out
    assert "Did you get the memo?" not in out  # bodies are not shown in the text plan
    assert run(["apply", "plan.json", "--auto-approve"]) == 0
    rows = sf.query_all("SELECT Subject, MessageIdentifier, Incoming, Status FROM EmailMessage ORDER BY Subject")
    assert [(r["Subject"], r["MessageIdentifier"], r["Incoming"]) for r in rows["records"]] == [
        ("Re: TPS", "<tps.2@initech.example>", True),
        ("Stapler", "<stapler.1@initech.example>", False),
        ("TPS", "<tps.1@initech.example>", False),
    ]
    assert _relations(sf) == {
        "TPS": ("ToAddress", "peter@initech.example"),
        "Re: TPS": ("FromAddress", "peter@initech.example"),
        "Stapler": ("CcAddress", "milton@initech.example"),
    }
    capsys.readouterr()
    assert run(["plan", "--detailed-exitcode"]) == 0  # a re-run writes nothing
    assert sf.query("SELECT COUNT() FROM EmailMessageRelation")["totalSize"] == 3


@pytest.mark.org
def test_an_email_logged_by_another_integration_is_linked_not_duplicated(
    org_workdir: Path, local_org: LocalOrgHandle, capsys: pytest.CaptureFixture[str]
) -> None:
    _workdir(org_workdir, _config())
    assert run(["apply", "--auto-approve"]) == 0
    sf = local_org.simple_salesforce()
    sf.EmailMessage.create({"Subject": "TPS (logged elsewhere)", "MessageIdentifier": "tps.1@INITECH.example",
                            "Status": "3", "Incoming": False})  # fmt: skip
    assert run(["apply", "--auto-approve"]) == 0
    found = sf.query_all("SELECT Subject FROM EmailMessage WHERE MessageIdentifier LIKE '%tps.1@%'")["records"]
    assert [r["Subject"] for r in found] == ["TPS (logged elsewhere)"]
    assert _relations(sf)["TPS (logged elsewhere)"] == ("ToAddress", "peter@initech.example")
    assert sf.query("SELECT COUNT() FROM EmailMessage")["totalSize"] == 3
    capsys.readouterr()
    assert run(["plan", "--detailed-exitcode"]) == 0


@pytest.mark.org
@pytest.mark.parametrize("endpoint", ["rest.collections.create"])
def test_a_lost_answer_after_commit_creates_no_second_email_nor_relation(
    org_workdir: Path, local_org: LocalOrgHandle, capsys: pytest.CaptureFixture[str], endpoint: str
) -> None:
    _workdir(org_workdir, _config())
    assert run(["apply", "--auto-approve"]) == 0  # the people
    local_org.control("faults", "PUT", [{"match": {"endpoint": endpoint}, "action": "commit_then_drop"}])
    try:
        assert run(["apply", "--auto-approve"]) != 0  # the emails' answer is lost
    finally:
        local_org.control("faults", "DELETE")
    sf = local_org.simple_salesforce()
    assert sf.query("SELECT COUNT() FROM EmailMessage")["totalSize"] == 3
    assert run(["apply", "--auto-approve"]) == 0  # found by MessageIdentifier, related once
    assert run(["apply", "--auto-approve"]) == 0
    assert sf.query("SELECT COUNT() FROM EmailMessage")["totalSize"] == 3
    assert sf.query("SELECT COUNT() FROM EmailMessageRelation")["totalSize"] == 3
    capsys.readouterr()
    assert run(["plan", "--detailed-exitcode"]) == 0


@pytest.mark.org
def test_a_lost_answer_on_the_relation_makes_no_second_relation(
    org_workdir: Path, local_org: LocalOrgHandle, capsys: pytest.CaptureFixture[str]
) -> None:
    _workdir(org_workdir, _config())
    assert run(["apply", "--auto-approve"]) == 0  # the people
    drop_second = {"match": {"endpoint": "rest.collections.create"}, "action": "commit_then_drop", "every_nth": 2}
    local_org.control("faults", "PUT", [drop_second])  # the emails' create answers, their relations' does not
    try:
        assert run(["apply", "--auto-approve"]) != 0
    finally:
        local_org.control("faults", "DELETE")
    sf = local_org.simple_salesforce()
    assert sf.query("SELECT COUNT() FROM EmailMessageRelation")["totalSize"] == 3
    assert run(["apply", "--auto-approve"]) == 0
    assert sf.query("SELECT COUNT() FROM EmailMessage")["totalSize"] == 3
    assert sf.query("SELECT COUNT() FROM EmailMessageRelation")["totalSize"] == 3
    capsys.readouterr()
    assert run(["plan", "--detailed-exitcode"]) == 0


@pytest.mark.org
def test_an_excluded_persons_emails_are_not_written(
    org_workdir: Path, local_org: LocalOrgHandle, capsys: pytest.CaptureFixture[str]
) -> None:
    exclusion = (
        "exclusions:\n  - name: no-milton\n    applies_to: person\n"
        "    where: {field: person.email, op: eq, value: milton@initech.example}\n"
    )
    _workdir(org_workdir, _config(exclusions=exclusion))
    assert run(["apply", "--auto-approve"]) == 0
    capsys.readouterr()
    assert run(["plan"]) == 0
    assert "excluded by no-milton: their emails are not written" in capsys.readouterr().out
    assert run(["apply", "--auto-approve", "--format", "json"]) == 0
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    rows = [e for e in events if e["type"] == "row_result" and e["sobject"] == "EmailMessage"]
    assert sorted((e["outcome"], e["workspace"]["kind"]) for e in rows) == [("written", "email")] * 2
    sf = local_org.simple_salesforce()
    subjects = {r["Subject"] for r in sf.query_all("SELECT Subject FROM EmailMessage")["records"]}
    assert subjects == {"TPS", "Re: TPS"}


@pytest.mark.org
def test_a_body_longer_than_its_field_is_cut_visibly_when_asked(
    org_workdir: Path, local_org: LocalOrgHandle, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config().replace(
        "defaults:\n", "  EmailMessage:\n    Subject: {from: email.subject, truncate: true}\ndefaults:\n"
    )
    long_subject = "S" * 3100
    emails = EMAILS.splitlines(keepends=True)[0] + (
        f"<long.1@initech.example>,outbound,bill@initech.example,peter@initech.example,,{long_subject},x,"
        "2026-03-01T09:00:00-05:00,peter@initech.example\n"
    )
    _workdir(org_workdir, config, emails)
    assert run(["apply", "--auto-approve"]) == 0
    capsys.readouterr()
    assert run(["plan", "-o", "plan.json"]) == 0
    out = capsys.readouterr().out
    assert "truncated from 3100 to 3000 characters" in out
    assert run(["apply", "plan.json", "--auto-approve"]) == 0
    [row] = local_org.simple_salesforce().query("SELECT Subject FROM EmailMessage")["records"]
    assert len(row["Subject"]) == 3000


@pytest.mark.org
def test_without_enhanced_email_auto_falls_back_to_completed_tasks_on_the_person(
    org_workdir: Path, local_org: LocalOrgHandle, capsys: pytest.CaptureFixture[str]
) -> None:
    _workdir(org_workdir, _config().replace("object: email_message", "object: auto"))
    assert run(["apply", "--auto-approve"]) == 0  # the people
    local_org.control("enhanced-email", "PUT", {"enabled": False})
    try:
        capsys.readouterr()
        assert run(["apply", "--auto-approve"]) != 0  # Salesforce refuses an EmailMessage without a Case
        assert "Enhanced Email is off in this org" in capsys.readouterr().out
        run(["doctor"])  # remembered by the store: doctor says Tasks, why, and how to get EmailMessages back
        doctor = capsys.readouterr().out
        assert "Emails are written as Task (auto: an earlier apply's EmailMessage create was refused" in doctor
        assert "→ to write EmailMessages instead, turn Enhanced Email on" in doctor
        assert run(["plan", "-o", "plan.json"]) == 0
        out = capsys.readouterr().out
        assert "+ Task (new) for email TPS · peter@initech.example" in out
        assert "EmailMessage (new)" not in out
        assert run(["apply", "plan.json", "--auto-approve"]) == 0
    finally:
        local_org.control("enhanced-email", "PUT", {"enabled": True})
    sf = local_org.simple_salesforce()
    assert sf.query("SELECT COUNT() FROM EmailMessage")["totalSize"] == 0
    leads = {r["Id"]: r["Email"] for r in sf.query_all("SELECT Id, Email FROM Lead")["records"]}
    tasks = sf.query_all("SELECT Subject, Status, TaskSubtype, WhoId, ActivityDate FROM Task ORDER BY Subject")
    found = [
        (t["Subject"], t["Status"], t["TaskSubtype"], leads[t["WhoId"]], t["ActivityDate"]) for t in tasks["records"]
    ]
    assert found == [
        ("Re: TPS", "Completed", "Email", "peter@initech.example", "2026-03-01"),
        ("Stapler", "Completed", "Email", "milton@initech.example", "2026-03-02"),
        ("TPS", "Completed", "Email", "peter@initech.example", "2026-03-01"),
    ]
    capsys.readouterr()
    assert run(["plan", "--detailed-exitcode"]) == 0  # remembered: Tasks, and nothing more to write


@pytest.mark.org
def test_a_lost_answer_on_a_task_create_makes_no_second_task(
    org_workdir: Path, local_org: LocalOrgHandle, capsys: pytest.CaptureFixture[str]
) -> None:
    _workdir(org_workdir, _config().replace("object: email_message", "object: task"))
    assert run(["apply", "--auto-approve"]) == 0  # the people
    local_org.control(
        "faults", "PUT", [{"match": {"endpoint": "rest.collections.create"}, "action": "commit_then_drop"}]
    )
    try:
        assert run(["apply", "--auto-approve"]) != 0
    finally:
        local_org.control("faults", "DELETE")
    assert run(["apply", "--auto-approve"]) == 0
    sf = local_org.simple_salesforce()
    assert sf.query("SELECT COUNT() FROM Task WHERE TaskSubtype = 'Email'")["totalSize"] == 3
    capsys.readouterr()
    assert run(["plan", "--detailed-exitcode"]) == 0


CONTACTS = (
    PASSWORD_LOGIN
    + """\
sync:
  write: true
  person_object: contacts_and_accounts
  email: {write: true}
mappings:
  Account:
    Name: company.name
    Website: {from: company.domain, direction: read_write}
  Contact:
    Email: {from: person.email, direction: read_write}
    LastName: person.last_name
    Title: person.title
plays:
  - name: everyone
    audience: {object: person}
    sync_to_salesforce: {}
"""
)


@pytest.mark.org
def test_an_email_of_a_person_matched_to_a_contact_is_written_in_the_same_apply(
    org_workdir: Path, local_org: LocalOrgHandle, capsys: pytest.CaptureFixture[str]
) -> None:
    sf = local_org.simple_salesforce()
    contact = sf.Contact.create({"LastName": "Bolton", "Email": "michael@initech.example"})["id"]
    (org_workdir / "sfsync.yaml").write_text(CONTACTS, encoding="utf-8")
    (org_workdir / "people.csv").write_text("email,last_name,title\nmichael@initech.example,Bolton,Engineer\n")
    (org_workdir / "emails.csv").write_text(
        "message_id,direction,from,to,subject,sent_at,person\n"
        "<printer.1@initech.example>,inbound,michael@initech.example,bill@initech.example,PC Load Letter,"
        "2026-03-03T09:00:00Z,michael@initech.example\n"
    )
    assert run(["workspace", "load", "people.csv", "--object", "person"]) == 0
    assert run(["workspace", "load", "emails.csv", "--object", "email"]) == 0
    capsys.readouterr()
    assert run(["plan", "-o", "plan.json"]) == 0
    out = capsys.readouterr().out
    assert f"related to Contact {contact} as FromAddress" in out
    assert run(["apply", "plan.json", "--auto-approve"]) == 0
    [relation] = sf.query_all("SELECT RelationId, RelationType FROM EmailMessageRelation")["records"]
    assert (relation["RelationId"], relation["RelationType"]) == (contact, "FromAddress")
    assert sf.query("SELECT COUNT() FROM Contact WHERE Email = 'michael@initech.example'")["totalSize"] == 1
