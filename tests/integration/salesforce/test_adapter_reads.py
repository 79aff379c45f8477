"""Describe, queries, retrieve, limits and call counts against the local org."""

from __future__ import annotations

from pathlib import Path

import pytest
from sf_org import RunningOrg

from sfsync.errors import RemoteError
from sfsync.salesforce import adapter as adapter_module
from sfsync.salesforce import reads
from sfsync.salesforce.adapter import SalesforceAdapter
from sfsync.salesforce.describe_cache import FileDescribeCache
from sfsync.salesforce.port import WriteOperation
from sfsync.salesforce.query import Eq, Like, Or, Query
from sfsync.salesforce.soql import soql_texts


def test_describe_reflects_field_level_security(org: RunningOrg) -> None:
    full = org.adapter().describe("Lead")
    restricted = org.adapter("restricted").describe("Lead")
    assert full.field("Phone") is not None and restricted.field("Phone") is None
    website = restricted.field("Website")
    assert website is not None and not website.updateable and not website.createable
    assert full.fields["Sfsync_Id__c"].external_id and full.fields["Sfsync_Id__c"].unique
    assert full.digest != restricted.digest


def test_describe_of_an_unreadable_object_is_not_found(org: RunningOrg) -> None:
    with pytest.raises(RemoteError) as caught:
        org.adapter("restricted").describe("Opportunity")
    assert caught.value.code in ("NOT_FOUND", "INVALID_TYPE")


def test_describe_cache_revalidates_with_if_modified_since(org: RunningOrg, tmp_path: Path) -> None:
    cache = FileDescribeCache(tmp_path)
    first = SalesforceAdapter(org.credentials(), describe_cache=cache, retry=None)
    lead = first.describe("Lead")
    who = first.identity()
    stored = cache.load(who.org_id, who.user_id, "Lead")
    assert stored is not None and stored.last_modified
    second = SalesforceAdapter(org.credentials(), describe_cache=cache)
    assert second.describe("Lead").digest == lead.digest
    assert second.call_counts().by_kind["describe"] == 1


def test_a_describe_the_caller_holds_is_not_asked_again_while_fresh(
    org: RunningOrg, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = FileDescribeCache(tmp_path)
    lead = SalesforceAdapter(org.credentials(), describe_cache=cache).describe("Lead")  # the plan's describe
    apply = SalesforceAdapter(org.credentials(), describe_cache=cache)
    assert apply.describe("Lead", known=lead.digest).digest == lead.digest
    assert "describe" not in apply.call_counts().by_kind
    apply.describe("Lead", known="sha256:another")  # a plan made with another describe: asked
    assert apply.call_counts().by_kind["describe"] == 1
    monkeypatch.setattr(adapter_module, "DESCRIBE_REUSE_SECONDS", 0.0)  # confirmed too long ago: asked
    apply.describe("Lead", known=lead.digest)
    assert apply.call_counts().by_kind["describe"] == 2
    uncached = org.adapter()
    uncached.describe("Lead", known=lead.digest)  # no cache (doctor): always asked
    assert uncached.call_counts().by_kind["describe"] == 1


def test_query_streams_plain_records(org: RunningOrg) -> None:
    port = org.adapter()
    rows = list(port.query(Query("Contact", ("Id", "Email", "Account.Name"), Eq("Email", "grace@acme.example"))))
    assert len(rows) == 1
    assert "attributes" not in rows[0] and rows[0]["Account"] == {"Name": "Acme Corp"}
    assert port.call_counts().by_kind["query"] == 1


def test_retrieve_aligns_with_ids(org: RunningOrg) -> None:
    port = org.adapter()
    ids = [r["Id"] for r in port.query(Query("Lead", ("Id",)))]
    missing = "00Q" + "0" * 12 + "AAA"
    found = port.retrieve("Lead", [ids[0], missing, ids[1]], ["Id", "Email"])
    assert [r["Id"] if r else None for r in found] == [ids[0], None, ids[1]]


def test_limits_come_from_the_response_header(org: RunningOrg) -> None:
    port = org.adapter()
    list(port.query(Query("Lead", ("Id",))))
    limits = port.limits()
    assert limits.maximum == org.app.org.api_limit and 0 < limits.used <= limits.maximum
    assert "limits" not in port.call_counts().by_kind


def test_bulk_query_returns_strings_or_none(org: RunningOrg) -> None:
    port = org.adapter()
    rows = list(port.bulk_query(Query("Lead", ("Id", "Email", "Phone"))))
    assert len(rows) == len(list(port.query(Query("Lead", ("Id",)))))
    assert all(isinstance(r["Email"], str) for r in rows) and any(r["Phone"] is None for r in rows)
    assert port.call_counts().by_kind["bulk_query"] == 1


def test_bulk_rows_have_the_shape_and_text_of_rest_rows(org: RunningOrg) -> None:
    port = org.adapter()
    request = Query("Contact", ("Id", "Email", "Account.Name", "CreatedDate", "SystemModstamp", "Title"))
    port.describe("Contact")
    rest = sorted(port.query(request), key=lambda r: str(r["Id"]))
    bulk = sorted(port.bulk_query(request), key=lambda r: str(r["Id"]))
    assert bulk == rest and any(r["Account"] for r in rest) and any(r["Title"] is None for r in rest)
    assert str(bulk[0]["CreatedDate"]).endswith(".000+0000")


def test_bulk_results_come_in_pages_of_max_records(org: RunningOrg, monkeypatch: pytest.MonkeyPatch) -> None:
    port = org.adapter()
    everyone = [r["Id"] for r in port.query(Query("Lead", ("Id",)))]
    assert len(everyone) >= 3
    monkeypatch.setattr(reads, "BULK_PAGE_RECORDS", 2)
    org.app.org.calls.clear()
    rows = list(port.bulk_query(Query("Lead", ("Id",))))
    assert sorted(r["Id"] for r in rows) == sorted(everyone)
    assert org.app.org.calls["bulk.query.results"] == -(-len(everyone) // 2)  # one call per page of 2


def test_query_follows_next_records_url_page_by_page(org: RunningOrg) -> None:
    port = org.adapter()
    rows = [{"LastName": f"P{i}", "Company": "Paging", "Email": f"p{i}@paging.example"} for i in range(2100)]
    assert {r.outcome.value for r in port.bulk_write("Lead", WriteOperation.INSERT, rows)} == {"ok"}
    found = list(port.query(Query("Lead", ("Id", "Email"), Eq("Company", "Paging"))))
    assert len(found) == 2100 and len({r["Id"] for r in found}) == 2100
    assert port.call_counts().by_kind["query_more"] >= 1


def test_a_query_too_long_for_one_soql_is_sent_in_parts_each_record_once(org: RunningOrg) -> None:
    port = org.adapter()
    everyone = sorted(r["Id"] for r in port.query(Query("Lead", ("Id",))))
    padding = tuple(Like("Email", f"nobody-{n:04}@nowhere.example") for n in range(1000))
    request = Query("Lead", ("Id", "Email"), Or((Like("Email", "@"), *padding, Like("Email", "."))))
    assert len(soql_texts(request)) > 1  # every Lead matches the first part and the last one
    assert sorted(r["Id"] for r in port.query(request)) == everyone
    assert sorted(r["Id"] for r in port.bulk_query(request)) == everyone
