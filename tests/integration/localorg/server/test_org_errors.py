"""Each error of a real org, provoked through simple-salesforce and asserted by code and HTTP status."""

from __future__ import annotations

from typing import Any

import pytest
from simple_salesforce.exceptions import SalesforceError

from sfsync.localorg.ids import make_id
from sfsync.localorg.testing import LocalOrgHandle

pytestmark = pytest.mark.org
ALLOW_SAVE = {"Sforce-Duplicate-Rule-Header": "allowSave=true"}


def _error(call: Any) -> tuple[int, dict[str, Any]]:
    with pytest.raises(SalesforceError) as caught:
        call()
    return caught.value.status, caught.value.content[0]


def test_invalid_field(org: LocalOrgHandle) -> None:
    status, error = _error(lambda: org.simple_salesforce().Lead.create({"LastName": "A", "Company": "B", "Foo__c": 1}))
    assert (status, error["errorCode"]) == (400, "INVALID_FIELD")
    assert error["message"] == "No such column 'Foo__c' on sobject of type Lead"


def test_required_field_missing(org: LocalOrgHandle) -> None:
    status, error = _error(lambda: org.simple_salesforce().Lead.create({"FirstName": "A"}))
    assert (status, error["errorCode"], error["fields"]) == (400, "REQUIRED_FIELD_MISSING", ["LastName", "Company"])
    assert error["message"] == "Required fields are missing: [LastName, Company]"


def test_string_too_long(org: LocalOrgHandle) -> None:
    status, error = _error(lambda: org.simple_salesforce().Lead.create({"LastName": "A" * 81, "Company": "B"}))
    assert (status, error["errorCode"], error["fields"]) == (400, "STRING_TOO_LONG", ["LastName"])
    assert error["message"] == f"Last Name: data value too large: {'A' * 81} (max length=80)"


def test_invalid_email_address(org: LocalOrgHandle) -> None:
    status, error = _error(
        lambda: org.simple_salesforce().Contact.create({"LastName": "A", "Email": "Not a real email address"})
    )
    assert (status, error["errorCode"], error["fields"]) == (400, "INVALID_EMAIL_ADDRESS", ["Email"])
    assert error["message"] == "Email: invalid email address: Not a real email address"


def test_restricted_picklist(org: LocalOrgHandle) -> None:
    status, error = _error(
        lambda: org.simple_salesforce().Lead.create({"LastName": "A", "Company": "B", "Sfsync_Intent__c": "Huge"})
    )
    assert (status, error["errorCode"]) == (400, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST")
    assert error["message"] == "Sfsync Intent: bad value for restricted picklist field: Huge"


def test_invalid_cross_reference_key(org: LocalOrgHandle) -> None:
    status, error = _error(
        lambda: org.simple_salesforce().Contact.create({"LastName": "A", "AccountId": "0015g0000009999AAA"})
    )
    assert (status, error["errorCode"], error["fields"]) == (400, "INVALID_CROSS_REFERENCE_KEY", ["AccountId"])


def test_duplicate_value_on_a_unique_field(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    first = sf.Account.create({"Name": "One", "Sfsync_Id__c": "dup-1"})
    status, error = _error(lambda: sf.Account.create({"Name": "Two", "Sfsync_Id__c": "DUP-1"}))
    assert (status, error["errorCode"]) == (400, "DUPLICATE_VALUE")
    assert (
        error["message"]
        == f"duplicate value found: Sfsync_Id__c duplicates value on record with id: {first['id'][:15]}"
    )


def test_blocking_duplicate_rule_ignores_allow_save(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    status, error = _error(
        lambda: sf.Contact.create({"LastName": "Dup", "Email": "GRACE@acme.example"}, headers=ALLOW_SAVE)
    )
    assert (status, error["errorCode"], error["message"]) == (400, "DUPLICATES_DETECTED", "Use one of these records?")
    result = error["duplicateResut"]
    assert result["allowSave"] is False and result["duplicateRule"] == "Standard_Contact_Duplicate_Rule"
    match = result["matchResults"][0]["matchRecords"][0]["record"]
    assert match["attributes"]["type"] == "Contact"


def test_alert_duplicate_rule_saves_with_allow_save(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    lead = {"LastName": "Dup", "Company": "X", "Email": "alan@bletchley.example"}
    status, error = _error(lambda: sf.Lead.create(lead))
    assert (status, error["errorCode"], error["duplicateResut"]["allowSave"]) == (400, "DUPLICATES_DETECTED", True)
    assert sf.Lead.create(lead, headers=ALLOW_SAVE)["success"] is True


def test_cannot_update_converted_lead(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    converted = sf.query("SELECT Id FROM Lead WHERE IsConverted = true")["records"][0]["Id"]
    status, error = _error(lambda: sf.Lead.update(converted, {"Title": "X"}))
    assert (status, error["errorCode"], error["message"]) == (
        400,
        "CANNOT_UPDATE_CONVERTED_LEAD",
        "cannot reference converted lead",
    )


def test_invalid_field_for_insert_update(org: LocalOrgHandle) -> None:
    status, error = _error(lambda: org.simple_salesforce().Lead.create({"LastName": "A", "Company": "B", "Name": "X"}))
    assert (status, error["errorCode"], error["fields"]) == (400, "INVALID_FIELD_FOR_INSERT_UPDATE", ["Name"])
    assert error["message"].startswith("Unable to create/update fields: Name. Please check the security settings")


def test_malformed_id_and_not_found(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    status, error = _error(lambda: sf.Lead.update("00Qbad", {"Title": "X"}))
    assert (status, error["errorCode"], error["message"]) == (400, "MALFORMED_ID", "malformed id 00Qbad")
    status, error = _error(lambda: sf.Lead.delete(make_id("00Q", 999_999)))
    assert (status, error["errorCode"], error["message"]) == (404, "NOT_FOUND", "The requested resource does not exist")


def test_entity_is_deleted(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    created = sf.Account.create({"Name": "Temp"})["id"]
    sf.Account.delete(created)
    status, error = _error(lambda: sf.Account.update(created, {"Name": "Again"}))
    assert (status, error["errorCode"], error["message"]) == (404, "ENTITY_IS_DELETED", "entity is deleted")


def test_json_parser_error(org: LocalOrgHandle) -> None:
    response = org.session().post(
        f"{org.instance_url}/services/data/v59.0/sobjects/Lead",
        data="{not json",
        headers={"Authorization": f"Bearer {org.access_token}", "Content-Type": "application/json"},
    )
    assert (response.status_code, response.json()[0]["errorCode"]) == (400, "JSON_PARSER_ERROR")


def test_soql_errors_pass_through(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    status, error = _error(lambda: sf.query("SELECT Id, Foo FROM Lead"))
    assert (status, error["errorCode"]) == (400, "INVALID_FIELD")
    status, error = _error(lambda: sf.query("SELECT Id FROM Nope__c"))
    assert (status, error["errorCode"]) == (400, "INVALID_TYPE")
    status, error = _error(lambda: sf.query("SELECT Id, From Account"))
    assert (status, error["errorCode"]) == (400, "MALFORMED_QUERY")


def test_request_limit_exceeded(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    used = org.control("calls")["api_usage"]
    org.control("api-limit", "PUT", {"max": used + 1})
    sf.query("SELECT COUNT() FROM Lead")
    status, error = _error(lambda: sf.query("SELECT COUNT() FROM Lead"))
    assert (status, error["errorCode"], error["message"]) == (
        403,
        "REQUEST_LIMIT_EXCEEDED",
        "TotalRequests Limit exceeded.",
    )
    assert sf.api_usage["api-usage"].used == used + 1
