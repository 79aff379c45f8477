"""Bulk API 1.0 JSON jobs as simple-salesforce's `sf.bulk` (its Bulk API 1.0 client) sends them, unchanged:
insert, upsert, update, delete and query round trips, each checked against the org's REST API."""

from __future__ import annotations

import datetime as dt

import pytest

from sfsync.localorg.testing import LocalOrgHandle

pytestmark = pytest.mark.org


def _leads(org: LocalOrgHandle, where: str) -> dict[str, dict[str, object]]:
    soql = f"SELECT Id, LastName, Company, Email, Sfsync_Id__c, IsDeleted FROM Lead WHERE {where}"  # noqa: S608
    return {r["Id"]: r for r in org.simple_salesforce().query_all(soql)["records"]}


def test_insert_update_upsert_and_delete_round_trip(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    rows = [{"LastName": f"Bulk Json {n}", "Company": "Acme", "Sfsync_Id__c": f"bj-{n}"} for n in range(3)]
    inserted = sf.bulk.Lead.insert(rows, batch_size=2)  # two batches, results in the rows' order
    assert [(r["success"], r["created"], r["errors"]) for r in inserted] == [(True, True, [])] * 3
    stored = _leads(org, "Company = 'Acme' AND LastName LIKE 'Bulk Json%'")
    assert [stored[r["id"]]["Sfsync_Id__c"] for r in inserted] == ["bj-0", "bj-1", "bj-2"]

    updated = sf.bulk.Lead.update([{"Id": inserted[0]["id"], "Company": "Initech"}])
    assert [(r["success"], r["created"], r["id"]) for r in updated] == [(True, False, inserted[0]["id"])]
    assert _leads(org, f"Id = '{inserted[0]['id']}'")[inserted[0]["id"]]["Company"] == "Initech"

    keyed = [
        {"Sfsync_Id__c": "bj-1", "Email": "one@bulk.example"},
        {"Sfsync_Id__c": "bj-9", "LastName": "N", "Company": "C"},
    ]
    upserted = sf.bulk.Lead.upsert(keyed, "Sfsync_Id__c")
    assert [(r["success"], r["created"]) for r in upserted] == [(True, False), (True, True)]
    assert upserted[0]["id"] == inserted[1]["id"]
    assert _leads(org, "Sfsync_Id__c = 'bj-1'")[inserted[1]["id"]]["Email"] == "one@bulk.example"

    deleted = sf.bulk.Lead.delete([{"Id": inserted[2]["id"]}])
    assert [(r["success"], r["id"]) for r in deleted] == [(True, inserted[2]["id"])]
    assert _leads(org, f"Id = '{inserted[2]['id']}'") == {}
    soql = f"SELECT Id, IsDeleted FROM Lead WHERE Id = '{inserted[2]['id']}'"  # noqa: S608 - an id the org gave
    gone = sf.query_all(soql, include_deleted=True)
    assert [r["IsDeleted"] for r in gone["records"]] == [True]


def test_row_errors_come_back_per_row_with_code_message_and_fields(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    results = sf.bulk.Lead.insert([{"Company": "No Name"}, {"LastName": "Fine", "Company": "Acme", "Email": "x"}])
    missing, bad_email = results
    assert (missing["success"], missing["created"], missing["id"]) == (False, False, None)
    [error] = missing["errors"]
    assert (error["statusCode"], error["fields"]) == ("REQUIRED_FIELD_MISSING", ["LastName"])
    assert "LastName" in error["message"]
    assert bad_email["success"] is False and bad_email["errors"][0]["statusCode"] == "INVALID_EMAIL_ADDRESS"
    assert _leads(org, "Company = 'No Name' OR LastName = 'Fine'") == {}


def test_query_gives_rest_shaped_records_with_epoch_millisecond_datetimes(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    made = sf.Lead.create({"LastName": "Bulk Query Json", "Company": "Acme", "NumberOfEmployees": 12})
    soql = "SELECT Id, LastName, NumberOfEmployees, CreatedDate FROM Lead WHERE LastName = 'Bulk Query Json'"
    [record] = sf.bulk.Lead.query(soql)
    rest = sf.query(soql)["records"][0]
    assert record["attributes"]["type"] == "Lead" and record["Id"] == made["id"]
    assert (record["LastName"], record["NumberOfEmployees"]) == ("Bulk Query Json", 12)
    created = dt.datetime.strptime(rest["CreatedDate"], "%Y-%m-%dT%H:%M:%S.%f%z")
    assert record["CreatedDate"] == int(created.timestamp() * 1000)  # Bulk 1.0 JSON: milliseconds since 1970
    assert sf.bulk.Lead.query("SELECT Id FROM Lead WHERE LastName = 'Nobody at all'") == []


def test_answers_are_indented_for_x_prettyprint_as_sf_bulk_asks(org: LocalOrgHandle) -> None:
    http = org.session()
    headers = {"X-SFDC-Session": org.access_token, "Content-Type": "application/json", "X-PrettyPrint": "1"}
    job = {"operation": "insert", "object": "Lead", "contentType": "JSON"}
    answer = http.post(f"{org.instance_url}/services/async/{org.api_version}/job", json=job, headers=headers)
    assert answer.status_code == 201 and answer.text.startswith('{\n    "id": "750')
    assert answer.headers["Content-Type"] == "application/json"  # exactly: salesforce-bulk compares it so
