"""Compiled SQL: values only as parameters, and keyset paging where the sort allows it."""

from __future__ import annotations

from datetime import date

from sfsync.localorg.catalog import Catalog
from sfsync.localorg.soql.parser import parse
from sfsync.localorg.soql.plan import Compiler, Plan

from .conftest import Access, Org


def _plan(catalog: Catalog, soql: str) -> Plan:
    return Compiler(soql, catalog, Access(catalog), date(2024, 5, 15), include_deleted=False).compile(parse(soql))


def test_literal_values_never_appear_in_sql(catalog: Catalog) -> None:
    plan = _plan(catalog, "SELECT Id FROM Lead WHERE LastName = 'Robert' AND NumberOfEmployees > 12345 LIMIT 5")
    assert "Robert" not in plan.sql and "12345" not in plan.sql
    assert plan.params == ("Robert", 12345)


def test_incremental_read_pages_by_key_using_the_index(org: Org, catalog: Catalog) -> None:
    org.connection.execute('CREATE INDEX ix_sms ON "Lead" ("SystemModstamp", "Id", "IsDeleted")')
    plan = _plan(
        catalog, "SELECT Id FROM Lead WHERE SystemModstamp >= 2024-01-01T00:00:00Z ORDER BY SystemModstamp, Id"
    )
    assert plan.keyset_sql is not None
    params = (*plan.params, "2024-01-02T00:00:00.000+0000", "00Q000000000000AAA", 2000)
    steps = [row[-1] for row in org.connection.execute(f"EXPLAIN QUERY PLAN {plan.keyset_sql} LIMIT ?", params)]
    assert any("INDEX ix_sms" in step for step in steps), steps
    assert not any("TEMP B-TREE" in step for step in steps), steps


def test_keyset_paging_only_for_non_null_binary_keys_in_one_direction(catalog: Catalog) -> None:
    assert _plan(catalog, "SELECT Id FROM Lead").keyset_sql is not None
    assert _plan(catalog, "SELECT Id FROM Lead ORDER BY CreatedDate DESC, Id DESC").keyset_sql is not None
    assert _plan(catalog, "SELECT Id FROM Lead ORDER BY LastName").keyset_sql is None  # case-insensitive text
    assert _plan(catalog, "SELECT Id FROM Lead ORDER BY ConvertedDate").keyset_sql is None  # nillable
    assert _plan(catalog, "SELECT Id FROM Lead ORDER BY CreatedDate, Id DESC").keyset_sql is None
