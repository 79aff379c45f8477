"""SOQL through the real simple-salesforce client: query, queryAll, paging and errors."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from simple_salesforce.exceptions import SalesforceMalformedRequest
from simple_salesforce.format import format_soql

from sfsync.localorg import testing

pytestmark = pytest.mark.org

# The org's own session-wide fixture, whatever a conftest of this folder provides.
local_org = testing.local_org


@pytest.fixture
def sf(local_org: testing.LocalOrgHandle) -> Iterator[Any]:
    local_org.reset()
    yield local_org.simple_salesforce()


def _create_leads(sf: Any, company: str, count: int) -> list[str]:
    return [sf.Lead.create({"LastName": f"Lead{n:04d}", "Company": company})["id"] for n in range(count)]


def test_query_returns_salesforce_shaped_records(sf: Any, local_org: testing.LocalOrgHandle) -> None:
    result = sf.query(
        "SELECT Id, Name, Email, ConvertedContact.Email, Owner.Name FROM Lead "
        "WHERE Email = 'GRACE@acme.example' AND IsConverted = true"
    )
    assert (result["totalSize"], result["done"]) == (1, True)
    (record,) = result["records"]
    assert record["attributes"] == {
        "type": "Lead",
        "url": f"/services/data/v{sf.sf_version}/sobjects/Lead/{record['Id']}",
    }
    assert len(record["Id"]) == 18
    assert record["Name"] == "Grace Hopper"
    assert record["ConvertedContact"]["attributes"]["type"] == "Contact"
    assert record["ConvertedContact"]["Email"] == "grace@acme.example"
    assert record["Owner"]["Name"] == "Sfsync Integration"


def test_count_and_group_by(sf: Any) -> None:
    assert sf.query("SELECT COUNT() FROM Lead WHERE IsConverted = false") == {
        "totalSize": 2,
        "done": True,
        "records": [],
    }
    grouped = sf.query("SELECT IsConverted, COUNT(Id) n FROM Lead GROUP BY IsConverted ORDER BY IsConverted")
    assert [(r["IsConverted"], r["n"]) for r in grouped["records"]] == [(False, 2), (True, 1)]
    assert grouped["records"][0]["attributes"] == {"type": "AggregateResult"}


def test_query_all_iter_pages_with_the_batch_size_header(sf: Any) -> None:
    company = f"Paging {uuid.uuid4().hex[:8]}"
    created = _create_leads(sf, company, 250)
    soql = format_soql("SELECT Id FROM Lead WHERE Company = {} ORDER BY CreatedDate, Id", company)
    headers = {"Sforce-Query-Options": "batchSize=200"}
    first = sf.query(soql, headers=headers)
    assert (first["totalSize"], len(first["records"]), first["done"]) == (250, 200, False)
    assert first["nextRecordsUrl"].startswith(f"/services/data/v{sf.sf_version}/query/01g")
    ids = [record["Id"] for record in sf.query_all_iter(soql, headers=headers)]
    assert sorted(ids) == sorted(created)
    assert len(sf.query_all(soql)["records"]) == 250


def test_datetimes_as_format_soql_sends_them(sf: Any) -> None:
    before = datetime.now(UTC) - timedelta(days=1)
    soql = format_soql("SELECT Id, CreatedDate FROM Lead WHERE CreatedDate > {} AND LastName = {}", before, "Turing")
    (record,) = sf.query(soql)["records"]
    assert record["CreatedDate"].endswith(".000+0000")
    assert sf.query("SELECT Id FROM Lead WHERE CreatedDate = LAST_N_DAYS:1 AND LastName = 'turing'")["totalSize"] == 1


def test_query_all_includes_deleted_records(sf: Any) -> None:
    (lead_id,) = _create_leads(sf, f"Deleted {uuid.uuid4().hex[:8]}", 1)
    sf.Lead.delete(lead_id)
    soql = f"SELECT Id, IsDeleted FROM Lead WHERE Id = '{lead_id[:15]}'"  # noqa: S608 (SOQL)
    assert sf.query(soql)["totalSize"] == 0
    assert [r["IsDeleted"] for r in sf.query_all(soql, include_deleted=True)["records"]] == [True]


def _error(sf: Any, soql: str) -> dict[str, Any]:
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.query(soql)
    assert caught.value.status == 400
    (error,) = caught.value.content
    return dict(error)


def test_errors_reach_the_client_with_salesforce_codes_and_texts(sf: Any) -> None:
    error = _error(sf, "SELECT Id, Foo FROM Lead")
    assert error["errorCode"] == "INVALID_FIELD"
    assert error["message"].startswith(
        "\nSELECT Id, Foo FROM Lead\n           ^\nERROR at Row:1:Column:12\nNo such column 'Foo' on entity 'Lead'."
    )
    assert _error(sf, "SELECT Id FROM Nope__c")["errorCode"] == "INVALID_TYPE"
    assert _error(sf, "SELECT Id, FROM Lead")["message"].endswith("unexpected token: 'FROM'")


def test_field_and_object_security_shape_what_a_restricted_user_can_query(local_org: testing.LocalOrgHandle) -> None:
    restricted = local_org.simple_salesforce(as_user="restricted@acme.local")
    assert restricted.query("SELECT Id, Website FROM Lead")["totalSize"] == 3
    hidden = _error(restricted, "SELECT Id, Phone FROM Lead")
    assert (hidden["errorCode"], "No such column 'Phone' on entity 'Lead'" in hidden["message"]) == (
        "INVALID_FIELD",
        True,
    )
    assert _error(restricted, "SELECT Id FROM Opportunity")["errorCode"] == "INVALID_TYPE"


def test_unknown_locator(sf: Any) -> None:
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.query_more("01g000000000000AAA-2000")
    assert caught.value.content[0]["errorCode"] == "INVALID_QUERY_LOCATOR"


def test_for_view_and_for_reference_answer_as_the_query_without_them(sf: Any) -> None:
    soql = "SELECT Id, Name FROM Account ORDER BY CreatedDate DESC LIMIT 1000"
    plain = [r["Id"] for r in sf.query(soql)["records"]]
    assert len(plain) == 2
    assert [r["Id"] for r in sf.query(f"{soql} FOR VIEW")["records"]] == plain
    assert [r["Id"] for r in sf.query(f"{soql} for reference")["records"]] == plain
    assert _error(sf, f"{soql} FOR UPDATE")["message"].endswith("unexpected token: 'UPDATE'")
    assert _error(sf, f"{soql} FOR VIEW LIMIT 5")["message"].endswith("unexpected token: 'LIMIT'")
