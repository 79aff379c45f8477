"""COUNT() and GROUP BY aggregates."""

from __future__ import annotations

from sfsync.localorg.soql import QueryService

from .conftest import Access, Org


def test_count_gives_total_size_only(org: Org, service: QueryService, access: Access) -> None:
    for name in ("a", "b", "c"):
        org.insert("Lead", LastName=name, Company="X")
    page = service.query("SELECT COUNT() FROM Lead WHERE LastName != 'a'", access=access, api_version="59.0")
    assert page.to_json() == {"totalSize": 2, "done": True, "records": []}


def test_group_by_with_alias_and_unnamed_aggregates(org: Org, service: QueryService, access: Access) -> None:
    for status, employees in (("Open", 5), ("Open", 7), ("Working", 1)):
        org.insert("Lead", LastName="x", Company="X", Status=status, NumberOfEmployees=employees)
    soql = "SELECT Status, COUNT(Id) c, MAX(NumberOfEmployees), SUM(NumberOfEmployees) FROM Lead GROUP BY Status"
    page = service.query(soql, access=access, api_version="59.0")
    assert page.total_size == 2
    assert page.records == [
        {"attributes": {"type": "AggregateResult"}, "Status": "Open", "c": 2, "expr0": 7, "expr1": 12.0},
        {"attributes": {"type": "AggregateResult"}, "Status": "Working", "c": 1, "expr0": 1, "expr1": 1.0},
    ]


def test_group_by_parent_field_ordered_by_aggregate(org: Org, service: QueryService, access: Access) -> None:
    acme = org.insert("Account", Name="Acme")
    beta = org.insert("Account", Name="Beta")
    for account in (acme, beta, beta):
        org.insert("Contact", LastName="x", AccountId=account)
    soql = "SELECT Account.Name, COUNT(Id) n FROM Contact GROUP BY Account.Name ORDER BY COUNT(Id) DESC"
    page = service.query(soql, access=access, api_version="59.0")
    assert [(r["Name"], r["n"]) for r in page.records] == [("Beta", 2), ("Acme", 1)]


def test_aggregates_without_group_by_make_one_row(org: Org, service: QueryService, access: Access) -> None:
    for employees in (3, 4):
        org.insert("Lead", LastName="x", Company="X", NumberOfEmployees=employees)
    page = service.query("SELECT COUNT(Id), AVG(NumberOfEmployees) a FROM Lead", access=access, api_version="59.0")
    assert page.to_json() == {
        "totalSize": 1,
        "done": True,
        "records": [{"attributes": {"type": "AggregateResult"}, "expr0": 2, "a": 3.5}],
    }
