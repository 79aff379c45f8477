"""Duplicate rules: a record saved whose matching fields equal those of another live record is refused.

A rule on one object compares the saved record's `match_fields` with the records of its `match_object`
(its own object, or another one: a Contact rule comparing with Leads), every field set on both and equal
case-insensitively (the saved record's values trimmed). On edit a rule runs only when one of its fields
changes, and then with the record's values after the edit, as Salesforce does. `block` refuses; `alert` refuses unless
the request sends `allowSave=true`. An inactive rule refuses nothing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from sfsync.localorg.catalog import Catalog, ObjectSpec
from sfsync.localorg.outcomes import DmlError, DmlFailure
from sfsync.localorg.seed import DuplicateRule

MAX_MATCHES = 200


def checked_rules(catalog: Catalog, rules: Iterable[DuplicateRule]) -> tuple[DuplicateRule, ...]:
    """The rules with their objects and fields spelt as the catalog has them; ValueError names one that is not."""
    result = []
    for rule in rules:
        own, other = catalog.get(rule.object), catalog.get(rule.match_object)
        if own is None or other is None:
            missing = rule.object if own is None else rule.match_object
            raise ValueError(f"duplicate rule {rule.name}: no object {missing}")
        names = []
        for name in rule.match_fields:
            mine, theirs = own.field(name), other.field(name)
            if mine is None or theirs is None:
                where = own.name if mine is None else other.name
                raise ValueError(f"duplicate rule {rule.name}: no field {name} on {where}")
            names.append(theirs.name)
        if rule.action not in ("block", "alert"):
            raise ValueError(f"duplicate rule {rule.name}: action is block or alert, not {rule.action!r}")
        result.append(replace(rule, object=own.name, compare_with=other.name, field=names[0], fields=tuple(names)))
    return tuple(result)


def record_url(sobject: str, record_id: str, api_version: str = "59.0") -> str:
    return f"/services/data/v{api_version}/sobjects/{sobject}/{record_id}"


def duplicate_matches(
    connection: sqlite3.Connection, rule: DuplicateRule, values: Mapping[str, Any], record_id: str | None
) -> list[str]:
    """The live records of the rule's match object whose matching fields all equal `values`'."""
    wanted = [str(values.get(name) or "").strip() for name in rule.match_fields]
    if not all(wanted):
        return []  # a blank field matches nothing (Salesforce's "match blank fields" is off by default)
    # The column as stored, not TRIM(column): an index on the field (email, external ids: NOCASE) serves
    # the look-up, where TRIM() would scan the object for every record saved. So the saved record's values
    # are trimmed, the other records' compared as stored.
    conditions = " AND ".join(f'"{name}" = ? COLLATE NOCASE' for name in rule.match_fields)
    rows = connection.execute(
        f'SELECT "Id" FROM "{rule.match_object}" WHERE {conditions} AND "IsDeleted" = 0 '  # noqa: S608 - identifiers come from the seed's rules, checked against the catalog; values are bound
        f'AND "Id" IS NOT ? ORDER BY "Id" LIMIT {MAX_MATCHES}',
        (*wanted, record_id),
    ).fetchall()
    return [r[0] for r in rows]


def duplicates_detected(spec: ObjectSpec, rule: DuplicateRule, matches: Iterable[str]) -> DmlError:
    """DUPLICATES_DETECTED with the match result, under the misspelt key real orgs send."""
    entity = rule.match_object
    records = [
        {
            "additionalInformation": [],
            "fieldDiffs": [],
            "matchConfidence": 100.0,
            "record": {"attributes": {"type": entity, "url": record_url(entity, m)}, "Id": m},
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
                "entityType": entity,
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
    changes: Mapping[str, Any],
    record_id: str | None,
    *,
    current: Mapping[str, Any] | None = None,
    allow_save: bool,
) -> None:
    """Refuse the save when a rule of the object matches; `current` is the record before an edit."""
    for rule in rules:
        if rule.object != spec.name or not rule.active or (rule.action == "alert" and allow_save):
            continue
        if current is not None and not any(_changed(name, changes, current) for name in rule.match_fields):
            continue
        values = {**(current or {}), **changes}
        own = record_id if rule.match_object == spec.name else None
        matches = duplicate_matches(connection, rule, values, own)
        if matches:
            raise DmlFailure(duplicates_detected(spec, rule, matches))


def _changed(name: str, changes: Mapping[str, Any], current: Mapping[str, Any]) -> bool:
    if name not in changes:
        return False
    return str(changes[name] or "").strip().lower() != str(current.get(name) or "").strip().lower()
