"""Polymorphic relationships (Task.Who and What, EmailMessageRelation.Relation, Lead.Owner) read as
Salesforce's `Name` object, whichever object the id names, over REST and Bulk (simple-salesforce)."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from simple_salesforce.exceptions import SalesforceMalformedRequest

from sfsync.localorg.testing import LocalOrgHandle

pytestmark = pytest.mark.org


@pytest.fixture
def sf(org: LocalOrgHandle) -> Any:
    org.reset()
    yield org.simple_salesforce()
    org.reset()


def _first(sf: Any, soql: str) -> str:
    return str(sf.query(soql)["records"][0]["Id"])


def test_who_and_what_read_as_name_whichever_object_they_point_at(sf: Any) -> None:
    contact = _first(sf, "SELECT Id FROM Contact WHERE LastName = 'Hopper'")
    lead = _first(sf, "SELECT Id FROM Lead WHERE IsConverted = false AND FirstName = 'Alan'")
    account = _first(sf, "SELECT Id FROM Account WHERE Name = 'Acme Corp'")
    sf.Task.create({"Subject": "Poly contact", "WhoId": contact, "WhatId": account})
    sf.Task.create({"Subject": "Poly lead", "WhoId": lead})
    soql = "SELECT Subject, Who.Name, Who.Type, Who.FirstName, Who.Email, What.Name, What.Type FROM Task"
    rows = sf.query(f"{soql} WHERE Subject LIKE 'Poly %' ORDER BY Subject")["records"]
    on_contact, on_lead = rows
    url = f"/services/data/v{sf.sf_version}/sobjects/Contact/{contact}"  # the Name's url names the real object
    assert on_contact["Who"]["attributes"] == {"type": "Name", "url": url}
    assert (on_contact["Who"]["Name"], on_contact["Who"]["Type"], on_contact["Who"]["FirstName"]) == (
        "Grace Hopper",
        "Contact",
        "Grace",
    )
    assert on_contact["Who"]["Email"] is None  # the Name object's Email is a user's only
    assert (on_contact["What"]["Name"], on_contact["What"]["Type"]) == ("Acme Corp", "Account")
    assert on_lead["Who"]["attributes"]["url"].endswith(f"/sobjects/Lead/{lead}")
    assert (on_lead["Who"]["Name"], on_lead["Who"]["Type"], on_lead["What"]) == ("Alan Turing", "Lead", None)
    leads_only = sf.query("SELECT Subject FROM Task WHERE Who.Type = 'Lead' AND Subject LIKE 'Poly %'")["records"]
    assert [r["Subject"] for r in leads_only] == ["Poly lead"]


def test_a_field_the_name_object_lacks_is_an_invalid_field(sf: Any) -> None:
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.query("SELECT Who.Company FROM Task")
    [error] = caught.value.content
    assert error["errorCode"] == "INVALID_FIELD" and "No such column 'Company' on entity 'Name'" in error["message"]


def test_an_email_relation_and_a_lead_owner_read_as_name(sf: Any, org: LocalOrgHandle) -> None:
    lead = _first(sf, "SELECT Id FROM Lead WHERE IsConverted = false AND FirstName = 'Alan'")
    values = {"Subject": "Poly mail", "Status": "3", "FromAddress": "ada@acme.local", "ToAddress": "alan@x.example"}
    email = sf.EmailMessage.create(values)["id"]
    sf.EmailMessageRelation.create({"EmailMessageId": email, "RelationId": lead, "RelationType": "ToAddress"})
    soql = f"SELECT Relation.Name, Relation.Type, RelationObjectType FROM EmailMessageRelation WHERE EmailMessageId = '{email}'"  # noqa: S608, E501
    [relation] = sf.query(soql)["records"]
    assert relation["Relation"]["attributes"]["type"] == "Name"
    assert (relation["Relation"]["Name"], relation["Relation"]["Type"], relation["RelationObjectType"]) == (
        "Alan Turing",
        "Lead",
        "Lead",
    )
    [bulk] = list(csv.DictReader(io.StringIO(next(iter(sf.bulk2.EmailMessageRelation.query(soql, wait=0))))))
    assert (bulk["Relation.Name"], bulk["Relation.Type"]) == ("Alan Turing", "Lead")
    [owned] = sf.query(f"SELECT Owner.Type, Owner.Username FROM Lead WHERE Id = '{lead}'")["records"]  # noqa: S608
    assert owned["Owner"]["attributes"]["type"] == "Name"
    assert (owned["Owner"]["Type"], owned["Owner"]["Username"]) == ("User", org.username)
