"""sObject Collections and composite through `sf.restful`, with and without allOrNone."""

from __future__ import annotations

import pytest
from simple_salesforce.exceptions import SalesforceMalformedRequest

from sfsync.localorg.testing import LocalOrgHandle

pytestmark = pytest.mark.org

ROLLED_BACK = {
    "statusCode": "ALL_OR_NONE_OPERATION_ROLLED_BACK",
    "message": "Record rolled back because not all records were valid and the request was using AllOrNone header",
    "fields": [],
}


def _leads(*names: str) -> list[dict[str, object]]:
    return [{"attributes": {"type": "Lead"}, "LastName": n, "Company": "C"} for n in names]


def test_create_without_all_or_none_keeps_the_valid_records(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    records = [*_leads("A"), {"attributes": {"type": "Lead"}, "LastName": "B"}, *_leads("C")]
    results = sf.restful("composite/sobjects", method="POST", json={"allOrNone": False, "records": records})
    assert [r["success"] for r in results] == [True, False, True]
    assert results[1] == {
        "success": False,
        "errors": [
            {
                "statusCode": "REQUIRED_FIELD_MISSING",
                "message": "Required fields are missing: [Company]",
                "fields": ["Company"],
            }
        ],
    }
    assert sf.query("SELECT COUNT() FROM Lead")["totalSize"] == 5


def test_create_with_all_or_none_rolls_everything_back(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    records = [*_leads("A"), {"attributes": {"type": "Lead"}, "LastName": "B"}]
    results = sf.restful("composite/sobjects", method="POST", json={"allOrNone": True, "records": records})
    assert results[0] == {"success": False, "errors": [ROLLED_BACK]}
    assert results[1]["errors"][0]["statusCode"] == "REQUIRED_FIELD_MISSING"
    assert sf.query("SELECT COUNT() FROM Lead")["totalSize"] == 3


def test_update_upsert_retrieve_delete(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    created = sf.restful("composite/sobjects", method="POST", json={"records": _leads("A", "B")})
    ids = [r["id"] for r in created]
    updates = [{"attributes": {"type": "Lead"}, "id": i, "Title": "T"} for i in ids]
    assert all(r["success"] for r in sf.restful("composite/sobjects", method="PATCH", json={"records": updates}))
    upserts = [
        {"attributes": {"type": "Lead"}, "Sfsync_Id__c": "u-1", "LastName": "U", "Company": "C"},
        {"attributes": {"type": "Lead"}, "Sfsync_Id__c": "u-1", "LastName": "V"},
    ]
    results = sf.restful("composite/sobjects/Lead/Sfsync_Id__c", method="PATCH", json={"records": upserts[:1]})
    assert results[0]["created"] is True
    results = sf.restful("composite/sobjects/Lead/Sfsync_Id__c", method="PATCH", json={"records": upserts[1:]})
    assert results[0]["created"] is False and results[0]["id"] == sf.Lead.get_by_custom_id("Sfsync_Id__c", "u-1")["Id"]
    fetched = sf.restful(
        "composite/sobjects/Lead", params={"ids": ",".join([*ids, "00Q5g0000009999AAA"]), "fields": "Id,Title"}
    )
    assert [r and r["Title"] for r in fetched] == ["T", "T", None]
    deleted = sf.restful("composite/sobjects", method="DELETE", params={"ids": ",".join(ids), "allOrNone": "true"})
    assert [r["id"] for r in deleted] == ids and all(r["success"] for r in deleted)


def test_delete_without_ids_is_refused(org: LocalOrgHandle) -> None:
    with pytest.raises(SalesforceMalformedRequest) as caught:
        org.simple_salesforce().restful("composite/sobjects", method="DELETE")
    assert caught.value.content == [{"message": "At least 1 Id is required.", "errorCode": "REQUIRED_FIELD_MISSING"}]


def test_more_than_200_records_is_refused(org: LocalOrgHandle) -> None:
    with pytest.raises(SalesforceMalformedRequest) as caught:
        org.simple_salesforce().restful("composite/sobjects", method="POST", json={"records": _leads(*["x"] * 201)})
    assert caught.value.content[0]["errorCode"] == "EXCEEDED_ID_LIMIT"


def test_post_retrieve_takes_up_to_2000_ids_and_get_200(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    created = sf.restful("composite/sobjects", method="POST", json={"records": _leads("A", "B")})
    ids = [r["id"] for r in created]
    missing = [f"00Q5g00000{n:05}AAA" for n in range(1998)]
    body = {"ids": [*ids, *missing], "fields": ["Id", "LastName"]}
    fetched = sf.restful("composite/sobjects/Lead", method="POST", json=body)
    assert len(fetched) == 2000 and [r["LastName"] for r in fetched[:2]] == ["A", "B"]
    assert all(r is None for r in fetched[2:])
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.restful("composite/sobjects/Lead", method="POST", json={**body, "ids": [*body["ids"], missing[0]]})
    assert caught.value.content[0]["errorCode"] == "EXCEEDED_ID_LIMIT"
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.restful("composite/sobjects/Lead", params={"ids": ",".join(missing[:201]), "fields": "Id"})
    assert caught.value.content[0]["errorCode"] == "EXCEEDED_ID_LIMIT"


def test_composite_resolves_references(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    body = {
        "allOrNone": True,
        "compositeRequest": [
            {
                "method": "POST",
                "url": "/services/data/v59.0/sobjects/Account",
                "referenceId": "acc",
                "body": {"Name": "Wayne"},
            },
            {
                "method": "POST",
                "url": "/services/data/v59.0/sobjects/Contact",
                "referenceId": "con",
                "body": {"LastName": "Wayne", "AccountId": "@{acc.id}"},
            },
            {
                "method": "GET",
                "url": "/services/data/v59.0/sobjects/Contact/@{con.id}?fields=AccountId",
                "referenceId": "get",
            },
        ],
    }
    response = sf.restful("composite", method="POST", json=body)["compositeResponse"]
    assert [r["httpStatusCode"] for r in response] == [201, 201, 200]
    assert response[2]["body"]["AccountId"] == response[0]["body"]["id"]
    assert response[0]["httpHeaders"]["Location"].endswith(response[0]["body"]["id"])


def test_composite_all_or_none_halts_and_rolls_back(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    body = {
        "allOrNone": True,
        "compositeRequest": [
            {
                "method": "POST",
                "url": "/services/data/v59.0/sobjects/Account",
                "referenceId": "acc",
                "body": {"Name": "Stark"},
            },
            {
                "method": "POST",
                "url": "/services/data/v59.0/sobjects/Contact",
                "referenceId": "bad",
                "body": {"Email": "not an email"},
            },
            {
                "method": "POST",
                "url": "/services/data/v59.0/sobjects/Account",
                "referenceId": "later",
                "body": {"Name": "X"},
            },
        ],
    }
    response = sf.restful("composite", method="POST", json=body)["compositeResponse"]
    assert [r["httpStatusCode"] for r in response] == [400, 400, 400]
    assert response[0]["body"][0]["errorCode"] == "PROCESSING_HALTED"
    assert {e["errorCode"] for e in response[1]["body"]} == {"INVALID_EMAIL_ADDRESS"}
    assert sf.query("SELECT COUNT() FROM Account WHERE Name = 'Stark'")["totalSize"] == 0


def test_composite_batch_runs_independently(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    account = sf.Account.create({"Name": "Batch"})["id"]
    body = {
        "batchRequests": [
            {"method": "PATCH", "url": f"v59.0/sobjects/Account/{account}", "richInput": {"Name": "Batched"}},
            {"method": "GET", "url": f"v59.0/sobjects/Account/{account}?fields=Name"},
            {"method": "PATCH", "url": f"v59.0/sobjects/Account/{account}", "richInput": {"Name": ""}},
        ]
    }
    response = sf.restful("composite/batch", method="POST", json=body)
    assert response["hasErrors"] is True
    assert [r["statusCode"] for r in response["results"]] == [204, 200, 400]
    assert response["results"][1]["result"]["Name"] == "Batched"


def test_upsert_keyed_on_id_creates_the_records_without_one_and_updates_the_others(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    existing = sf.Lead.create({"LastName": "Old", "Company": "C"})["id"]
    records = [
        {"attributes": {"type": "Lead"}, "Id": existing, "Title": "Updated"},
        {"attributes": {"type": "Lead"}, "Id": None, "LastName": "New", "Company": "C"},
    ]
    results = sf.restful("composite/sobjects/Lead/Id", method="PATCH", json={"allOrNone": False, "records": records})
    assert [(r["success"], r["created"]) for r in results] == [(True, False), (True, True)]
    assert results[0]["id"] == existing
    assert sf.Lead.get(existing)["Title"] == "Updated"
    assert sf.Lead.get(results[1]["id"])["LastName"] == "New"


def test_the_same_external_id_twice_in_one_upsert_fails_both_rows(org: LocalOrgHandle) -> None:
    session = org.session()
    session.headers["Authorization"] = f"Bearer {org.access_token}"
    url = f"{org.instance_url}/services/data/v{org.api_version}/composite/sobjects/Account/Sfsync_Id__c"
    records = [
        {"attributes": {"type": "Account"}, "Sfsync_Id__c": "twice", "Name": "First"},
        {"attributes": {"type": "Account"}, "Sfsync_Id__c": "TWICE", "Name": "Second"},
        {"attributes": {"type": "Account"}, "Sfsync_Id__c": "once", "Name": "Alone"},
    ]
    results = session.patch(url, json={"allOrNone": False, "records": records}).json()
    assert [r["success"] for r in results] == [False, False, True]
    assert [r["errors"][0]["statusCode"] for r in results[:2]] == ["DUPLICATE_VALUE", "DUPLICATE_VALUE"]
    assert results[0]["errors"][0]["message"] == "Duplicate external id specified: twice"
    query = f"{org.instance_url}/services/data/v{org.api_version}/query"
    names = session.get(query, params={"q": "SELECT Name FROM Account WHERE Sfsync_Id__c != null"}).json()
    assert [r["Name"] for r in names["records"]] == ["Alone"]
