"""A composite holding an sObject Collections write and the reads after it, and the limits Salesforce sets.

Salesforce runs subrequests in order when `collateSubrequests` is false, so a read placed after a
write sees it; a composite holds at most 25 subrequests, at most 5 of them sObject Collections or
query operations, and one past either limit runs none of them.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from simple_salesforce.exceptions import SalesforceMalformedRequest

from sfsync.localorg.testing import LocalOrgHandle

pytestmark = pytest.mark.org

V = "/services/data/v59.0"


def _create(names: list[str], ref: str = "write") -> dict[str, Any]:
    records = [
        {"attributes": {"type": "Lead"}, "LastName": n, "Company": "C", "Email": f"{n}@x.example"} for n in names
    ]
    body = {"allOrNone": False, "records": records}
    return {"method": "POST", "url": f"{V}/composite/sobjects", "referenceId": ref, "body": body}


def _query(soql: str, ref: str) -> dict[str, Any]:
    return {"method": "GET", "url": f"{V}/query?q={quote(soql)}", "referenceId": ref}


def _composite(org: LocalOrgHandle, subrequests: list[dict[str, Any]]) -> Any:
    body = {"allOrNone": False, "collateSubrequests": False, "compositeRequest": subrequests}
    return org.simple_salesforce().restful("composite", method="POST", json=body)


def test_a_write_then_a_retrieve_and_a_query_in_one_composite(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    existing = sf.Lead.create({"LastName": "Old", "Company": "C", "Title": "Chief"})["id"]
    retrieve = {
        "method": "POST",
        "url": f"{V}/composite/sobjects/Lead",
        "referenceId": "retrieve",
        "body": {"ids": [existing, "00Q5g0000009999AAA"], "fields": ["Id", "Title"]},
    }
    query = _query("SELECT Id, Email FROM Lead WHERE Email IN ('ada@x.example', 'nobody@x.example')", "keys")
    answer = _composite(org, [_create(["ada"]), retrieve, query])["compositeResponse"]
    assert [a["referenceId"] for a in answer] == ["write", "retrieve", "keys"]
    assert [a["httpStatusCode"] for a in answer] == [200, 200, 200]
    assert answer[0]["body"][0]["success"] is True
    assert [r and r["Title"] for r in answer[1]["body"]] == ["Chief", None]
    # The query ran after the write: it finds the Lead just created.
    assert answer[2]["body"]["totalSize"] == 1 and answer[2]["body"]["done"] is True
    assert answer[2]["body"]["records"][0]["Id"] == answer[0]["body"][0]["id"]


def test_six_collections_or_query_subrequests_are_refused_and_none_runs(org: LocalOrgHandle) -> None:
    subrequests = [_create(["one"]), *[_query("SELECT Id FROM Lead", f"q{n}") for n in range(5)]]
    with pytest.raises(SalesforceMalformedRequest) as caught:
        _composite(org, subrequests)
    (item,) = caught.value.content["compositeResponse"]
    assert item["httpStatusCode"] == 400 and item["referenceId"] is None
    assert item["body"][0]["errorCode"] == "LIMIT_EXCEEDED"
    assert "5 sObject Collections or query operations" in item["body"][0]["message"]
    assert org.simple_salesforce().query("SELECT COUNT() FROM Lead WHERE LastName = 'one'")["totalSize"] == 0


def test_five_of_them_among_twenty_five_subrequests_run(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    lead = sf.Lead.create({"LastName": "Rows", "Company": "C"})["id"]
    rows = [
        {"method": "PATCH", "url": f"{V}/sobjects/Lead/{lead}", "referenceId": f"u{n}", "body": {"Title": f"T{n}"}}
        for n in range(20)
    ]
    soql = "SELECT Title FROM Lead WHERE Id = '{}'"
    queries = [_query(soql.format(lead), f"q{n}") for n in range(4)]
    answer = _composite(org, [*rows, _create(["five"]), *queries])["compositeResponse"]
    assert len(answer) == 25 and {a["httpStatusCode"] for a in answer} == {200, 204}
    assert answer[-1]["body"]["records"][0]["Title"] == "T19"


def test_twenty_six_subrequests_are_refused_as_salesforce_refuses_them(org: LocalOrgHandle) -> None:
    lead = org.simple_salesforce().Lead.create({"LastName": "Many", "Company": "C"})["id"]
    rows = [
        {"method": "PATCH", "url": f"{V}/sobjects/Lead/{lead}", "referenceId": f"u{n}", "body": {"Title": "X"}}
        for n in range(26)
    ]
    with pytest.raises(SalesforceMalformedRequest) as caught:
        _composite(org, rows)
    (item,) = caught.value.content["compositeResponse"]
    message = "The request can\u2019t contain more than 25 operations."
    assert item["body"] == [{"errorCode": "LIMIT_EXCEEDED", "message": message}]
    assert org.simple_salesforce().Lead.get(lead)["Title"] is None
