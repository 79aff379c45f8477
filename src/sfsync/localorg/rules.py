"""Checks that look at other records: references, unique fields and duplicate rules."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from sfsync.localorg.catalog import FieldSpec, ObjectSpec
from sfsync.localorg.outcomes import DmlError, DmlFailure
from sfsync.localorg.seed import DuplicateRule

if TYPE_CHECKING:
    from sfsync.localorg.org import Org


def record_url(sobject: str, record_id: str, api_version: str = "59.0") -> str:
    return f"/services/data/v{api_version}/sobjects/{sobject}/{record_id}"


def check_references(
    connection: sqlite3.Connection, org: Org, references: Iterable[FieldSpec], row: Mapping[str, Any]
) -> None:
    for field in references:
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


def duplicate_matches(
    connection: sqlite3.Connection, spec: ObjectSpec, rule: DuplicateRule, value: Any, record_id: str | None
) -> list[str]:
    rows = connection.execute(
        f'SELECT "Id" FROM "{spec.name}" WHERE "{rule.field}" = ? COLLATE NOCASE AND "IsDeleted" = 0 '  # noqa: S608 - identifiers come from the catalog, values are bound
        'AND "Id" IS NOT ? LIMIT 200',
        (value, record_id),
    ).fetchall()
    return [r[0] for r in rows]


def duplicates_detected(spec: ObjectSpec, rule: DuplicateRule, matches: Iterable[str]) -> DmlError:
    """DUPLICATES_DETECTED with the match result, under the misspelt key real orgs send."""
    records = [
        {
            "additionalInformation": [],
            "fieldDiffs": [],
            "matchConfidence": 100.0,
            "record": {"attributes": {"type": spec.name, "url": record_url(spec.name, m)}, "Id": m},
        }
        for m in matches
    ]
    result = {
        "allowSave": rule.action == "alert",
        "duplicateRule": rule.name,
        "duplicateRuleEntityType": spec.name,
        "errorMessage": rule.message,
        "matchResults": [
            {
                "entityType": spec.name,
                "errors": [],
                "matchEngine": "ExactMatchEngine",
                "matchRecords": records,
                "rule": rule.match_rule or f"{rule.name}_Match_Rule",
                "size": len(records),
                "success": True,
            }
        ],
    }
    return DmlError("DUPLICATES_DETECTED", rule.message, (), {"duplicateResut": result})


def check_duplicates(
    connection: sqlite3.Connection,
    spec: ObjectSpec,
    rules: Iterable[DuplicateRule],
    row: Mapping[str, Any],
    record_id: str | None,
    *,
    allow_save: bool,
) -> None:
    for rule in rules:
        value = row.get(rule.field)
        if rule.object != spec.name or value is None:
            continue
        matches = duplicate_matches(connection, spec, rule, value, record_id)
        if matches and (rule.action == "block" or not allow_save):
            raise DmlFailure(duplicates_detected(spec, rule, matches))
