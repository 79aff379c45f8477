"""The fake port reads what Salesforce would: every node of the filter tree filters, not only the stamp."""

from __future__ import annotations

import datetime as dt

import pytest
from fake_port import EPOCH, FakePort, custom_field

from sfsync.engine.applying.external_ids import carried_ids
from sfsync.engine.plans.plan import Action, FieldChange, RecordChange, WorkspaceRef
from sfsync.salesforce.query import And, Eq, Gte, In, IsNull, Like, LikeAt, Lt, Ne, Not, Or, Query
from sfsync.salesforce.soql import SoqlError


@pytest.fixture
def port() -> FakePort:
    port = FakePort()
    port.seed("Lead", Email="ada@engine.example", LastName="Lovelace", Company="Engines", NumberOfEmployees=12)
    port.seed("Lead", Email="alan@bletchley.example", LastName="Turing", Company="GC&CS", NumberOfEmployees=9000)
    port.seed("Lead", Email=None, LastName="Hopper", Company="Navy")
    return port


def names(port: FakePort, where, **options) -> list[str]:
    return [r["LastName"] for r in port.query(Query("Lead", ("Id", "LastName"), where, **options))]


def test_a_where_the_former_fake_ignored_now_filters(port: FakePort) -> None:
    assert names(port, Eq("Email", "ADA@engine.example")) == ["Lovelace"]  # text compares case-insensitively
    assert names(port, None) == ["Lovelace", "Turing", "Hopper"]


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        (Ne("LastName", "Turing"), ["Lovelace", "Hopper"]),
        (In("LastName", ("Turing", "Hopper")), ["Turing", "Hopper"]),
        (In("LastName", ("Turing",), negated=True), ["Lovelace", "Hopper"]),
        (In("LastName", ()), []),
        (Like("Email", ".EXAMPLE", LikeAt.ENDS), ["Lovelace", "Turing"]),
        (Like("Company", "eng", LikeAt.STARTS), ["Lovelace"]),
        (Like("Company", "&c"), ["Turing"]),
        (IsNull("Email"), ["Hopper"]),
        (IsNull("Email", negated=True), ["Lovelace", "Turing"]),
        (Lt("NumberOfEmployees", 100), ["Lovelace"]),  # a null is never less than anything
        (Not(Eq("Company", "Navy")), ["Lovelace", "Turing"]),
        (And((IsNull("Email", negated=True), Gte("NumberOfEmployees", 100))), ["Turing"]),
        (Or((Eq("LastName", "Hopper"), Eq("Company", "Engines"))), ["Lovelace", "Hopper"]),
    ],
)
def test_each_operator_filters(port: FakePort, where, expected) -> None:
    assert names(port, where) == expected


def test_since_and_deleted_rows(port: FakePort) -> None:
    (turing,) = [r["Id"] for r in port.live("Lead") if r["LastName"] == "Turing"]
    port.delete("Lead", turing)
    since = EPOCH + dt.timedelta(seconds=3)  # the third save on: Hopper's create and Turing's delete
    assert names(port, None, since=since) == ["Hopper"]
    assert names(port, None, since=since, include_deleted=True) == ["Hopper", "Turing"]


def test_a_name_soql_refuses_is_refused_by_the_fake_too(port: FakePort) -> None:
    with pytest.raises(SoqlError):
        names(port, Eq("Email = 'x' OR Id", "b"))


def test_the_external_id_check_sees_only_records_carrying_a_planned_id() -> None:
    port = FakePort({"Lead": [custom_field("Sfsync_Id__c", external_id=True)]})
    port.seed("Lead", LastName="A", Company="C", Sfsync_Id__c="p_1")
    port.seed("Lead", LastName="B", Company="C", Sfsync_Id__c="p_other")
    change = RecordChange(
        "Lead/p_1", "Lead", Action.CREATE, WorkspaceRef("person", "p_1"), None, "",
        (FieldChange("Sfsync_Id__c", None, "p_1", "person.id", "owned", ""),),
    )  # fmt: skip
    found = carried_ids(port, [change], "Sfsync_Id__c")
    assert list(found) == ["p_1"] and len(found["p_1"]) == 1
