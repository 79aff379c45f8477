"""Email activity through simple-salesforce: EmailMessage, EmailMessageRelation and Task, with
Salesforce's rules (drafts, Enhanced Email, who a relation or a task may point at)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from simple_salesforce.exceptions import SalesforceError
from simple_salesforce.format import format_soql

from sfsync.localorg.testing import LocalOrgHandle

pytestmark = pytest.mark.org

SENT, DRAFT, NEW, READ = "3", "5", "0", "1"


def _error(caught: pytest.ExceptionInfo[SalesforceError]) -> tuple[int, str]:
    return caught.value.status, caught.value.content[0]["errorCode"]


def _email(sf: Any, **values: Any) -> tuple[str, str]:
    identifier = f"<{uuid.uuid4().hex}@mail.acme.example>"
    body = {
        "Subject": "Quarterly numbers",
        "HtmlBody": "<p>Hello</p>",
        "MessageIdentifier": identifier,
        "MessageDate": "2024-03-01T09:30:00.000+0000",
        "FromAddress": "ada@acme.local",
        "ToAddress": "grace@acme.example",
        "Incoming": False,
        "Status": SENT,
    }
    return sf.EmailMessage.create(body | values)["id"], identifier


def _contact(sf: Any, email: str = "linus@acme.example") -> str:
    return str(sf.Contact.create({"LastName": "Linus", "Email": email})["id"])


def test_describes_carry_the_object_reference_fields(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    email = {f["name"]: f for f in sf.EmailMessage.describe()["fields"]}
    assert (email["HtmlBody"]["type"], email["HtmlBody"]["length"]) == ("textarea", 131072)
    assert (email["TextBody"]["length"], email["Subject"]["length"], email["MessageIdentifier"]["length"]) == (
        131072,
        3000,
        255,
    )
    assert [(p["value"], p["label"]) for p in email["Status"]["picklistValues"]] == [
        ("0", "New"),
        ("1", "Read"),
        ("2", "Replied"),
        ("3", "Sent"),
        ("4", "Forwarded"),
        ("5", "Draft"),
    ]
    assert (email["ParentId"]["referenceTo"], email["ParentId"]["nillable"]) == (["Case"], True)
    relation = {f["name"]: f for f in sf.EmailMessageRelation.describe()["fields"]}
    assert relation["RelationId"]["referenceTo"] == ["Contact", "Lead", "User"]
    assert relation["RelationId"]["polymorphicForeignKey"] is True
    assert [p["value"] for p in relation["RelationType"]["picklistValues"]] == [
        "ToAddress",
        "CcAddress",
        "BccAddress",
        "FromAddress",
    ]
    assert relation["RelationObjectType"]["createable"] is False
    task = {f["name"]: f for f in sf.Task.describe()["fields"]}
    assert (task["TaskSubtype"]["createable"], task["TaskSubtype"]["updateable"]) == (True, False)
    assert task["WhoId"]["referenceTo"] == ["Contact", "Lead"]
    prefixes = {o["name"]: o["keyPrefix"] for o in sf.describe()["sobjects"]}
    assert (prefixes["EmailMessage"], prefixes["EmailMessageRelation"], prefixes["Task"]) == ("02s", "0E8", "00T")


def test_email_message_is_created_read_found_by_identifier_and_deleted(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    email_id, identifier = _email(sf)
    other_id, other = _email(sf, Subject="Other")
    record = sf.EmailMessage.get(email_id)
    assert record["Id"].startswith("02s") and record["MessageIdentifier"] == identifier
    assert (record["Status"], record["Incoming"], record["HasAttachment"]) == (SENT, False, False)
    assert record["MessageDate"] == "2024-03-01T09:30:00.000+0000"
    soql = "SELECT Id, MessageIdentifier FROM EmailMessage WHERE MessageIdentifier IN {} ORDER BY Subject"
    found = sf.query(format_soql(soql, [identifier, other, "<none@x>"]))["records"]
    assert [(r["Id"], r["MessageIdentifier"]) for r in found] == [(other_id, other), (email_id, identifier)]
    assert sf.EmailMessage.delete(email_id) == 204
    assert sf.query(format_soql(soql, [identifier]))["totalSize"] == 0


def test_relations_link_an_email_to_people(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    email_id, identifier = _email(sf)
    contact = _contact(sf)
    lead = sf.Lead.create({"LastName": "Ritchie", "Company": "Bell", "Email": "Dennis@Bell.example"})["id"]
    me = sf.query("SELECT Id FROM User WHERE Username = 'integration@acme.local'")["records"][0]["Id"]
    for relation_id, kind in ((contact, "ToAddress"), (lead, "CcAddress"), (me, "FromAddress")):
        sf.EmailMessageRelation.create({"EmailMessageId": email_id, "RelationId": relation_id, "RelationType": kind})
    soql = (
        "SELECT EmailMessageId, RelationId, RelationType, RelationObjectType, RelationAddress "
        "FROM EmailMessageRelation WHERE EmailMessageId = {} ORDER BY RelationType"
    )
    rows = sf.query(format_soql(soql, email_id))["records"]
    assert [(r["RelationId"], r["RelationType"], r["RelationObjectType"], r["RelationAddress"]) for r in rows] == [
        (lead, "CcAddress", "Lead", "dennis@bell.example"),
        (me, "FromAddress", "User", "integration@acme.local"),
        (contact, "ToAddress", "Contact", "linus@acme.example"),
    ]
    parent = "SELECT EmailMessage.MessageIdentifier FROM EmailMessageRelation WHERE RelationId = {}"
    assert sf.query(format_soql(parent, contact))["records"][0]["EmailMessage"]["MessageIdentifier"] == identifier
    children = (
        "SELECT Id, (SELECT RelationType FROM EmailMessageRelations ORDER BY RelationType) "
        "FROM EmailMessage WHERE Id = {}"
    )
    (record,) = sf.query(format_soql(children, email_id))["records"]
    assert [c["RelationType"] for c in record["EmailMessageRelations"]["records"]] == [
        "CcAddress",
        "FromAddress",
        "ToAddress",
    ]


def test_a_relation_points_at_an_existing_contact_lead_or_user(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    email_id, _ = _email(sf)
    account = sf.Account.create({"Name": "Not a person"})["id"]
    gone = _contact(sf, "gone@acme.example")
    sf.Contact.delete(gone)
    for relation_id in (account, gone):
        with pytest.raises(SalesforceError) as caught:
            values = {"EmailMessageId": email_id, "RelationId": relation_id, "RelationType": "ToAddress"}
            sf.EmailMessageRelation.create(values)
        assert _error(caught) == (400, "INVALID_CROSS_REFERENCE_KEY")
        assert caught.value.content[0]["fields"] == ["RelationId"]
    with pytest.raises(SalesforceError) as caught:
        sf.EmailMessageRelation.create({"EmailMessageId": email_id, "RelationId": _contact(sf), "RelationType": "To"})
    assert _error(caught) == (400, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST")
    with pytest.raises(SalesforceError) as caught:
        sf.EmailMessageRelation.create({"EmailMessageId": email_id, "RelationAddress": "x@acme.example"})
    assert _error(caught) == (400, "REQUIRED_FIELD_MISSING")
    assert caught.value.content[0]["fields"] == ["RelationType"]


def test_only_a_draft_email_message_can_be_edited(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    sent, _ = _email(sf)
    with pytest.raises(SalesforceError) as caught:
        sf.EmailMessage.update(sent, {"Subject": "Rewritten"})
    assert _error(caught) == (400, "INSUFFICIENT_ACCESS_OR_READONLY")
    assert caught.value.content[0]["fields"] == ["Subject"]
    assert sf.EmailMessage.update(sent, {"IsExternallyVisible": True}) == 204
    draft, _ = _email(sf, Status=DRAFT)
    assert sf.EmailMessage.update(draft, {"Subject": "Rewritten", "Status": SENT}) == 204
    assert sf.EmailMessage.get(draft)["Subject"] == "Rewritten"
    unread, _ = _email(sf, Status=NEW, Incoming=True)
    assert sf.EmailMessage.update(unread, {"Status": READ}) == 204
    with pytest.raises(SalesforceError) as caught:
        sf.EmailMessage.update(unread, {"Status": NEW})
    assert _error(caught) == (400, "INSUFFICIENT_ACCESS_OR_READONLY")


def test_deleting_an_email_message_deletes_its_relations(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    email_id, _ = _email(sf)
    kept_id, _ = _email(sf)
    contact = _contact(sf)
    for message in (email_id, kept_id):
        sf.EmailMessageRelation.create({"EmailMessageId": message, "RelationId": contact, "RelationType": "ToAddress"})
    sf.EmailMessage.delete(email_id)
    soql = "SELECT EmailMessageId, IsDeleted FROM EmailMessageRelation WHERE RelationId = {} ORDER BY IsDeleted"
    assert [r["EmailMessageId"] for r in sf.query(format_soql(soql, contact))["records"]] == [kept_id]
    every = sf.query_all_iter(format_soql(soql, contact), include_deleted=True)
    assert [(r["EmailMessageId"], r["IsDeleted"]) for r in every] == [(kept_id, False), (email_id, True)]


def test_without_enhanced_email_an_email_needs_a_case_and_a_completed_task_remains(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    assert org.control("enhanced-email") == {"enabled": True}
    assert org.control("enhanced-email", "PUT", {"enabled": False}) == {"enabled": False}
    # Nothing in the data API shows the setting: the describe is the same either way.
    assert sf.EmailMessage.describe()["createable"] is True
    with pytest.raises(SalesforceError) as caught:
        _email(sf)
    assert _error(caught) == (400, "FIELD_INTEGRITY_EXCEPTION")
    assert caught.value.content[0]["fields"] == ["ParentId"]
    contact = _contact(sf)
    values = {"WhoId": contact, "Subject": "Email: Quarterly numbers", "TaskSubtype": "Email", "Status": "Completed"}
    task = sf.Task.create(values | {"Description": "Hello", "ActivityDate": "2024-03-01"})["id"]
    stored = sf.Task.get(task)
    assert (stored["TaskSubtype"], stored["Status"], stored["WhoId"], stored["Priority"]) == (
        "Email",
        "Completed",
        contact,
        "Normal",
    )
    soql = "SELECT Id FROM Task WHERE WhoId = {} AND TaskSubtype = 'Email' AND Status = 'Completed'"
    assert [r["Id"] for r in sf.query(format_soql(soql, contact))["records"]] == [task]
    org.reset()
    assert org.control("enhanced-email") == {"enabled": True}
    assert _email(sf)[0].startswith("02s")


def test_a_task_points_at_a_contact_or_a_lead_and_keeps_its_subtype(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    account = sf.Account.create({"Name": "Not a person"})["id"]
    with pytest.raises(SalesforceError) as caught:
        sf.Task.create({"WhoId": account, "Subject": "Call"})
    assert _error(caught) == (400, "INVALID_CROSS_REFERENCE_KEY")
    task = sf.Task.create({"WhoId": _contact(sf), "Subject": "Call", "TaskSubtype": "Email"})["id"]
    assert sf.Task.get(task)["Status"] == "Not Started"
    with pytest.raises(SalesforceError) as caught:
        sf.Task.update(task, {"TaskSubtype": "Call"})
    assert _error(caught) == (400, "INVALID_FIELD_FOR_INSERT_UPDATE")
    with pytest.raises(SalesforceError) as caught:
        sf.Task.create({"Subject": "x" * 256})
    assert _error(caught) == (400, "STRING_TOO_LONG")
    with pytest.raises(SalesforceError) as caught:
        _email(sf, HtmlBody="x" * 131073)
    assert _error(caught) == (400, "STRING_TOO_LONG")
    assert caught.value.content[0]["fields"] == ["HtmlBody"]


def test_collections_create_an_email_and_its_relations(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    email_id, _ = _email(sf)
    contacts = [_contact(sf, f"p{n}@acme.example") for n in range(3)]
    records = [
        {"attributes": {"type": "EmailMessageRelation"}, "EmailMessageId": email_id, "RelationId": c, "RelationType": t}
        for c, t in zip(contacts, ("ToAddress", "CcAddress", "BccAddress"), strict=True)
    ]
    results = sf.restful("composite/sobjects", method="POST", json={"allOrNone": True, "records": records})
    assert [r["success"] for r in results] == [True, True, True]
    soql = "SELECT RelationId FROM EmailMessageRelation WHERE EmailMessageId = {} ORDER BY RelationAddress"
    assert [r["RelationId"] for r in sf.query(format_soql(soql, email_id))["records"]] == contacts


def test_bulk_ingest_and_query_of_email_messages(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    records = [
        {"Subject": f"Bulk {n}", "MessageIdentifier": f"<bulk-{n}@mail.acme.example>", "Status": SENT} for n in range(3)
    ] + [{"Subject": "No status", "MessageIdentifier": "<bulk-x@mail.acme.example>"}]
    [summary] = sf.bulk2.EmailMessage.insert(records=records, wait=0)
    assert (summary["numberRecordsProcessed"], summary["numberRecordsFailed"]) == (4, 1)
    failed = sf.bulk2.EmailMessage.get_failed_records(summary["job_id"])
    assert "REQUIRED_FIELD_MISSING" in failed
    soql = "SELECT MessageIdentifier FROM EmailMessage WHERE Subject LIKE 'Bulk %' ORDER BY Subject"
    found = [r["MessageIdentifier"] for r in sf.query(soql)["records"]]
    assert found == [f"<bulk-{n}@mail.acme.example>" for n in range(3)]
    soql = "SELECT MessageIdentifier, Status, Activity.TaskSubtype FROM EmailMessage WHERE Subject LIKE 'Bulk %'"
    [page] = list(sf.bulk2.EmailMessage.query(soql, wait=0))
    lines = sorted(page.splitlines())
    assert lines[-1] == '"MessageIdentifier","Status","Activity.TaskSubtype"'
    assert lines[:-1] == [f'"<bulk-{n}@mail.acme.example>","3","Email"' for n in range(3)]


def test_merging_contacts_moves_their_email_activity_to_the_master(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    email_id, _ = _email(sf)
    master, victim = _contact(sf, "m@acme.example"), _contact(sf, "v@acme.example")
    values = {"EmailMessageId": email_id, "RelationId": victim, "RelationType": "ToAddress"}
    relation = sf.EmailMessageRelation.create(values)["id"]
    task = sf.Task.create({"WhoId": victim, "Subject": "Email: hello", "TaskSubtype": "Email"})["id"]
    result = org.control(f"records/Contact/{master}/merge", "POST", {"records": [victim]})
    assert result["success"] is True and sorted(result["updatedRelatedIds"]) == sorted([relation, task])
    assert sf.EmailMessageRelation.get(relation)["RelationId"] == master
    assert sf.Task.get(task)["WhoId"] == master


def test_enhanced_email_makes_a_completed_task_for_each_email_message(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    email_id, _ = _email(sf)
    email = sf.EmailMessage.get(email_id)
    assert email["ActivityId"] is not None and email["ActivityId"].startswith("00T")
    task = sf.Task.get(email["ActivityId"])
    assert (task["Subject"], task["TaskSubtype"], task["Type"], task["Status"]) == (
        "Quarterly numbers",
        "Email",
        "Email",
        "Completed",
    )
    assert (task["ActivityDate"], task["OwnerId"], task["CreatedDate"]) == (
        "2024-03-01",
        email["CreatedById"],
        email["CreatedDate"],
    )
    soql = "SELECT Id, Activity.TaskSubtype FROM EmailMessage WHERE Id = {}"
    assert sf.query(format_soql(soql, email_id))["records"][0]["Activity"]["TaskSubtype"] == "Email"
