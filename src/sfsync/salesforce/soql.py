"""SOQL text from values: escaped literals, checked names, and the config's filter tree.

Nothing here concatenates a raw string into SOQL: every value goes through `literal`, every name
through `name`. The filter tree is read structurally (`Condition(field, op, value, salesforce)`,
`All`, `Any`, `Not`), so this module does not import the config models.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sfsync.salesforce.port import ObjectDescribe

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$")
_ESCAPES = {"\\": "\\\\", "'": "\\'", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
_UNQUOTED_TYPES = {"date": _DATE, "datetime": _DATETIME}
_NUMBER_TYPES = frozenset({"double", "currency", "percent", "int", "long"})

COMPARISONS = {"eq": "=", "ne": "!=", "neq": "!=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
SET_OPS = {"in": "IN", "not_in": "NOT IN"}
LIKE_OPS = {"contains": "%{}%", "starts_with": "{}%", "ends_with": "%{}"}
NULL_OPS = {"is_null": "=", "is_not_null": "!="}


class SoqlError(ValueError):
    """A name or value that cannot be expressed safely in SOQL."""


def name(text: str) -> str:
    """A field or object API name (dotted for relationships), refused unless it is a plain identifier."""
    if not _NAME.match(text):
        raise SoqlError(f"not a Salesforce API name: {text!r}")
    return text


def quote(text: str) -> str:
    """A SOQL string literal: every character SOQL treats specially is backslash-escaped."""
    return "'" + "".join(_ESCAPES.get(ch, ch) for ch in text) + "'"


def literal(value: Any, field_type: str = "") -> str:
    """A SOQL literal for a JSON-ish value; `field_type` (from describe) lets strings become dates/numbers."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _number(value)
    if isinstance(value, dt.datetime):
        return _datetime(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return _typed_string(value, field_type)
    raise SoqlError(f"cannot use {type(value).__name__} as a SOQL value")


def _number(value: int | float) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        raise SoqlError(f"not a finite number: {value!r}")
    return repr(value)


def _datetime(value: dt.datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _typed_string(value: str, field_type: str) -> str:
    pattern = _UNQUOTED_TYPES.get(field_type)
    if pattern is not None and pattern.match(value):
        return value
    if field_type == "boolean" and value.lower() in ("true", "false"):
        return value.lower()
    if field_type in _NUMBER_TYPES:
        try:
            return _number(float(value) if any(c in value for c in ".eE") else int(value))
        except ValueError:
            pass
    return quote(value)


def literal_list(values: Sequence[Any], field_type: str = "") -> str:
    return "(" + ", ".join(literal(v, field_type) for v in values) + ")"


def like_pattern(text: str, template: str) -> str:
    """A LIKE literal matching `text` literally (its `%` and `_` escaped) inside `template`."""
    like_escapes = {**_ESCAPES, "%": "\\%", "_": "\\_"}
    return "'" + template.format("".join(like_escapes.get(ch, ch) for ch in text)) + "'"


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


_KEYS = {"AND": "all", "OR": "any", "NOT": "not"}


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


def compile_where(node: Any, describe: ObjectDescribe | None = None) -> str:
    """The SOQL WHERE expression (without `WHERE`) of a `salesforce:` filter tree."""
    nested = children(node)
    if nested is None:
        return _condition(node, describe)
    joiner, items = nested
    if joiner == "NOT":
        return f"(NOT {compile_where(items[0], describe)})"
    if not items:
        return "Id != null" if joiner == "AND" else "Id = null"
    return "(" + f" {joiner} ".join(compile_where(item, describe) for item in items) + ")"


def _condition(node: Any, describe: ObjectDescribe | None) -> str:
    field = name(str(node.field))
    op = str(node.op)
    info = describe.field(field) if describe is not None else None
    ftype = info.type if info is not None else ""
    value = getattr(node, "value", None)
    if op in COMPARISONS:
        return f"{field} {COMPARISONS[op]} {literal(value, ftype)}"
    if op in SET_OPS:
        values = list(value) if isinstance(value, list | tuple) else [value]
        if not values:
            return "Id = null" if op == "in" else "Id != null"
        return f"{field} {SET_OPS[op]} {literal_list(values, ftype)}"
    if op in LIKE_OPS:
        return f"{field} LIKE {like_pattern(str(value), LIKE_OPS[op])}"
    if op in NULL_OPS:
        return f"{field} {NULL_OPS[op]} null"
    raise SoqlError(f"unsupported filter operator for SOQL: {op!r}")


def select(fields: Sequence[str], sobject: str, where: str = "") -> str:
    """`SELECT … FROM …[ WHERE …]` with every name checked."""
    text = f"SELECT {', '.join(name(f) for f in fields)} FROM {name(sobject)}"  # noqa: S608 - names are checked
    return f"{text} WHERE {where}" if where else text
