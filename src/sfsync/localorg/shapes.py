"""Stored rows as Salesforce returns records: typed values, compound addresses, `attributes`."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from typing import Any

from sfsync.localorg.catalog import FieldSpec, ObjectSpec


def json_value(field: FieldSpec, value: Any) -> Any:
    if value is None:
        return None
    if field.type == "boolean":
        return bool(value)
    return value


def _component_key(compound: str, component: str) -> str:
    prefix = compound.removesuffix("Address")
    name = component.removeprefix(prefix) if prefix else component
    return name[0].lower() + name[1:]


def compound_value(spec: ObjectSpec, field: FieldSpec, row: Mapping[str, Any]) -> dict[str, Any] | None:
    parts = [f for f in spec.fields.values() if f.raw.get("compoundFieldName") == field.name]
    value = {_component_key(field.name, p.name): json_value(p, row[p.name]) for p in parts}
    return value if any(v is not None for v in value.values()) else None


def record_json(spec: ObjectSpec, row: Mapping[str, Any], fields: Iterable[str], api_version: str) -> dict[str, Any]:
    """A record with `fields` (API names, in order), nulls included."""
    url = f"/services/data/v{api_version}/sobjects/{spec.name}/{row['Id']}"
    record: dict[str, Any] = {"attributes": {"type": spec.name, "url": url}}
    for name in fields:
        field = spec.fields[name]
        record[name] = compound_value(spec, field, row) if not field.stored else json_value(field, row[name])
    return record


def fetch_rows(
    connection: sqlite3.Connection, spec: ObjectSpec, ids: list[str], *, include_deleted: bool = False
) -> dict[str, dict[str, Any]]:
    """Rows by id as dicts (the connection's row factory is left alone: other services share it)."""
    if not ids:
        return {}
    marks = ", ".join("?" * len(ids))
    deleted = "" if include_deleted else ' AND "IsDeleted" = 0'
    cursor = connection.execute(f'SELECT * FROM "{spec.name}" WHERE "Id" IN ({marks}){deleted}', ids)  # noqa: S608 - identifiers come from the catalog, values are bound
    names = [column[0] for column in cursor.description]
    rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return {row["Id"]: row for row in rows}
