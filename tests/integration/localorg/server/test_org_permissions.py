"""Profiles, permission sets and field-level security as a restricted user sees them."""

from __future__ import annotations

import pytest
from simple_salesforce.exceptions import SalesforceError, SalesforceResourceNotFound
from simple_salesforce.format import format_soql

from sfsync.localorg.testing import LocalOrgHandle

pytestmark = pytest.mark.org
RESTRICTED = "restricted@acme.local"


def test_describe_hides_and_locks_fields(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce(as_user=RESTRICTED)
    described = sf.Lead.describe()
    fields = {f["name"]: f for f in described["fields"]}
    assert "Phone" not in fields
    assert (fields["Website"]["createable"], fields["Website"]["updateable"]) == (False, False)
    assert fields["Email"]["updateable"] is True
    assert described["createable"] is False and described["deletable"] is False and described["updateable"] is True


def test_objects_without_read_are_invisible(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce(as_user=RESTRICTED)
    assert "Opportunity" not in {s["name"] for s in sf.describe()["sobjects"]}
    with pytest.raises(SalesforceResourceNotFound):
        sf.Opportunity.describe()
    with pytest.raises(SalesforceError) as caught:
        sf.query("SELECT Id FROM Opportunity")
    assert caught.value.content[0]["errorCode"] == "INVALID_TYPE"


def test_hidden_field_is_absent_from_records_and_queries(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce(as_user=RESTRICTED)
    lead = sf.query("SELECT Id FROM Lead LIMIT 1")["records"][0]["Id"]
    assert "Phone" not in sf.Lead.get(lead)
    with pytest.raises(SalesforceError) as caught:
        sf.query("SELECT Phone FROM Lead")
    assert caught.value.content[0]["errorCode"] == "INVALID_FIELD"


def test_dml_is_enforced(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce(as_user=RESTRICTED)
    lead = sf.query("SELECT Id FROM Lead WHERE IsConverted = false LIMIT 1")["records"][0]["Id"]
    with pytest.raises(SalesforceError) as caught:
        sf.Lead.update(lead, {"Website": "https://x.example"})
    assert (caught.value.status, caught.value.content[0]["errorCode"]) == (400, "INVALID_FIELD_FOR_INSERT_UPDATE")
    assert caught.value.content[0]["fields"] == ["Website"]
    with pytest.raises(SalesforceError) as caught:
        sf.Lead.update(lead, {"Phone": "1"})
    assert caught.value.content[0]["errorCode"] == "INVALID_FIELD"
    with pytest.raises(SalesforceError) as caught:
        sf.Account.create({"Name": "Nope"})
    assert (caught.value.status, caught.value.content[0]["errorCode"]) == (400, "INSUFFICIENT_ACCESS_OR_READONLY")
    assert sf.Lead.update(lead, {"Title": "Allowed"}) == 204


def test_permission_queries_are_answered_from_the_model(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    me = sf.query(format_soql("SELECT Id, ProfileId FROM User WHERE Username = {}", RESTRICTED))["records"][0]
    soql = "SELECT PermissionsApiEnabled, PermissionsViewAllData FROM Profile WHERE Id = {}"
    profile = sf.query(format_soql(soql, me["ProfileId"]))["records"][0]
    assert (profile["PermissionsApiEnabled"], profile["PermissionsViewAllData"]) == (True, False)
    soql = (
        "SELECT PermissionSet.Name, PermissionSet.IsOwnedByProfile FROM PermissionSetAssignment WHERE AssigneeId = {}"
    )
    assigned = sf.query(format_soql(soql, me["Id"]))["records"]
    assert [a["PermissionSet"]["IsOwnedByProfile"] for a in assigned] == [True]
    mine = "ParentId IN (SELECT PermissionSetId FROM PermissionSetAssignment WHERE AssigneeId = {})"
    soql = "SELECT SobjectType, PermissionsRead, PermissionsCreate, PermissionsEdit FROM ObjectPermissions WHERE "
    objects = sf.query(format_soql(soql + mine, me["Id"]))["records"]
    by_type = {o["SobjectType"]: (o["PermissionsRead"], o["PermissionsCreate"], o["PermissionsEdit"]) for o in objects}
    assert by_type == {"Lead": (True, False, True), "Contact": (True, False, False), "Account": (True, False, False)}
    soql = "SELECT Field, PermissionsEdit FROM FieldPermissions WHERE SobjectType = 'Lead' AND "
    fields = sf.query(format_soql(soql + mine, me["Id"]))["records"]
    levels = {f["Field"]: f["PermissionsEdit"] for f in fields}
    assert levels["Lead.Website"] is False and levels["Lead.Email"] is True and "Lead.Phone" not in levels
