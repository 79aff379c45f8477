"""Setup's view of duplicate management: DuplicateRule rows over SOQL and the UI API's duplicates configuration."""

from __future__ import annotations

from typing import Any

import pytest
from simple_salesforce.exceptions import SalesforceError

from sfsync.localorg.testing import LocalOrgHandle

pytestmark = pytest.mark.org

RULES = "SELECT DeveloperName, MasterLabel, SobjectType, IsActive FROM DuplicateRule ORDER BY DeveloperName"
INACTIVE_ACCOUNT = {"object": "Account", "name": "Account_By_Website", "field": "Website", "active": False}


def _rows(sf: Any) -> list[tuple[str, str, str, bool]]:
    return [(r["DeveloperName"], r["MasterLabel"], r["SobjectType"], r["IsActive"]) for r in sf.query(RULES)["records"]]


def test_the_seeded_rules_are_rows_and_follow_the_control_api(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    assert _rows(sf) == [
        ("Standard_Contact_Duplicate_Rule", "Standard Contact Duplicate Rule", "Contact", True),
        ("Standard_Lead_Duplicate_Rule", "Standard Lead Duplicate Rule", "Lead", True),
    ]
    org.control("duplicate-rules", "PUT", [INACTIVE_ACCOUNT])
    assert _rows(sf) == [("Account_By_Website", "Account By Website", "Account", False)]
    org.reset()
    assert [row[0] for row in _rows(sf)] == ["Standard_Contact_Duplicate_Rule", "Standard_Lead_Duplicate_Rule"]


def test_an_inactive_rule_refuses_nothing(org: LocalOrgHandle) -> None:
    org.control("duplicate-rules", "PUT", [{**INACTIVE_ACCOUNT, "action": "block"}])
    sf = org.simple_salesforce()
    sf.Account.create({"Name": "One", "Website": "https://same.example"})
    assert sf.Account.create({"Name": "Two", "Website": "https://same.example"})["success"]


def test_duplicate_rules_are_read_only_and_need_view_setup(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    describe = sf.DuplicateRule.describe()
    assert (describe["keyPrefix"], describe["createable"], describe["updateable"]) == ("0Bm", False, False)
    assert {"DeveloperName", "MasterLabel", "SobjectType", "IsActive", "NamespacePrefix"} <= {
        f["name"] for f in describe["fields"]
    }
    with pytest.raises(SalesforceError) as refused:
        sf.DuplicateRule.create({"DeveloperName": "Mine", "SobjectType": "Lead"})
    assert refused.value.content[0]["errorCode"] == "INSUFFICIENT_ACCESS_OR_READONLY"  # as for the other setup objects
    restricted = org.simple_salesforce(as_user="restricted@acme.local")  # a profile without View Setup
    with pytest.raises(SalesforceError) as hidden:
        restricted.query(RULES)
    assert hidden.value.content[0]["errorCode"] == "INVALID_TYPE"


def test_the_ui_api_says_which_rules_block_on_create(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    lead = sf.restful("ui-api/duplicates/Lead")
    assert (lead["apiName"], lead["dedupeEnabled"], lead["dedupeFields"]) == ("Lead", True, ["Email"])
    (rule,) = lead["duplicateRules"]
    assert (rule["name"], rule["actionOnInsert"], rule["operationsOnInsert"]) == (
        "Standard_Lead_Duplicate_Rule", "Allow", ["Alert", "Report"],
    )  # fmt: skip
    assert rule["matchRules"][0]["matchFields"] == ["Email"]
    assert sf.restful("ui-api/duplicates/Contact")["duplicateRules"][0]["actionOnInsert"] == "Block"
    account = sf.restful("ui-api/duplicates/Account")
    assert (account["dedupeEnabled"], account["duplicateRules"]) == (False, [])
    org.control("duplicate-rules", "PUT", [INACTIVE_ACCOUNT])
    assert sf.restful("ui-api/duplicates/Account")["duplicateRules"] == []  # only active rules are listed


def test_the_ui_api_refuses_what_it_does_not_serve(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    with pytest.raises(SalesforceError) as unknown:
        sf.restful("ui-api/duplicates/Nope__c")
    assert unknown.value.content[0]["errorCode"] == "INVALID_TYPE"
    with pytest.raises(SalesforceError) as old:
        org.simple_salesforce(version="49.0").restful("ui-api/duplicates/Lead")
    assert old.value.status == 404
    with pytest.raises(SalesforceError) as other:
        sf.restful("ui-api/object-info/Lead")
    assert other.value.status == 404
