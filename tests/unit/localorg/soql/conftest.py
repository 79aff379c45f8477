"""A SQLite org built from the recorded describes, with rows the tests insert."""

# ruff: noqa: S608  (these f-strings build SOQL under test, or test-table inserts from catalog names)

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest

from sfsync.localorg.catalog import Catalog, build_catalog, recorded_describe
from sfsync.localorg.soql import QueryService
from sfsync.localorg.soql.values import full_id

NOW = datetime(2024, 5, 15, 12, 0, 0, tzinfo=UTC)  # a Wednesday


def _field(name: str, kind: str, **extra: Any) -> dict[str, Any]:
    base = {"name": name, "type": kind, "filterable": True, "sortable": True, "groupable": True, "nillable": True}
    return {**base, **extra}


def _user_describe() -> dict[str, Any]:
    fields = [
        _field("Id", "id", nillable=False),
        _field("IsDeleted", "boolean", nillable=False),
        _field("Name", "string"),
        _field("Email", "email"),
    ]
    return {"name": "User", "keyPrefix": "005", "fields": fields, "childRelationships": []}


def _with_custom_fields(describe: dict[str, Any]) -> dict[str, Any]:
    extra = [
        _field("Sfsync_Id__c", "string", custom=True),
        _field("Interests__c", "multipicklist", custom=True, sortable=False, groupable=False),
    ]
    return {**describe, "fields": [*describe["fields"], *extra]}


def make_catalog() -> Catalog:
    describes = [recorded_describe(name) for name in ("Account", "Contact", "Opportunity")]
    return build_catalog([*describes, _with_custom_fields(recorded_describe("Lead")), _user_describe()])


@dataclass
class Access:
    """Everything readable except the hidden objects and fields."""

    catalog: Catalog
    hidden_objects: frozenset[str] = frozenset()
    hidden_fields: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def can_read_object(self, name: str) -> bool:
        return name not in self.hidden_objects

    def readable_fields(self, name: str) -> frozenset[str]:
        spec = self.catalog.objects[name]
        return frozenset(spec.fields) - self.hidden_fields.get(name, frozenset())


@dataclass
class Org:
    connection: sqlite3.Connection
    catalog: Catalog
    counters: dict[str, int] = field(default_factory=dict)

    def insert(self, sobject: str, **values: Any) -> str:
        prefix = self.catalog.objects[sobject].key_prefix
        number = self.counters[prefix] = self.counters.get(prefix, 0) + 1
        record_id = full_id(f"{prefix}5g00000{number:05d}")
        row = {"Id": record_id, "IsDeleted": 0, **values}
        columns = ", ".join(f'"{name}"' for name in row)
        marks = ", ".join("?" for _ in row)
        self.connection.execute(f'INSERT INTO "{sobject}" ({columns}) VALUES ({marks})', tuple(row.values()))
        return record_id


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return make_catalog()


@pytest.fixture
def org(catalog: Catalog) -> Iterator[Org]:
    connection = sqlite3.connect(":memory:")
    for statement in catalog.ddl():
        connection.execute(statement)
    yield Org(connection, catalog)
    connection.close()


@pytest.fixture
def access(catalog: Catalog) -> Access:
    return Access(catalog)


@pytest.fixture
def service(org: Org, catalog: Catalog) -> QueryService:
    return QueryService(lambda: org.connection, catalog, now=lambda: NOW)
