"""WHERE semantics: case-insensitive text, nulls, IN lists, semi-joins, Ids, dates and date literals."""

# ruff: noqa: S608  (these f-strings build SOQL under test, or test-table inserts from catalog names)

from __future__ import annotations

import pytest

from sfsync.localorg.soql import QueryService

from .conftest import Access, Org


def _names(service: QueryService, access: Access, where: str, sobject: str = "Lead") -> list[str]:
    soql = f"SELECT LastName FROM {sobject} WHERE {where} ORDER BY LastName"
    return [r["LastName"] for r in service.query(soql, access=access, api_version="59.0").records]


@pytest.fixture
def leads(org: Org) -> dict[str, str]:
    return {
        "Ann": org.insert("Lead", LastName="Ann", Company="Acme", Email="ann@acme.com", NumberOfEmployees=10,
                          CreatedDate="2024-05-15T08:00:00.000+0000", Status="Open", Interests__c="golf;tennis"),
        "Bob": org.insert("Lead", LastName="Bob", Company="Beta", Email=None, NumberOfEmployees=200,
                          CreatedDate="2024-05-14T23:59:59.000+0000", Status="Working", Interests__c="chess"),
        "Cy": org.insert("Lead", LastName="Cy", Company="acme corp", Email="CY@Acme.com", NumberOfEmployees=None,
                         CreatedDate="2024-04-01T00:00:00.000+0000", Status="Open"),
    }  # fmt: skip


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("Email = 'ANN@ACME.COM'", ["Ann"]),
        ("Email != 'ann@acme.com'", ["Bob", "Cy"]),
        ("Email = null", ["Bob"]),
        ("Email != null", ["Ann", "Cy"]),
        ("Company LIKE 'ACME%'", ["Ann", "Cy"]),
        ("Company LIKE '_eta'", ["Bob"]),
        ("Company IN ('acme', 'BETA')", ["Ann", "Bob"]),
        ("Company NOT IN ('acme')", ["Bob", "Cy"]),
        ("Email NOT IN ('ann@acme.com')", ["Bob", "Cy"]),
        ("Email IN ('ann@acme.com', null)", ["Ann", "Bob"]),
        ("NumberOfEmployees > 10", ["Bob"]),
        ("NumberOfEmployees <= 10", ["Ann"]),
        ("NOT (Status = 'Open')", ["Bob"]),
        ("Status = 'Open' AND (NumberOfEmployees = 10 OR Email = 'cy@acme.com')", ["Ann", "Cy"]),
        ("Interests__c INCLUDES ('tennis;golf', 'chess')", ["Ann", "Bob"]),
        ("Interests__c EXCLUDES ('golf')", ["Bob", "Cy"]),
        ("CreatedDate > 2024-05-14T23:59:59Z", ["Ann"]),
        ("CreatedDate >= 2024-05-15T01:59:59+02:00", ["Ann", "Bob"]),
        ("CreatedDate < 2024-04-01T00:00:00.000+00:00", []),
        ("CreatedDate = TODAY", ["Ann"]),
        ("CreatedDate = YESTERDAY", ["Bob"]),
        ("CreatedDate = LAST_N_DAYS:1", ["Ann", "Bob"]),
        ("CreatedDate < LAST_N_DAYS:1", ["Cy"]),
        ("CreatedDate = LAST_MONTH", ["Cy"]),
        ("CreatedDate > LAST_MONTH", ["Ann", "Bob"]),
        ("CreatedDate = THIS_WEEK", ["Ann", "Bob"]),
        ("CreatedDate != TODAY", ["Bob", "Cy"]),
    ],
)
def test_where(service: QueryService, access: Access, leads: dict[str, str], where: str, expected: list[str]) -> None:
    assert _names(service, access, where) == expected


def test_fifteen_and_eighteen_character_ids_are_interchangeable(
    service: QueryService, access: Access, leads: dict[str, str]
) -> None:
    ann = leads["Ann"]
    assert _names(service, access, f"Id = '{ann[:15]}'") == ["Ann"]
    assert _names(service, access, f"Id IN ('{ann}', '{leads['Bob'][:15]}')") == ["Ann", "Bob"]
    assert _names(service, access, f"Id = '{ann[:15].lower()}'") == []


def test_semi_join_and_anti_join(org: Org, service: QueryService, access: Access) -> None:
    acme = org.insert("Account", Name="Acme", Industry="Retail")
    beta = org.insert("Account", Name="Beta", Industry="Energy")
    org.insert("Contact", LastName="A", AccountId=acme)
    org.insert("Contact", LastName="B", AccountId=beta)
    org.insert("Contact", LastName="C")
    semi = "AccountId IN (SELECT Id FROM Account WHERE Industry = 'retail')"
    anti = "AccountId NOT IN (SELECT Id FROM Account WHERE Industry = 'Retail')"
    assert _names(service, access, semi, "Contact") == ["A"]
    assert _names(service, access, anti, "Contact") == ["B", "C"]
    parents = "Id IN (SELECT AccountId FROM Contact)"
    soql = f"SELECT Name FROM Account WHERE {parents} ORDER BY Name"
    assert [r["Name"] for r in service.query(soql, access=access, api_version="59.0").records] == ["Acme", "Beta"]


def test_parent_field_filter_joins_the_parent(org: Org, service: QueryService, access: Access) -> None:
    acme = org.insert("Account", Name="Acme")
    org.insert("Contact", LastName="A", AccountId=acme)
    org.insert("Contact", LastName="B")
    assert _names(service, access, "Account.Name = 'ACME'", "Contact") == ["A"]
    assert _names(service, access, "Account.Name = null", "Contact") == ["B"]


def test_like_escapes_wildcards(org: Org, service: QueryService, access: Access) -> None:
    org.insert("Lead", LastName="100%", Company="X")
    org.insert("Lead", LastName="1000", Company="X")
    assert _names(service, access, r"LastName LIKE '100\%'") == ["100%"]
    assert _names(service, access, "LastName LIKE '100%'") == ["100%", "1000"]


def test_quotes_in_string_literals_are_values_not_sql(org: Org, service: QueryService, access: Access) -> None:
    org.insert("Lead", LastName="O'Brien", Company="X")
    assert _names(service, access, r"LastName = 'O\'Brien'") == ["O'Brien"]
    assert _names(service, access, r"LastName = 'x\' OR LastName != null --'") == []


def test_plain_query_hides_deleted_rows_and_query_all_shows_them(
    org: Org, service: QueryService, access: Access
) -> None:
    org.insert("Lead", LastName="Live", Company="X")
    org.insert("Lead", LastName="Gone", Company="X", IsDeleted=1)
    soql = "SELECT LastName, IsDeleted FROM Lead ORDER BY LastName"
    live = service.query(soql, access=access, api_version="59.0")
    every = service.query(soql, access=access, api_version="59.0", include_deleted=True)
    assert [r["LastName"] for r in live.records] == ["Live"]
    assert [(r["LastName"], r["IsDeleted"]) for r in every.records] == [("Gone", True), ("Live", False)]
    deleted = service.query(
        "SELECT LastName FROM Lead WHERE IsDeleted = true", access=access, api_version="59.0", include_deleted=True
    )
    assert [r["LastName"] for r in deleted.records] == ["Gone"]
