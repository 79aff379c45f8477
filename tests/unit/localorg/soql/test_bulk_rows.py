"""Rows for Bulk 2.0 query results: CSV header and string values."""

from __future__ import annotations

import pytest

from sfsync.localorg.soql import QueryService, SoqlError

from .conftest import Access, Org


def test_header_and_values(org: Org, service: QueryService, access: Access) -> None:
    acme = org.insert("Account", Name="Acme")
    first = org.insert(
        "Contact", LastName="A", AccountId=acme, IsEmailBounced=1, CreatedDate="2024-01-02T03:04:05.000+0000"
    )
    second = org.insert("Contact", LastName="B", IsEmailBounced=0)
    header, rows = service.bulk_rows(
        "SELECT Id, lastname, account.name, IsEmailBounced, CreatedDate FROM Contact ORDER BY LastName", access=access
    )
    assert header == ["Id", "LastName", "Account.Name", "IsEmailBounced", "CreatedDate"]
    assert list(rows) == [
        [first, "A", "Acme", "true", "2024-01-02T03:04:05.000Z"],  # Bulk CSV writes UTC as `Z`
        [second, "B", "", "false", ""],
    ]


def test_query_all_rows_include_deleted(org: Org, service: QueryService, access: Access) -> None:
    org.insert("Lead", LastName="Gone", Company="X", IsDeleted=1)
    assert list(service.bulk_rows("SELECT LastName FROM Lead", access=access)[1]) == []
    assert list(service.bulk_rows("SELECT LastName FROM Lead", access=access, include_deleted=True)[1]) == [["Gone"]]


def test_compound_fields_are_refused(service: QueryService, access: Access) -> None:
    with pytest.raises(SoqlError, match="compound data not supported"):
        service.bulk_rows("SELECT BillingAddress FROM Account", access=access)


def test_rows_come_in_chunks_that_honour_limit_and_offset(
    org: Org, service: QueryService, access: Access, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sfsync.localorg.soql.service.BULK_CHUNK", 3)
    names = [f"L{n:02d}" for n in range(10)]
    for name in names:
        org.insert("Lead", LastName=name, Company="X")
    _, rows = service.bulk_rows("SELECT LastName FROM Lead ORDER BY LastName LIMIT 8 OFFSET 1", access=access)
    assert [row[0] for row in rows] == names[1:9]
    _, every = service.bulk_rows("SELECT LastName FROM Lead", access=access)
    assert sorted(row[0] for row in every) == names
