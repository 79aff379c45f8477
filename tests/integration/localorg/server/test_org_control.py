"""The control API: human edits, lead conversion, counts, call counters and system touches."""

from __future__ import annotations

import time

import pytest
from simple_salesforce.format import format_soql

from sfsync.localorg.testing import LocalOrgHandle

pytestmark = pytest.mark.org
HUMAN = "ada@acme.local"


def test_records_seeded_and_edited_as_a_human(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    human = sf.query(format_soql("SELECT Id FROM User WHERE Username = {}", HUMAN))["records"][0]["Id"]
    created = org.control("records/Lead", "POST", {"as": HUMAN, "values": {"LastName": "Human", "Company": "H"}})
    assert created["success"] is True
    record = sf.Lead.get(created["id"])
    assert record["CreatedById"] == record["LastModifiedById"] == record["OwnerId"] == human
    sf.Lead.update(created["id"], {"Title": "API"})
    org.control(f"records/Lead/{created['id']}", "PATCH", {"as": HUMAN, "values": {"Title": "Human edit"}})
    record = sf.Lead.get(created["id"])
    assert (record["Title"], record["LastModifiedById"]) == ("Human edit", human)


def test_convert_lead_creates_contact_and_account(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    lead = sf.Lead.create({"FirstName": "Ada", "LastName": "King", "Company": "Analytical", "Email": "ada@an.example"})
    org.control(f"leads/{lead['id']}/convert", "POST", {"as": HUMAN})
    soql = "SELECT IsConverted, ConvertedDate, ConvertedContact.Email, ConvertedAccount.Name FROM Lead WHERE Id = {}"
    record = sf.query(format_soql(soql, lead["id"]))["records"][0]
    assert record["IsConverted"] is True and record["ConvertedDate"]
    assert record["ConvertedContact"]["Email"] == "ada@an.example"
    assert record["ConvertedAccount"]["Name"] == "Analytical"


def test_counts_and_call_counters(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    org.control("calls", "DELETE")
    sf.restful(
        "composite/sobjects", method="POST", json={"records": [{"attributes": {"type": "Account"}, "Name": "N"}]}
    )
    sf.query("SELECT Id FROM Account")
    calls = org.control("calls")
    assert (calls["rest.collections.create"], calls["rest.query"], calls["api_usage"]) == (1, 1, 2)
    assert org.control("counts")["Account"] == {"live": 3, "deleted": 0}


def test_system_touch_bumps_only_system_modstamp(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    account = sf.Account.create({"Name": "Touch"})["id"]
    before = sf.Account.get(account)
    time.sleep(1.05)
    org.control(f"records/Account/{account}/touch", "POST")
    after = sf.Account.get(account)
    assert after["LastModifiedDate"] == before["LastModifiedDate"]
    assert after["SystemModstamp"] > before["SystemModstamp"]


def test_reset_returns_to_the_seed(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    sf.Account.create({"Name": "Ephemeral"})
    org.reset()
    assert org.control("counts")["Account"]["live"] == 2


def test_the_trace_records_who_read_and_wrote_which_record_and_field_in_order(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    lead = sf.Lead.create({"LastName": "Traced", "Company": "T"})["id"]
    assert org.control("trace") == []  # off until turned on
    assert org.control("trace", "PUT") == []
    sf.restful("composite/sobjects/Lead", method="POST", json={"ids": [lead], "fields": ["Title"]})
    org.control(f"records/Lead/{lead}", "PATCH", {"as": HUMAN, "values": {"Title": "Human"}})
    sf.Lead.update(lead, {"Phone": "+1 555 0100"})
    entries = org.control("trace")
    seen = [(e["kind"], e["user"], e["sobject"], e["record_id"], e["fields"]) for e in entries]
    integration = org.username
    assert seen == [
        ("read", integration, "Lead", lead, []),
        ("write", HUMAN, "Lead", lead, ["Title"]),
        ("write", integration, "Lead", lead, ["Phone"]),
    ]
    assert [e["at"] for e in entries] == sorted(e["at"] for e in entries)
    org.control("trace", "DELETE")
    sf.Lead.update(lead, {"Phone": "+1 555 0101"})
    assert org.control("trace") == []
