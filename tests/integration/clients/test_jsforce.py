"""jsforce against the local org, unchanged: queries over pages, sObject calls one and many, describes, errors.

One script run makes every call (node starts once); each test checks one part of what it saw.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from node_clients import NodeClients

from sfsync.localorg.testing import LocalOrgHandle

pytestmark = [pytest.mark.org, pytest.mark.xdist_group("node-clients")]

MANY = 2_150  # several collection requests (200 each) and two query pages (2,000 each)


@pytest.fixture(scope="module")
def seen(clients: NodeClients, local_org: LocalOrgHandle) -> Any:
    local_org.reset()
    payload = {
        "instanceUrl": local_org.instance_url,
        "accessToken": local_org.access_token,
        "version": local_org.api_version,
        "many": MANY,
    }
    try:
        yield clients.script("jsforce_rest", payload)
    finally:
        local_org.reset()


def test_query_auto_fetch_reads_every_page_in_order(seen: Any) -> None:
    assert seen["createdMany"] == MANY
    assert seen["autoFetch"] == {"totalSize": MANY, "done": True, "count": MANY, "inOrder": True}


def test_sobject_calls_for_many_records(seen: Any) -> None:
    assert seen["retrievedMany"] == ["Js Many 0000", "Js Many 0001", "Js Many 0002"]
    assert seen["updatedMany"] == [True, True, True]
    assert seen["upsertedMany"] == [[True, True], [True, True]]
    assert seen["destroyedMany"] == MANY


def test_sobject_calls_for_one_record(seen: Any) -> None:
    assert seen["single"] == {
        "created": True,
        "name": "Js Single",
        "employees": 7,
        "type": "Account",
        "updated": True,
        "renamed": "Js Single Renamed",
        "upserts": [True, False],
        "destroyed": True,
    }


def test_describe_describe_global_and_limits(seen: Any) -> None:
    assert seen["describe"] == {"name": "Account", "keyPrefix": "001", "hasName": True}
    prefixes = dict(seen["describeGlobal"])
    assert {name: prefixes[name] for name in ("Account", "Contact", "Lead", "Opportunity", "User")} == {
        "Account": "001",
        "Contact": "003",
        "Lead": "00Q",
        "Opportunity": "006",
        "User": "005",
    }
    assert seen["limits"]["Max"] > seen["limits"]["Remaining"] > 0


def test_error_shapes_jsforce_parses(seen: Any) -> None:
    errors = {name: outcome["error"] for name, outcome in seen["errors"].items()}
    assert {name: (e["name"], e["errorCode"]) for name, e in errors.items()} == {
        "requiredFieldMissing": ("REQUIRED_FIELD_MISSING", "REQUIRED_FIELD_MISSING"),
        "malformedQuery": ("MALFORMED_QUERY", "MALFORMED_QUERY"),
        "invalidField": ("INVALID_FIELD", "INVALID_FIELD"),
        "invalidSession": ("INVALID_SESSION_ID", "INVALID_SESSION_ID"),
        "notFound": ("NOT_FOUND", "NOT_FOUND"),
    }
    assert "Required fields are missing: [Name]" in errors["requiredFieldMissing"]["message"]
    assert seen["requiredFieldMissingInMany"] == [
        [{"statusCode": "REQUIRED_FIELD_MISSING", "message": "Required fields are missing: [Name]", "fields": ["Name"]}]
    ]


def test_invalid_session_is_a_401_that_makes_jsforce_refresh(seen: Any) -> None:
    assert seen["refreshOn401"] == {"refreshed": 1, "sameAnswer": True}


BULK = 2_500


@pytest.fixture(scope="module")
def bulk_seen(clients: NodeClients, local_org: LocalOrgHandle) -> Any:
    local_org.reset()
    payload = {
        "instanceUrl": local_org.instance_url,
        "accessToken": local_org.access_token,
        "version": local_org.api_version,
        "many": BULK,
    }
    try:
        yield clients.script("jsforce_bulk", payload)
    finally:
        local_org.reset()


def test_bulk2_load_and_wait_for_results(bulk_seen: Any) -> None:
    load = bulk_seen["load"]
    assert (load["successful"], load["created"], load["unprocessed"]) == (BULK, BULK, 0)
    assert load["failed"] == [["bulk2-bad", "INVALID_TYPE_ON_FIELD_IN_RECORD"]]


def test_bulk2_query_reads_every_row_as_csv_values(bulk_seen: Any) -> None:
    query = bulk_seen["query"]
    assert query["count"] == BULK
    first, last = query["first"], query["last"]
    assert first["Id"] == bulk_seen["load"]["firstId"] and len(first["Id"]) == 18
    assert (first["Name"], first["NumberOfEmployees"], first["Industry"], first["IsDeleted"]) == (
        "Bulk2 00000",
        "0",
        "",
        "false",
    )
    assert (last["Name"], last["Industry"], last["Owner.Name"]) == (
        f"Bulk2 {BULK - 1:05d}",
        "Energy",
        "Sfsync Integration",
    )


def test_bulk2_query_gives_parent_datetimes_in_bulk_form_and_rest_in_its_own(bulk_seen: Any) -> None:
    """Salesforce writes every datetime of a Bulk CSV `…000Z`, parents' too, and REST's JSON `…000+0000`."""
    bulk, rest = bulk_seen["parents"]["bulk"], bulk_seen["parents"]["rest"]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z", value) for value in bulk), bulk
    assert rest == [value.removesuffix("Z") + "+0000" for value in bulk]
