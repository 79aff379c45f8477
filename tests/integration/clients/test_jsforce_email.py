"""jsforce against the email objects, unchanged: EmailMessage and EmailMessageRelation created, retrieved,
queried with their relationships, and the errors jsforce parses (a sent email changed, Enhanced Email off)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from node_clients import NodeClients

from sfsync.localorg.testing import LocalOrgHandle

pytestmark = [pytest.mark.org, pytest.mark.xdist_group("node-clients")]


def _payload(org: LocalOrgHandle) -> dict[str, Any]:
    sf = org.simple_salesforce()
    contact = sf.query("SELECT Id FROM Contact WHERE LastName = 'Hopper'")["records"][0]["Id"]
    lead = sf.query("SELECT Id FROM Lead WHERE IsConverted = false AND FirstName = 'Alan'")["records"][0]["Id"]
    return {
        "instanceUrl": org.instance_url,
        "accessToken": org.access_token,
        "version": org.api_version,
        "contactId": contact,
        "leadId": lead,
    }


@pytest.fixture(scope="module")
def seen(clients: NodeClients, local_org: LocalOrgHandle) -> Iterator[dict[str, Any]]:
    """What the script saw with Enhanced Email on (`enhanced`), then off (`off`)."""
    local_org.reset()
    try:
        payload = _payload(local_org)
        enhanced = clients.script("jsforce_email", payload | {"enhancedEmail": True})
        local_org.control("enhanced-email", "PUT", {"enabled": False})
        yield {"enhanced": enhanced, "off": clients.script("jsforce_email", payload | {"enhancedEmail": False})}
    finally:
        local_org.reset()


def test_create_and_retrieve_an_email_message_and_its_relations(seen: dict[str, Any]) -> None:
    on = seen["enhanced"]
    one = on["one"]
    assert (one["success"], one["subject"], one["status"], one["type"]) == (True, "Js Email One", "3", "EmailMessage")
    assert one["date"] == "2024-03-01T09:30:00.000+0000" and one["activity"].startswith("00T")  # its Task
    assert on["relationsMade"] == [True, True] and on["many"] == [True, True]
    assert on["relations"] == [
        ["ToAddress", "Contact", "grace@acme.example"],
        ["CcAddress", "Lead", "alan@bletchley.example"],
    ]


def test_query_emails_with_their_task_relations_and_related_names(seen: dict[str, Any]) -> None:
    on = seen["enhanced"]
    assert on["query"] == [
        ["Js Email One", "Email", ["ToAddress", "CcAddress"]],
        ["Js Email Three", "Email", []],
        ["Js Email Two", "Email", []],
    ]
    assert on["relatedNames"] == [["Name", "Grace Hopper", "Contact"], ["Name", "Alan Turing", "Lead"]]
    assert on["destroyed"] is True and on["relationsLeft"] == 0  # deleting the email deletes its relations


def test_the_errors_jsforce_parses_for_emails(seen: dict[str, Any]) -> None:
    sent = seen["enhanced"]["updatedSent"]["error"]
    assert (sent["errorCode"], sent["fields"]) == ("INSUFFICIENT_ACCESS_OR_READONLY", ["Subject"])
    off = seen["off"]
    refused = off["one"]["error"]
    assert (refused["name"], refused["errorCode"], refused["fields"]) == (
        "FIELD_INTEGRITY_EXCEPTION",
        "FIELD_INTEGRITY_EXCEPTION",
        ["ParentId"],
    )
    assert refused["message"]
    for result in off["many"]:
        [error] = result["errors"]
        assert result["success"] is False and (error["statusCode"], error["fields"]) == (
            "FIELD_INTEGRITY_EXCEPTION",
            ["ParentId"],
        )
    assert off["task"] is True  # logging the email as a completed Task still works
