"""The config's filter trees as Salesforce sees them: the fields their `salesforce:` nodes read, and the
port's typed `Filter` they stand for.

The tree is read structurally (`Condition(field, op, value, salesforce)`, `All`, `Any`, `Not`), so this
module does not import the config models. Values are typed by the field's describe: a `"false"` for a
checkbox is `False`, `"50"` for a number is 50, `"2024-01-31"` for a date is a date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sfsync.salesforce.port import ObjectDescribe
from sfsync.salesforce.query import And, Compare, Comparison, Filter, In, IsNull, Like, LikeAt, Not, Or, Value
from sfsync.salesforce.soql import SoqlError

COMPARISONS = {
    "eq": Comparison.EQ,
    "ne": Comparison.NE,
    "neq": Comparison.NE,
    "gt": Comparison.GT,
    "gte": Comparison.GTE,
    "lt": Comparison.LT,
    "lte": Comparison.LTE,
}
LIKES = {"contains": LikeAt.CONTAINS, "starts_with": LikeAt.STARTS, "ends_with": LikeAt.ENDS}
_NUMBER_TYPES = frozenset({"double", "currency", "percent", "int", "long"})
_KEYS = {"AND": "all", "OR": "any", "NOT": "not"}


@dataclass(frozen=True)
class FilterField:
    """A Salesforce field a filter reads: `path` is where it sits in the tree (for positions)."""

    sobject: str
    field: str
    path: tuple[str | int, ...]


def children(node: Any) -> tuple[str, list[Any]] | None:
    """('AND'|'OR'|'NOT', nodes) for a combinator node (`All`, `Any`, `Not`); None for a condition."""
    if isinstance(getattr(node, "all", None), list):
        return "AND", list(node.all)
    if isinstance(getattr(node, "any", None), list):
        return "OR", list(node.any)
    if getattr(node, "not_", None) is not None:
        return "NOT", [node.not_]
    return None


def filter_fields(node: Any, path: tuple[str | int, ...] = (), sobject: str | None = None) -> Iterator[FilterField]:
    """Every (Salesforce object, field) a filter tree reads through `salesforce:` nodes."""
    sobject = getattr(node, "salesforce", None) or sobject
    nested = children(node)
    if nested is None:
        if sobject:
            yield FilterField(str(sobject), str(node.field), (*path, "field"))
        return
    joiner, items = nested
    key = _KEYS[joiner]
    for index, item in enumerate(items):
        yield from filter_fields(item, (*path, key, index) if joiner != "NOT" else (*path, key), sobject)


def config_filter(node: Any, describe: ObjectDescribe | None = None) -> Filter:
    """The port's filter for a `salesforce:` filter tree; `describe` types the values."""
    nested = children(node)
    if nested is None:
        return _condition(node, describe)
    joiner, items = nested
    if joiner == "NOT":
        return Not(config_filter(items[0], describe))
    converted = tuple(config_filter(item, describe) for item in items)
    return And(converted) if joiner == "AND" else Or(converted)


def _condition(node: Any, describe: ObjectDescribe | None) -> Filter:
    field = str(node.field)
    op = str(node.op)
    info = describe.field(field) if describe is not None else None
    ftype = info.type if info is not None else ""
    value = getattr(node, "value", None)
    if op in COMPARISONS:
        return Compare(field, COMPARISONS[op], typed(value, ftype))
    if op in ("in", "not_in"):
        values = value if isinstance(value, list | tuple) else [value]
        return In(field, tuple(typed(v, ftype) for v in values), negated=op == "not_in")
    if op in LIKES:
        return Like(field, str(value), LIKES[op])
    if op in ("is_null", "is_not_null"):
        return IsNull(field, negated=op == "is_not_null")
    raise SoqlError(f"unsupported filter operator for SOQL: {op!r}")


def typed(value: Any, field_type: str) -> Value:
    """A config value as the field's type has it: text stays text unless it reads as that type."""
    if not isinstance(value, str):
        return value  # type: ignore[no-any-return]
    if field_type == "boolean" and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if field_type in _NUMBER_TYPES:
        try:
            return float(value) if any(c in value for c in ".eE") else int(value)
        except ValueError:
            return value
    reader = {"date": dt.date.fromisoformat, "datetime": _datetime}.get(field_type)
    if reader is not None:
        try:
            return reader(value)
        except ValueError:
            return value
    return value


def _datetime(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
