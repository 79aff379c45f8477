"""Record types behave as the recorded describes advertise them: queryable, checked, defaulted, read back."""

from __future__ import annotations

import pytest
from simple_salesforce.exceptions import SalesforceMalformedRequest

from sfsync.localorg.testing import LocalOrgHandle

pytestmark = pytest.mark.org

HOUSEHOLD = "01254000001upcKAAQ"  # the recorded Account describe's default record type
MASTER = "012000000000000AAA"


def test_record_types_are_queryable_as_the_describe_lists_them(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    infos = sf.Account.describe()["recordTypeInfos"]
    rows = sf.query("SELECT Id, DeveloperName, Name, SobjectType, IsActive FROM RecordType")["records"]
    found = [(r["Id"], r["DeveloperName"], r["Name"], r["SobjectType"], r["IsActive"]) for r in rows]
    expected = [(i["recordTypeId"], i["developerName"], i["name"], "Account", i["active"]) for i in infos]
    assert found == [e for e in expected if e[0] != MASTER]  # the master record type is no RecordType record
    restricted = org.simple_salesforce(as_user="restricted@acme.local")
    assert restricted.query("SELECT Id FROM RecordType WHERE SobjectType = 'Account'")["totalSize"] == 1


def test_a_create_without_a_record_type_takes_the_users_default(org: LocalOrgHandle) -> None:
    """REST, Collections and Bulk creates all get the default mapping, for every user (one describe here)."""
    sf = org.simple_salesforce()
    [default] = [i["recordTypeId"] for i in sf.Account.describe()["recordTypeInfos"] if i["defaultRecordTypeMapping"]]
    assert default == HOUSEHOLD
    made = [sf.Account.create({"Name": "Defaulted by REST"})["id"]]
    sales = org.simple_salesforce(as_user="ada@acme.local")
    body = {"allOrNone": True, "records": [{"attributes": {"type": "Account"}, "Name": "Defaulted in a collection"}]}
    made += [r["id"] for r in sales.restful("composite/sobjects", method="POST", json=body)]
    [job] = sf.bulk2.Account.insert(records=[{"Name": "Defaulted by Bulk"}])
    assert job["numberRecordsProcessed"] == 1 and job["numberRecordsFailed"] == 0
    soql = "SELECT Id, RecordTypeId, RecordType.DeveloperName FROM Account WHERE Name LIKE 'Defaulted %'"
    rows = sf.query(soql)["records"]
    assert {r["Id"] for r in rows} >= set(made) and len(rows) == 3
    assert {(r["RecordTypeId"], r["RecordType"]["DeveloperName"]) for r in rows} == {(HOUSEHOLD, "Household")}


def test_an_available_record_type_is_accepted_on_create_and_update(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    account = sf.Account.create({"Name": "Typed", "RecordTypeId": MASTER[:15]})["id"]
    assert sf.Account.get(account)["RecordTypeId"] == MASTER
    assert sf.Account.update(account, {"RecordTypeId": HOUSEHOLD}) == 204
    assert sf.Account.get(account)["RecordTypeId"] == HOUSEHOLD
    rows = sf.query(f"SELECT RecordType.DeveloperName FROM Account WHERE Id = '{account}'")["records"]  # noqa: S608
    assert rows[0]["RecordType"]["DeveloperName"] == "Household"


@pytest.mark.parametrize("other", ["unknown record type", "a lead's id"])
def test_any_other_record_type_is_an_invalid_cross_reference(org: LocalOrgHandle, other: str) -> None:
    sf = org.simple_salesforce()
    lead = sf.query("SELECT Id FROM Lead LIMIT 1")["records"][0]["Id"]
    record_type = "012000000000001AAA" if other == "unknown record type" else lead
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.Account.create({"Name": "Wrongly typed", "RecordTypeId": record_type})
    [error] = caught.value.content
    assert error["errorCode"] == "INVALID_CROSS_REFERENCE_KEY"
    assert error["message"].startswith("Record Type ID: this ID value isn't valid for the user: ")
    assert error["fields"] == ["RecordTypeId"]
    account = sf.Account.create({"Name": "Right first", "RecordTypeId": HOUSEHOLD})["id"]
    with pytest.raises(SalesforceMalformedRequest) as on_update:
        sf.Account.update(account, {"RecordTypeId": record_type})
    assert on_update.value.content[0]["errorCode"] == "INVALID_CROSS_REFERENCE_KEY"
    assert sf.Account.get(account)["RecordTypeId"] == HOUSEHOLD


def test_an_object_without_record_types_has_no_record_type_field(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.Lead.create({"LastName": "Typed", "Company": "X", "RecordTypeId": MASTER})
    assert caught.value.content[0]["errorCode"] == "INVALID_FIELD"
