"""Describe through simple-salesforce: the same keys as the real recorded describes."""

from __future__ import annotations

import pytest
from simple_salesforce.exceptions import SalesforceResourceNotFound

from sfsync.localorg.catalog import recorded_describe
from sfsync.localorg.testing import LocalOrgHandle

pytestmark = pytest.mark.org


@pytest.mark.parametrize("name", ["Account", "Contact", "Lead", "Opportunity"])
def test_describe_keys_equal_the_recorded_describe(org: LocalOrgHandle, name: str) -> None:
    recorded = recorded_describe(name)
    served = org.simple_salesforce().__getattr__(name).describe()
    assert set(served) == set(recorded)
    recorded_field_keys = set(recorded["fields"][0])
    assert all(set(f) == recorded_field_keys for f in served["fields"])
    assert {f["name"] for f in recorded["fields"]} <= {f["name"] for f in served["fields"]}
    assert served["urls"]["describe"] == f"/services/data/v59.0/sobjects/{name}/describe"


def test_permission_objects_share_the_recorded_field_keys(org: LocalOrgHandle) -> None:
    keys = set(recorded_describe("Lead")["fields"][0])
    for name in ("User", "Profile", "PermissionSetAssignment", "ObjectPermissions", "FieldPermissions"):
        described = org.simple_salesforce().__getattr__(name).describe()
        assert set(described) == set(recorded_describe("Lead"))
        assert all(set(f) == keys for f in described["fields"])


def test_seed_custom_fields_are_described(org: LocalOrgHandle) -> None:
    fields = {f["name"]: f for f in org.simple_salesforce().Lead.describe()["fields"]}
    assert fields["Sfsync_Id__c"]["externalId"] and fields["Sfsync_Id__c"]["unique"]
    intent = fields["Sfsync_Intent__c"]
    assert intent["restrictedPicklist"]
    assert [p["value"] for p in intent["picklistValues"]] == ["High", "Medium", "Low", "None"]


def test_global_describe_lists_the_served_objects(org: LocalOrgHandle) -> None:
    described = org.simple_salesforce().describe()
    names = {s["name"] for s in described["sobjects"]}
    assert {"Account", "Contact", "Lead", "Opportunity", "User", "Organization"} <= names
    assert described["maxBatchSize"] == 200


def test_describe_if_modified_since_gives_304(org: LocalOrgHandle) -> None:
    headers = {"Authorization": f"Bearer {org.access_token}"}
    url = f"{org.instance_url}/services/data/v59.0/sobjects/Lead/describe"
    first = org.session().get(url, headers=headers)
    again = org.session().get(url, headers=headers | {"If-Modified-Since": first.headers["Last-Modified"]})
    assert (first.status_code, again.status_code) == (200, 304)
    older = org.session().get(url, headers=headers | {"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})
    assert older.status_code == 200


def test_unknown_object_is_not_found(org: LocalOrgHandle) -> None:
    with pytest.raises(SalesforceResourceNotFound) as caught:
        org.simple_salesforce().Nope__c.describe()
    assert caught.value.content[0]["errorCode"] == "NOT_FOUND"


def test_versions_list_and_limit_header(org: LocalOrgHandle) -> None:
    versions = org.session().get(f"{org.instance_url}/services/data").json()
    assert {"label": "Winter '24", "url": "/services/data/v59.0", "version": "59.0"} in versions
    newest = versions[-1]["version"]  # the newest version listed is the newest one accepted
    assert org.session().get(f"{org.instance_url}/services/data/v{newest}").status_code == 401
    next_major = f"{int(float(newest)) + 1}.0"
    assert org.session().get(f"{org.instance_url}/services/data/v{next_major}").status_code == 404
    sf = org.simple_salesforce()
    sf.limits()
    assert sf.api_usage["api-usage"].used >= 1


def test_organization_answers_what_connecting_clients_read(org: LocalOrgHandle) -> None:
    soql = (
        "SELECT Id, Name, OrganizationType, IsSandbox, InstanceName, NamespacePrefix, TrialExpirationDate, "
        "LanguageLocaleKey, DefaultLocaleSidKey, TimeZoneSidKey, FiscalYearStartMonth, IsReadOnly FROM Organization"
    )
    [row] = org.simple_salesforce().query(soql)["records"]
    assert row["Id"].startswith("00D") and row["OrganizationType"] == "Developer Edition"
    assert (row["IsSandbox"], row["TrialExpirationDate"], row["TimeZoneSidKey"]) == (False, None, "GMT")
    assert (row["LanguageLocaleKey"], row["FiscalYearStartMonth"], row["IsReadOnly"]) == ("en_US", 1, False)
