"""SOAP `merge()` over HTTPS, posted as a real client posts it (simple-salesforce has no merge call)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest
import requests
from simple_salesforce.format import format_soql

from sfsync.localorg.testing import LocalOrgHandle

pytestmark = pytest.mark.org

PARTNER = "urn:partner.soap.sforce.com"


def _envelope(session: str, requests_xml: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:urn="urn:partner.soap.sforce.com" xmlns:urn1="urn:sobject.partner.soap.sforce.com">'
        f"<soapenv:Header><urn:SessionHeader><urn:sessionId>{session}</urn:sessionId></urn:SessionHeader>"
        f"</soapenv:Header><soapenv:Body><urn:merge>{requests_xml}</urn:merge></soapenv:Body></soapenv:Envelope>"
    )


def _request(sobject: str, master: str, victims: list[str], fields: str = "") -> str:
    ids = "".join(f"<urn:recordToMergeIds>{v}</urn:recordToMergeIds>" for v in victims)
    return (
        f"<urn:request><urn:masterRecord><urn1:type>{sobject}</urn1:type><urn1:Id>{master}</urn1:Id>{fields}"
        f"</urn:masterRecord>{ids}</urn:request>"
    )


def _post(org: LocalOrgHandle, body: str) -> requests.Response:
    session = org.session()
    headers = {"Content-Type": "text/xml; charset=UTF-8", "SOAPAction": "merge"}
    return session.post(f"{org.instance_url}/services/Soap/u/{org.api_version}", data=body, headers=headers)


def _results(response: requests.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    root = ET.fromstring(response.text)  # noqa: S314 - the local org's own answer
    results = []
    for result in root.iter(f"{{{PARTNER}}}result"):
        item: dict[str, Any] = {"mergedRecordIds": [], "updatedRelatedIds": [], "errors": []}
        for child in result:
            name = child.tag.rpartition("}")[2]
            if name in ("mergedRecordIds", "updatedRelatedIds"):
                item[name].append(child.text)
            elif name == "errors":
                item["errors"].append({c.tag.rpartition("}")[2]: c.text for c in child})
            else:
                item[name] = child.text
        results.append(item)
    return results


def _fault(response: requests.Response) -> str:
    assert response.status_code == 500, response.text
    code = ET.fromstring(response.text).find(".//faultcode")  # noqa: S314 - the local org's own answer
    assert code is not None and code.text
    return code.text


def _create(org: LocalOrgHandle, sobject: str, **values: Any) -> str:
    result = org.control(f"records/{sobject}", "POST", {"as": "ada@acme.local", "values": values})
    assert result["success"], result
    return str(result["id"])


def test_merging_contacts_deletes_the_victims_with_their_master_and_moves_their_opportunities(
    org: LocalOrgHandle,
) -> None:
    account = _create(org, "Account", Name="Acme")
    master = _create(org, "Contact", LastName="Hopper", Email="kay@navy.example", AccountId=account)
    victim = _create(org, "Contact", LastName="Hopper", Email="k.hopper@navy.example", Title="Admiral")
    deal = _create(org, "Opportunity", Name="Deal", StageName="Prospecting", CloseDate="2026-06-01", ContactId=victim)
    body = _envelope(org.access_token, _request("Contact", master, [victim], "<Title>Rear Admiral</Title>"))
    (result,) = _results(_post(org, body))
    assert (result["id"], result["success"], result["mergedRecordIds"]) == (master, "true", [victim])
    assert result["updatedRelatedIds"] == [deal] and result["errors"] == []
    sf = org.simple_salesforce()
    soql = format_soql(
        "SELECT Id, IsDeleted, MasterRecordId, Title, LastModifiedById FROM Contact WHERE Id IN {}", [master, victim]
    )
    rows = sf.query_all(soql, include_deleted=True)["records"]
    by_id = {row["Id"]: row for row in rows}
    integration = sf.query("SELECT Id FROM User WHERE Username = 'integration@acme.local'")["records"][0]["Id"]
    assert by_id[victim]["IsDeleted"] is True and by_id[victim]["MasterRecordId"] == master
    assert by_id[victim]["Title"] == "Admiral"  # a victim keeps its own values
    assert (by_id[master]["IsDeleted"], by_id[master]["MasterRecordId"]) == (False, None)
    assert by_id[master]["Title"] == "Rear Admiral"  # the request's value, set on the master
    assert {by_id[master]["LastModifiedById"], by_id[victim]["LastModifiedById"]} == {integration}
    assert sf.Opportunity.get(deal)["ContactId"] == master
    assert sf.query(format_soql("SELECT Id FROM Contact WHERE Id = {}", victim))["totalSize"] == 0
    assert org.control("calls")["soap.merge"] == 1


def test_merging_accounts_moves_their_contacts_and_opportunities(org: LocalOrgHandle) -> None:
    master, victim = _create(org, "Account", Name="Acme"), _create(org, "Account", Name="Acme Inc")
    person = _create(org, "Contact", LastName="Lovelace", AccountId=victim)
    deal = _create(org, "Opportunity", Name="Deal", StageName="Prospecting", CloseDate="2026-06-01", AccountId=victim)
    (result,) = _results(_post(org, _envelope(org.access_token, _request("Account", master, [victim]))))
    assert result["success"] == "true" and sorted(result["updatedRelatedIds"]) == sorted([person, deal])
    sf = org.simple_salesforce()
    assert sf.Contact.get(person)["AccountId"] == master
    assert sf.Opportunity.get(deal)["AccountId"] == master


def test_at_most_three_records_merge_in_one_request(org: LocalOrgHandle) -> None:
    ids = [_create(org, "Lead", LastName=f"L{n}", Company="Acme") for n in range(4)]
    two = _request("Lead", ids[0], ids[1:3])
    three = _request("Lead", ids[3], ids[0:3])
    first, second = _results(_post(org, _envelope(org.access_token, two + three)))
    assert first["success"] == "true" and first["mergedRecordIds"] == ids[1:3]
    assert second["success"] == "false" and second["errors"][0]["statusCode"] == "LIMIT_EXCEEDED"
    sf = org.simple_salesforce()
    assert sf.Lead.get(ids[3])["IsDeleted"] is False


def test_records_of_another_object_are_refused_with_nothing_merged(org: LocalOrgHandle) -> None:
    contact = _create(org, "Contact", LastName="Hopper")
    lead = _create(org, "Lead", LastName="Hopper", Company="Navy")
    (result,) = _results(_post(org, _envelope(org.access_token, _request("Contact", contact, [lead]))))
    assert result["success"] == "false" and result["errors"][0]["statusCode"] == "INVALID_ID_FIELD"
    assert org.simple_salesforce().Lead.get(lead)["IsDeleted"] is False


def test_an_object_that_does_not_merge_is_the_real_fault(org: LocalOrgHandle) -> None:
    account = _create(org, "Account", Name="Acme")
    deals = [
        _create(org, "Opportunity", Name=f"D{n}", StageName="Prospecting", CloseDate="2026-06-01", AccountId=account)
        for n in range(2)
    ]
    response = _post(org, _envelope(org.access_token, _request("Opportunity", deals[0], deals[1:])))
    assert _fault(response) == "sf:INVALID_TYPE_FOR_OPERATION"
    assert "entity type does not support merge" in response.text


def test_a_merge_without_a_valid_session_is_refused(org: LocalOrgHandle) -> None:
    contacts = [_create(org, "Contact", LastName=f"C{n}") for n in range(2)]
    response = _post(org, _envelope("00Dnot-a-session", _request("Contact", contacts[0], contacts[1:])))
    assert _fault(response) == "sf:INVALID_SESSION_ID"
    assert org.simple_salesforce().Contact.get(contacts[1])["IsDeleted"] is False


def test_a_user_without_delete_cannot_merge(org: LocalOrgHandle) -> None:
    leads = [_create(org, "Lead", LastName=f"L{n}", Company="Acme") for n in range(2)]
    token = org.control("sessions", "POST", {"as": "restricted@acme.local"})["access_token"]
    (result,) = _results(_post(org, _envelope(token, _request("Lead", leads[0], leads[1:]))))
    assert result["errors"][0]["statusCode"] == "INSUFFICIENT_ACCESS_OR_READONLY"


def test_the_control_api_merges_as_a_given_user(org: LocalOrgHandle) -> None:
    master, victim = _create(org, "Contact", LastName="A"), _create(org, "Contact", LastName="B")
    result = org.control(f"records/Contact/{master}/merge", "POST", {"as": "ada@acme.local", "records": [victim]})
    assert (result["success"], result["mergedRecordIds"]) == (True, [victim])
    sf = org.simple_salesforce()
    ada = sf.query("SELECT Id FROM User WHERE Username = 'ada@acme.local'")["records"][0]["Id"]
    soql = format_soql("SELECT MasterRecordId, LastModifiedById FROM Contact WHERE Id = {}", victim)
    row = sf.query_all(soql, include_deleted=True)["records"][0]
    assert (row["MasterRecordId"], row["LastModifiedById"]) == (master, ada)
    assert "soap.merge" not in org.control("calls")  # the control API is no API call
