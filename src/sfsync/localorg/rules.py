"""Checks that look at other records: references and unique fields (duplicate rules: `duplicates`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from sfsync.localorg.catalog import FieldSpec, ObjectSpec
from sfsync.localorg.layout import ObjectLayout
from sfsync.localorg.outcomes import DmlError, DmlFailure

if TYPE_CHECKING:
    from sfsync.localorg.org import Org


def check_references(connection: sqlite3.Connection, org: Org, layout: ObjectLayout, row: Mapping[str, Any]) -> None:
    """Every reference names a live record of its target (RecordTypeId: `record_types`, by the user's profile)."""
    for field in layout.references:
        name = field.name
        value = row.get(name)
        if value is None:
            continue
        if value in org.users and "User" in field.reference_to:
            continue
        target = org.catalog.by_prefix(str(value)[:3])
        found = (
            target is not None
            and target.name in field.reference_to
            and connection.execute(
                f'SELECT 1 FROM "{target.name}" WHERE "Id" = ? AND "IsDeleted" = 0',  # noqa: S608 - identifiers come from the catalog, values are bound
                (value,),
            ).fetchone()
        )
        if not found:
            raise DmlFailure(DmlError("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", (name,)))


def check_unique(
    connection: sqlite3.Connection,
    spec: ObjectSpec,
    unique: Iterable[FieldSpec],
    row: Mapping[str, Any],
    record_id: str | None,
) -> None:
    for field in unique:
        name = field.name
        value = row.get(name)
        if value is None:
            continue
        collate = "" if field.flag("caseSensitive") else " COLLATE NOCASE"
        clash = connection.execute(
            f'SELECT "Id" FROM "{spec.name}" WHERE "{name}" = ?{collate} AND "IsDeleted" = 0 AND "Id" IS NOT ?',  # noqa: S608 - identifiers come from the catalog, values are bound
            (value, record_id),
        ).fetchone()
        if clash:
            message = f"duplicate value found: {name} duplicates value on record with id: {clash[0][:15]}"
            raise DmlFailure(DmlError("DUPLICATE_VALUE", message))
