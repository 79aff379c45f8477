"""Duplicate rules over several fields and across objects, set through the control API."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from simple_salesforce.exceptions import SalesforceError

from sfsync.localorg.testing import LocalOrgHandle

pytestmark = pytest.mark.org

FUZZY_LEAD = {
    "object": "Lead", "name": "Fuzzy_Lead_Rule", "fields": ["LastName", "Company"], "action": "block",
    "message": "You're creating a duplicate lead.",
}  # fmt: skip
CONTACT_VS_LEAD = {"object": "Contact", "name": "Contact_vs_Lead", "field": "Email", "compare_with": "Lead"}


def _error(call: Any) -> dict[str, Any]:
    with pytest.raises(SalesforceError) as caught:
        call()
    assert caught.value.status == 400
    error: dict[str, Any] = caught.value.content[0]
    return error


def test_a_rule_over_several_fields_matches_trimmed_and_case_insensitively(org: LocalOrgHandle) -> None:
    org.control("duplicate-rules", "PUT", [FUZZY_LEAD])
    sf = org.simple_salesforce()
    first = sf.Lead.create({"LastName": "Lovelace", "Company": "Analytical", "Email": "ada@one.example"})["id"]
    twin = {"LastName": " lovelace ", "Company": "ANALYTICAL", "Email": "x@two.example"}
    error = _error(lambda: sf.Lead.create(twin))
    assert (error["errorCode"], error["message"]) == ("DUPLICATES_DETECTED", "You're creating a duplicate lead.")
    match = error["duplicateResut"]["matchResults"][0]
    assert match["entityType"] == "Lead" and [r["record"]["Id"] for r in match["matchRecords"]] == [first]
    # one field differing, or one blank, is no match
    assert sf.Lead.create({"LastName": "Lovelace", "Company": "Other", "Email": "y@two.example"})["success"]
    assert sf.Lead.create({"LastName": "Byron", "Company": "Analytical"})["success"]


def test_a_contact_rule_compares_with_leads(org: LocalOrgHandle) -> None:
    org.control("duplicate-rules", "PUT", [CONTACT_VS_LEAD])
    sf = org.simple_salesforce()
    lead = sf.Lead.create({"LastName": "Noether", "Company": "Erlangen", "Email": "emmy@erlangen.example"})["id"]
    error = _error(lambda: sf.Contact.create({"LastName": "Noether", "Email": "EMMY@erlangen.example"}))
    result = error["duplicateResut"]
    assert (result["duplicateRuleEntityType"], result["matchResults"][0]["entityType"]) == ("Contact", "Lead")
    assert result["matchResults"][0]["matchRecords"][0]["record"] == {
        "attributes": {"type": "Lead", "url": f"/services/data/v59.0/sobjects/Lead/{lead}"},
        "Id": lead,
    }


def test_on_edit_a_rule_runs_only_when_one_of_its_fields_changes(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    first = sf.Lead.create({"LastName": "Curie", "Company": "Radium"})["id"]
    second = sf.Lead.create({"LastName": "Curie", "Company": "Polonium"})["id"]
    org.control("duplicate-rules", "PUT", [FUZZY_LEAD])
    sf.Lead.update(second, {"Title": "Chemist"})  # no rule field changes: saved
    error = _error(lambda: sf.Lead.update(second, {"Company": "radium"}))
    assert error["duplicateResut"]["matchResults"][0]["matchRecords"][0]["record"]["Id"] == first


def test_reset_restores_the_seeded_rules_and_a_bad_rule_is_refused(org: LocalOrgHandle) -> None:
    seeded = org.control("duplicate-rules")
    org.control("duplicate-rules", "PUT", [FUZZY_LEAD])
    with pytest.raises(requests.HTTPError) as caught:
        org.control("duplicate-rules", "PUT", [{"object": "Lead", "name": "Bad", "fields": ["Nope__c"]}])
    assert caught.value.response.json() == {"error": "duplicate rule Bad: no field Nope__c on Lead"}
    org.reset()
    assert org.control("duplicate-rules") == seeded
    assert [r["fields"] for r in seeded] == [["Email"], ["Email"]]
