"""Per-object counts every view shows first, computed once from the plan's JSON form.

An *overwrite* is an update that replaces a non-empty Salesforce value (only fields sfsync owns, or
`if_unchanged` fields still holding what sfsync wrote, may be overwritten). A *conflict* is a record
or field skipped because Salesforce changed it since sfsync last saw it.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
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
    tally = Tally()
    for change in plan.get("changes", []):
        tally.change(change)
    for skip in plan.get("skips", []):
        tally.skip(skip)
    return tally.summary(plan.get("diagnostics", []))


FieldKey = tuple[str, str]  # (object, field)


class Tally:
    """The summary counted one record at a time, so that a pass over the plan's records made for other
    work (finding its sensitive fields) counts it too, and the records are not read again for it.

    The records may be counted before they are redacted: redaction changes no action, code, object or
    count, only values, and of those only one thing the summary reads: a blank `before` (spaces only)
    of a sensitive field is shown as `(sensitive)`, which is not empty, so the redacted plan counts that
    update as an overwrite. Such befores are noted per field and counted for the fields `summary` is
    told are hidden.
    """

    def __init__(self) -> None:
        self._objects: dict[str, ObjectSummary] = {}
        self._blank_befores: Counter[FieldKey] = Counter()

    def _entry(self, name: str) -> ObjectSummary:
        entry = self._objects.get(name)
        if entry is None:
            entry = self._objects[name] = ObjectSummary(name)
        return entry

    def change(self, change: Mapping[str, Any]) -> None:
        name = str(change["sobject"])
        entry = self._entry(name)
        fields = change.get("fields", [])
        entry.field_writes += len(fields)
        if change["action"] == "create":
            entry.creates += 1
        else:
            entry.updates += 1
            if change["action"] == "update":
                self._count_overwrites(entry, name, fields)
        for kept in change.get("skipped_fields", []):
            if kept.get("code") == CONFLICT:
                entry.conflicts += 1
            else:
                entry.fields_kept += 1

    def _count_overwrites(self, entry: ObjectSummary, name: str, fields: Iterable[Mapping[str, Any]]) -> None:
        for item in fields:
            before = item.get("before")
            if not _empty(before):
                entry.overwrites += 1
            elif before:  # blank, not empty: an overwrite once redacted, if the field is sensitive
                self._blank_befores[(name, str(item["field"]))] += 1

    def skip(self, skip: Mapping[str, Any]) -> None:
        entry = self._entry(str(skip.get("sobject") or skip["workspace"]["kind"]))
        entry.skips[str(skip["code"])] += 1
        entry.conflicts += skip["code"] == CONFLICT

    def summary(self, diagnostics: Iterable[Mapping[str, Any]], *, hidden: Collection[FieldKey] = ()) -> PlanSummary:
        """The counts so far, as `summarise` gives them for the plan with the `hidden` fields redacted."""
        hidden_blanks: Counter[str] = Counter()
        for (name, field_name), count in self._blank_befores.items():
            if (name, field_name) in hidden:
                hidden_blanks[name] += count
        ordered = tuple(
            replace(entry, overwrites=entry.overwrites + hidden_blanks[name]) if hidden_blanks[name] else entry
            for name, entry in sorted(self._objects.items())
        )
        severities = Counter(str(d.get("severity")) for d in diagnostics)
        return PlanSummary(ordered, severities["error"], severities["warning"])


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
