"""Per-object counts every view shows first, computed once from the plan's JSON form.

An *overwrite* is an update that replaces a non-empty Salesforce value (only fields sfsync owns, or
`if_unchanged` fields still holding what sfsync wrote, may be overwritten). A *conflict* is a record
or field skipped because Salesforce changed it since sfsync last saw it.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

CONFLICT = "conflict"


@dataclass
class ObjectSummary:
    """What the plan does to one Salesforce object (or, for skips without one, a workspace kind)."""

    name: str
    creates: int = 0
    updates: int = 0
    field_writes: int = 0
    overwrites: int = 0
    fields_kept: int = 0
    conflicts: int = 0
    skips: Counter[str] = field(default_factory=Counter)

    @property
    def skipped(self) -> int:
        return sum(self.skips.values())

    @property
    def records(self) -> int:
        return self.creates + self.updates


@dataclass(frozen=True)
class PlanSummary:
    """The whole plan in numbers; `objects` is sorted by name."""

    objects: tuple[ObjectSummary, ...]
    errors: int
    warnings: int

    def total(self, attribute: str) -> int:
        return sum(int(getattr(item, attribute)) for item in self.objects)

    @property
    def skips(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for item in self.objects:
            total.update(item.skips)
        return total


def summarise(plan: Mapping[str, Any]) -> PlanSummary:
    objects: dict[str, ObjectSummary] = {}
    for change in plan.get("changes", []):
        _count_change(objects.setdefault(str(change["sobject"]), ObjectSummary(str(change["sobject"]))), change)
    for skip in plan.get("skips", []):
        name = str(skip.get("sobject") or skip["workspace"]["kind"])
        entry = objects.setdefault(name, ObjectSummary(name))
        entry.skips[str(skip["code"])] += 1
        entry.conflicts += skip["code"] == CONFLICT
    severities = Counter(str(d.get("severity")) for d in plan.get("diagnostics", []))
    ordered = tuple(objects[name] for name in sorted(objects))
    return PlanSummary(ordered, severities["error"], severities["warning"])


def _count_change(entry: ObjectSummary, change: Mapping[str, Any]) -> None:
    if change["action"] == "create":
        entry.creates += 1
    else:
        entry.updates += 1
    fields = change.get("fields", [])
    entry.field_writes += len(fields)
    entry.overwrites += sum(1 for item in fields if is_overwrite(change, item))
    for kept in change.get("skipped_fields", []):
        if kept.get("code") == CONFLICT:
            entry.conflicts += 1
        else:
            entry.fields_kept += 1


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def is_overwrite(change: Mapping[str, Any], item: Mapping[str, Any]) -> bool:
    return change["action"] == "update" and not _empty(item.get("before"))


def group_by_object(items: Iterable[Mapping[str, Any]]) -> dict[str, list[Mapping[str, Any]]]:
    """Record changes per object, in plan order within each object, objects sorted by name."""
    grouped: dict[str, list[Mapping[str, Any]]] = {}
    for item in items:
        grouped.setdefault(str(item["sobject"]), []).append(item)
    return dict(sorted(grouped.items()))


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


# An email's body is folded in the human views: its length is said, its text is not (the JSON form keeps it).
FOLDED_FIELDS = {"EmailMessage": frozenset({"HtmlBody", "TextBody"})}


def folded(change: Mapping[str, Any]) -> Mapping[str, Any]:
    """`change` as the views show it: an email's bodies as `(N characters)`."""
    names = FOLDED_FIELDS.get(str(change.get("sobject")))
    if not names:
        return change
    fields = [
        {**item, "after": f"({len(item['after'])} characters)"}
        if item.get("field") in names and isinstance(item.get("after"), str)
        else item
        for item in change.get("fields", [])
    ]
    return {**change, "fields": fields}


def shown(value: Any) -> str:
    """A value as people read it: JSON literals, but `(sensitive)` and `(known after apply)` as they are."""
    if value is None:
        return "null"
    if isinstance(value, str) and value.startswith("(") and value.endswith(")"):
        return value
    return json.dumps(value, ensure_ascii=False)
