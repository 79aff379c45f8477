"""Single-record REST through simple-salesforce: CRUD, upsert, external ids, updated/deleted."""

from __future__ import annotations

import datetime as dt

import pytest
from simple_salesforce.exceptions import SalesforceError, SalesforceMoreThanOneRecord, SalesforceResourceNotFound
from simple_salesforce.format import format_soql

from sfsync.localorg.testing import LocalOrgHandle

pytestmark = pytest.mark.org


def test_create_get_update_delete(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    created = sf.Lead.create({"LastName": "Lamarr", "Company": "MGM", "Email": "Hedy@MGM.example"})
    assert created["success"] and created["id"].startswith("00Q") and len(created["id"]) == 18
    record = sf.Lead.get(created["id"])
    assert record["Email"] == "hedy@mgm.example"  # lower-cased when saved
    assert record["Name"] == "Lamarr"
    assert record["Status"] == "Open - Not Contacted"
    assert record["OwnerId"] == record["CreatedById"] == record["LastModifiedById"]
    assert record["CreatedDate"].endswith(".000+0000")
    assert record["attributes"] == {"type": "Lead", "url": f"/services/data/v59.0/sobjects/Lead/{created['id']}"}
    assert sf.Lead.update(created["id"], {"FirstName": "Hedy"}) == 204
    assert sf.Lead.get(created["id"])["Name"] == "Hedy Lamarr"
    assert sf.Lead.delete(created["id"]) == 204
    with pytest.raises(SalesforceResourceNotFound) as caught:
        sf.Lead.get(created["id"])
    assert caught.value.content[0]["errorCode"] == "ENTITY_IS_DELETED"
    assert sf.query_all(format_soql("SELECT Id FROM Lead WHERE Id = {}", created["id"]))["totalSize"] == 0
    soql = format_soql("SELECT Id, IsDeleted FROM Lead WHERE Id = {}", created["id"])
    deleted = sf.query_all(soql, include_deleted=True)
    assert deleted["records"][0]["IsDeleted"] is True


def test_get_with_fields_and_15_character_id(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    created = sf.Account.create({"Name": "Initech", "BillingCity": "Austin"})
    record = sf.Account.get(created["id"][:15], params={"fields": "Name,BillingAddress"})
    assert set(record) == {"attributes", "Name", "BillingAddress"}
    assert record["BillingAddress"]["city"] == "Austin"


def test_upsert_creates_201_then_updates_200(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    session = org.session()
    headers = {"Authorization": f"Bearer {org.access_token}"}
    url = f"{org.instance_url}/services/data/v59.0/sobjects/Lead/Sfsync_Id__c/ext-1"
    first = session.patch(url, json={"LastName": "Noether", "Company": "Erlangen"}, headers=headers)
    assert first.status_code == 201 and first.json()["created"] is True
    second = session.patch(url, json={"Title": "Professor"}, headers=headers)
    assert second.status_code == 200 and second.json() == {
        "id": first.json()["id"],
        "success": True,
        "errors": [],
        "created": False,
    }
    assert sf.Lead.upsert("Sfsync_Id__c/ext-1", {"Title": "Dr"}) == 200
    assert sf.Lead.get_by_custom_id("Sfsync_Id__c", "ext-1")["Title"] == "Dr"


def test_external_id_with_several_matches_is_300(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    second = sf.Lead.create(
        {"LastName": "Turing", "Company": "Manchester", "Email": "Alan@Bletchley.example"},
        headers={"Sforce-Duplicate-Rule-Header": "allowSave=true"},
    )
    with pytest.raises(SalesforceMoreThanOneRecord) as caught:
        sf.Lead.get_by_custom_id("Email", "alan@bletchley.example")
    assert caught.value.status == 300
    assert f"/services/data/v59.0/sobjects/Lead/{second['id']}" in caught.value.content


def test_get_by_value_that_is_not_an_id_is_404(org: LocalOrgHandle) -> None:
    with pytest.raises(SalesforceResourceNotFound) as caught:
        org.simple_salesforce().Lead.get("abc")
    assert caught.value.content == [
        {"message": "Provided external ID field does not exist or is not accessible: abc", "errorCode": "NOT_FOUND"}
    ]


def test_updated_and_deleted_endpoints(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    start = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    created = sf.Contact.create({"LastName": "Gone"})
    sf.Contact.delete(created["id"])
    end = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=2)
    org.control(f"records/Contact/{created['id']}/touch", "POST")
    deleted = sf.Contact.deleted(start, end)
    assert [d["id"] for d in deleted["deletedRecords"]] == [created["id"]]
    updated = sf.Contact.updated(start - dt.timedelta(days=1), end)
    assert created["id"] not in updated["ids"] and "latestDateCovered" in updated


def test_query_pages_through_next_records_url(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    for batch in range(2):
        records = [{"attributes": {"type": "Account"}, "Name": f"Paged {batch}-{i}"} for i in range(200)]
        assert all(r["success"] for r in sf.restful("composite/sobjects", method="POST", json={"records": records}))
    first = sf.query("SELECT Id FROM Account ORDER BY Name", headers={"Sforce-Query-Options": "batchSize=200"})
    assert (first["totalSize"], first["done"], len(first["records"])) == (402, False, 200)
    assert first["nextRecordsUrl"].startswith("/services/data/v59.0/query/01g")
    everything = sf.query_all("SELECT Id FROM Account", headers={"Sforce-Query-Options": "batchSize=200"})
    assert len({r["Id"] for r in everything["records"]}) == 402


def test_a_user_without_api_enabled_is_refused_by_the_rest_api(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce(as_user="noapi@acme.local")
    with pytest.raises(SalesforceError) as caught:
        sf.query("SELECT Id FROM Lead")
    assert (caught.value.status, caught.value.content[0]["errorCode"]) == (403, "API_DISABLED_FOR_ORG")


def test_delete_by_external_id(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    created = sf.Account.create({"Name": "Ext", "Sfsync_Id__c": "del-1"})
    assert sf.restful("sobjects/Account/Sfsync_Id__c/del-1", method="DELETE") is None
    with pytest.raises(SalesforceResourceNotFound) as caught:
        sf.Account.get(created["id"])
    assert caught.value.content[0]["errorCode"] == "ENTITY_IS_DELETED"


def test_version_root_lists_resources(org: LocalOrgHandle) -> None:
    resources = org.simple_salesforce().restful("")
    assert resources["sobjects"] == "/services/data/v59.0/sobjects"
    assert resources["query"] == "/services/data/v59.0/query"


def test_an_update_only_upsert_creates_nothing(org: LocalOrgHandle) -> None:
    session = org.session()
    session.headers["Authorization"] = f"Bearer {org.access_token}"
    url = f"{org.instance_url}/services/data/v{org.api_version}/sobjects/Account/Sfsync_Id__c"
    missing = session.patch(f"{url}/only-update", params={"updateOnly": "true"}, json={"Name": "Never"})
    assert missing.status_code == 404 and missing.json()[0]["errorCode"] == "NOT_FOUND"
    assert session.patch(f"{url}/only-update", json={"Name": "Created"}).status_code == 201
    updated = session.patch(f"{url}/only-update", params={"updateOnly": "true"}, json={"Name": "Updated"})
    assert updated.status_code == 200 and updated.json()["created"] is False
    bad = session.patch(f"{url}/only-update", params={"updateOnly": "maybe"}, json={"Name": "X"})
    assert bad.status_code == 400
