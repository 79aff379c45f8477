"""The Salesforce CLI against the email objects, unchanged: records created and read, queries of
EmailMessage, EmailMessageRelation and Task with their relationships (JSON and CSV), describes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from node_clients import NodeClients

from sfsync.localorg.testing import LocalOrgHandle

pytestmark = [pytest.mark.org, pytest.mark.xdist_group("node-clients")]


@pytest.fixture(scope="module")
def org(local_org: LocalOrgHandle) -> Iterator[LocalOrgHandle]:
    local_org.reset()
    yield local_org
    local_org.reset()


@pytest.fixture(scope="module")
def email(clients: NodeClients, org: LocalOrgHandle) -> dict[str, str]:
    """An email sent to a Contact and copied to a Lead, made with `sf data create record`."""
    sf = org.simple_salesforce()
    contact = sf.query("SELECT Id FROM Contact WHERE LastName = 'Hopper'")["records"][0]["Id"]
    lead = sf.query("SELECT Id FROM Lead WHERE IsConverted = false AND FirstName = 'Alan'")["records"][0]["Id"]
    values = (
        "Subject='Sf cli email' Status='3' Incoming=false FromAddress='sales@acme.example' "
        "ToAddress='grace@acme.example' TextBody='Hello from the CLI' MessageDate='2024-03-01T09:30:00.000+0000'"
    )
    made = clients.sf("data", "create", "record", "-s", "EmailMessage", "-v", values, "-o", org.access_token)
    email_id = made["result"]["id"]
    for relation, kind in ((contact, "ToAddress"), (lead, "CcAddress")):
        values = f"EmailMessageId='{email_id}' RelationId='{relation}' RelationType='{kind}'"
        clients.sf("data", "create", "record", "-s", "EmailMessageRelation", "-v", values, "-o", org.access_token)
    return {"id": email_id, "contact": contact, "lead": lead}


def _query(clients: NodeClients, org: LocalOrgHandle, soql: str) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = clients.sf("data", "query", "-q", soql, "-o", org.access_token)["result"]["records"]
    return records


def test_create_and_get_an_email_message(clients: NodeClients, org: LocalOrgHandle, email: dict[str, str]) -> None:
    got = clients.sf("data", "get", "record", "-s", "EmailMessage", "-i", email["id"], "-o", org.access_token)
    record = got["result"]
    assert (record["Subject"], record["Status"], record["Incoming"], record["TextBody"]) == (
        "Sf cli email",
        "3",
        False,
        "Hello from the CLI",
    )
    assert record["MessageDate"] == "2024-03-01T09:30:00.000+0000" and record["ActivityId"].startswith("00T")


def test_query_the_email_objects_with_their_relationships(
    clients: NodeClients, org: LocalOrgHandle, email: dict[str, str]
) -> None:
    children = "(SELECT RelationType, RelationObjectType FROM EmailMessageRelations)"
    soql = f"SELECT Subject, Activity.TaskSubtype, {children} FROM EmailMessage WHERE Id = '{email['id']}'"  # noqa: S608
    [message] = _query(clients, org, soql)
    assert message["Activity"]["TaskSubtype"] == "Email"
    records = message["EmailMessageRelations"]["records"]
    relations = sorted((r["RelationType"], r["RelationObjectType"]) for r in records)
    assert relations == [("CcAddress", "Lead"), ("ToAddress", "Contact")]
    fields = "EmailMessage.Subject, Relation.Name, Relation.Type, RelationAddress"
    soql = f"SELECT {fields} FROM EmailMessageRelation WHERE EmailMessageId = '{email['id']}' ORDER BY RelationType"  # noqa: S608
    rows = _query(clients, org, soql)
    assert [(r["EmailMessage"]["Subject"], r["Relation"]["Name"], r["Relation"]["Type"]) for r in rows] == [
        ("Sf cli email", "Alan Turing", "Lead"),
        ("Sf cli email", "Grace Hopper", "Contact"),
    ]
    assert [r["RelationAddress"] for r in rows] == ["alan@bletchley.example", "grace@acme.example"]
    [task] = _query(clients, org, "SELECT Subject, Status, TaskSubtype FROM Task WHERE Subject = 'Sf cli email'")
    assert (task["Status"], task["TaskSubtype"]) == ("Completed", "Email")


def test_query_a_task_by_its_who_as_csv(clients: NodeClients, org: LocalOrgHandle, email: dict[str, str]) -> None:
    for who, subject in ((email["contact"], "Sf cli call"), (email["lead"], "Sf cli follow-up")):
        values = f"Subject='{subject}' Status='Completed' WhoId='{who}'"
        clients.sf("data", "create", "record", "-s", "Task", "-v", values, "-o", org.access_token)
    soql = "SELECT Subject, Who.Name, Who.Type FROM Task WHERE Subject LIKE 'Sf cli %' AND WhoId != null"
    soql += " ORDER BY Subject"
    text = clients.sf_text("data", "query", "-q", soql, "-o", org.access_token, "--result-format", "csv")
    lines = [line for line in text.splitlines() if "," in line]
    assert lines == [
        "Subject,Who.Name,Who.Type",
        "Sf cli call,Grace Hopper,Contact",
        "Sf cli follow-up,Alan Turing,Lead",
    ]


def test_describe_the_email_objects(clients: NodeClients, org: LocalOrgHandle) -> None:
    described = clients.sf("sobject", "describe", "-s", "EmailMessage", "-o", org.access_token)["result"]
    fields = {f["name"]: f for f in described["fields"]}
    assert (described["name"], described["keyPrefix"]) == ("EmailMessage", "02s")
    assert fields["Status"]["type"] == "picklist" and [p["value"] for p in fields["Status"]["picklistValues"]] == [
        "0",
        "1",
        "2",
        "3",
        "4",
        "5",
    ]
    relation = clients.sf("sobject", "describe", "-s", "EmailMessageRelation", "-o", org.access_token)["result"]
    relation_id = next(f for f in relation["fields"] if f["name"] == "RelationId")
    assert relation_id["polymorphicForeignKey"] is True and relation_id["relationshipName"] == "Relation"
    assert {"EmailMessage", "EmailMessageRelation", "Task"} <= set(
        clients.sf("sobject", "list", "-s", "all", "-o", org.access_token)["result"]
    )
