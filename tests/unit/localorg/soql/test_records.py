"""Record shapes: attributes, nested parents, null lookups, compound addresses, value types."""

from __future__ import annotations

from typing import Any

from sfsync.localorg.soql import QueryService

from .conftest import Access, Org


def _records(service: QueryService, access: Access, soql: str) -> list[dict[str, Any]]:
    return service.query(soql, access=access, api_version="59.0").records


def test_record_has_attributes_and_values_typed_as_salesforce_returns_them(
    org: Org, service: QueryService, access: Access
) -> None:
    lead = org.insert(
        "Lead", LastName="Doe", Company="X", NumberOfEmployees=5, AnnualRevenue=10.0, IsConverted=0,
        CreatedDate="2022-03-17T16:21:26.000+0000", ConvertedDate="2024-01-31",
    )  # fmt: skip
    soql = "select id, lastname, NumberOfEmployees, AnnualRevenue, IsConverted, CreatedDate, ConvertedDate from lead"
    assert _records(service, access, soql) == [
        {
            "attributes": {"type": "Lead", "url": f"/services/data/v59.0/sobjects/Lead/{lead}"},
            "Id": lead,
            "LastName": "Doe",
            "NumberOfEmployees": 5,
            "AnnualRevenue": 10.0,
            "IsConverted": False,
            "CreatedDate": "2022-03-17T16:21:26.000+0000",
            "ConvertedDate": "2024-01-31",
        }
    ]


def test_parent_fields_nest_under_the_relationship_and_a_null_lookup_is_null(
    org: Org, service: QueryService, access: Access
) -> None:
    owner = org.insert("User", Name="Ann Admin")
    account = org.insert("Account", Name="Acme", OwnerId=owner)
    with_account = org.insert("Contact", LastName="A", AccountId=account)
    org.insert("Contact", LastName="B")
    soql = "SELECT LastName, Account.Name, Account.Owner.Name FROM Contact ORDER BY LastName"
    first, second = _records(service, access, soql)
    assert first["Account"] == {
        "attributes": {"type": "Account", "url": f"/services/data/v59.0/sobjects/Account/{account}"},
        "Name": "Acme",
        "Owner": {
            "attributes": {"type": "User", "url": f"/services/data/v59.0/sobjects/User/{owner}"},
            "Name": "Ann Admin",
        },
    }
    assert first["attributes"]["url"].endswith(with_account)
    assert second["Account"] is None


def test_converted_contact_relationship_on_lead(org: Org, service: QueryService, access: Access) -> None:
    contact = org.insert("Contact", LastName="C", Email="c@x.com")
    org.insert("Lead", LastName="L", Company="X", IsConverted=1, ConvertedContactId=contact)
    (record,) = _records(service, access, "SELECT ConvertedContact.Email FROM Lead")
    assert record["ConvertedContact"]["Email"] == "c@x.com"


def test_address_is_assembled_from_its_components_and_null_when_empty(
    org: Org, service: QueryService, access: Access
) -> None:
    org.insert("Account", Name="A", BillingStreet="1 Main St", BillingCity="Paris", BillingLatitude=48.8)
    org.insert("Account", Name="B")
    first, second = _records(service, access, "SELECT BillingAddress FROM Account ORDER BY Name")
    assert first["BillingAddress"] == {
        "city": "Paris",
        "country": None,
        "geocodeAccuracy": None,
        "latitude": 48.8,
        "longitude": None,
        "postalCode": None,
        "state": None,
        "street": "1 Main St",
    }
    assert second["BillingAddress"] is None


def test_child_subquery_nests_a_result_or_null(org: Org, service: QueryService, access: Access) -> None:
    acme = org.insert("Account", Name="Acme")
    org.insert("Account", Name="Empty")
    org.insert("Contact", LastName="Z", AccountId=acme)
    org.insert("Contact", LastName="Y", AccountId=acme)
    soql = "SELECT Name, (SELECT LastName FROM Contacts ORDER BY LastName) FROM Account ORDER BY Name"
    first, second = _records(service, access, soql)
    assert first["Contacts"]["totalSize"] == 2
    assert first["Contacts"]["done"] is True
    assert [c["LastName"] for c in first["Contacts"]["records"]] == ["Y", "Z"]
    assert first["Contacts"]["records"][0]["attributes"]["type"] == "Contact"
    assert second["Contacts"] is None


def test_fields_standard_selects_readable_standard_fields_in_describe_order(
    org: Org, service: QueryService, catalog: Any
) -> None:
    org.insert("Lead", LastName="Doe", Company="X", Sfsync_Id__c="k1")
    hidden = Access(catalog, hidden_fields={"Lead": frozenset({"Email"})})
    (record,) = _records(service, hidden, "SELECT FIELDS(STANDARD) FROM Lead")
    assert list(record)[:4] == ["attributes", "Id", "IsDeleted", "MasterRecordId"]
    assert "Email" not in record
    assert "Sfsync_Id__c" not in record
    assert record["Address"] is None


def test_fields_all_includes_custom_fields(org: Org, service: QueryService, access: Access) -> None:
    org.insert("Lead", LastName="Doe", Company="X", Sfsync_Id__c="k1")
    (record,) = _records(service, access, "SELECT FIELDS(ALL) FROM Lead LIMIT 200")
    assert record["Sfsync_Id__c"] == "k1"
    assert record["LastName"] == "Doe"


def test_keys_follow_the_select_order(org: Org, service: QueryService, access: Access) -> None:
    account = org.insert("Account", Name="Acme", Industry="Retail")
    org.insert("Contact", LastName="A", AccountId=account)
    (record,) = _records(service, access, "SELECT Account.Name, LastName, Account.Industry FROM Contact")
    assert list(record) == ["attributes", "Account", "LastName"]
    assert list(record["Account"]) == ["attributes", "Name", "Industry"]
    (parent,) = _records(service, access, "SELECT Name, (SELECT LastName FROM Contacts), Industry FROM Account")
    assert list(parent) == ["attributes", "Name", "Contacts", "Industry"]
