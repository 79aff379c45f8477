"""The compiler from the port's typed `Query` to SOQL text: checked names, values quoted by `format_soql`.

Nothing here concatenates a raw value into SOQL: every value goes through simple-salesforce's
`format_soql` (its quoting and `:like` escapes), every name through `name`. A query whose text would
pass `MAX_QUERY_LENGTH` is split along its long list (an `In`'s values, an `Or`'s items, alone or
inside the top `And`): each part is a query of its own, and together they read the same records.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from simple_salesforce.format import format_soql

from sfsync.salesforce.query import And, Compare, Filter, In, IsNull, Like, Not, Or, Query, Value

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$")
# Salesforce takes SOQL up to 100,000 characters; a REST query travels in the URL, so stay far below.
MAX_QUERY_LENGTH = 20_000
_ALWAYS, _NEVER = "Id != null", "Id = null"


class SoqlError(ValueError):
    """A name or value that cannot be expressed safely in SOQL."""


def name(text: str) -> str:
    """A field or object API name (dotted for relationships), refused unless it is a plain identifier."""
    if not _NAME.match(text):
        raise SoqlError(f"not a Salesforce API name: {text!r}")
    return text


def literal(value: Value) -> str:
    """A SOQL literal for a value, quoted and escaped by `format_soql`; datetimes in UTC, to the second."""
    if isinstance(value, float) and not math.isfinite(value):
        raise SoqlError(f"not a finite number: {value!r}")
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)  # a naive stamp is UTC here, never the machine's zone
    if not isinstance(value, str | int | float | bool | dt.date | None):
        raise SoqlError(f"cannot use {type(value).__name__} as a SOQL value")
    return str(format_soql("{}", value))


def where_text(node: Filter) -> str:
    """The SOQL boolean expression (without `WHERE`) of a filter tree."""
    if isinstance(node, Compare):
        return f"{name(node.field)} {node.op} {literal(node.value)}"
    if isinstance(node, In):
        if not node.values:
            return _ALWAYS if node.negated else _NEVER
        listed = "(" + ",".join(literal(v) for v in node.values) + ")"
        return f"{name(node.field)} {'NOT IN' if node.negated else 'IN'} {listed}"
    if isinstance(node, Like):
        pattern = "'" + node.at.value.replace("{}", "{:like}") + "'"
        return f"{name(node.field)} LIKE {format_soql(pattern, node.text)}"
    if isinstance(node, IsNull):
        return f"{name(node.field)} {'!=' if node.negated else '='} null"
    if isinstance(node, Not):
        return f"(NOT {where_text(node.item)})"
    joiner = " AND " if isinstance(node, And) else " OR "
    if not node.items:
        return _ALWAYS if isinstance(node, And) else _NEVER
    return "(" + joiner.join(where_text(item) for item in node.items) + ")"


def select(fields: Sequence[str], sobject: str, where: Filter | None = None) -> str:
    """`SELECT … FROM …[ WHERE …]` with every name checked."""
    text = f"SELECT {', '.join(name(f) for f in fields)} FROM {name(sobject)}"  # noqa: S608 - names are checked
    return f"{text} WHERE {where_text(where)}" if where is not None else text


def compile_query(query: Query) -> str:
    """The one SOQL text of a query, however long."""
    return select(query.fields, query.sobject, query.condition())


def soql_texts(query: Query, max_length: int = MAX_QUERY_LENGTH) -> list[str]:
    """The SOQL texts that together read `query`: one, or its long list split so each stays within `max_length`.

    A list item longer than the budget alone still goes in a text of its own (Salesforce then says so).
    """
    whole = compile_query(query)
    if len(whole) <= max_length:
        return [whole]
    found = _long_list(query.condition())
    if found is None:
        return [whole]
    return [select(query.fields, query.sobject, found.rebuild(part)) for part in _packed(query, found, max_length)]


@dataclass(frozen=True)
class _LongList:
    """The list a query is split along: its units (values or items), their text sizes and how to rebuild."""

    units: tuple[object, ...]
    sizes: tuple[int, ...]
    rebuild: Callable[[tuple[object, ...]], Filter]


def _long_list(node: Filter | None) -> _LongList | None:
    if isinstance(node, In) and not node.negated:
        sizes = tuple(len(literal(v)) + 1 for v in node.values)  # each value and its comma
        return _LongList(node.values, sizes, lambda part: replace(node, values=part))  # type: ignore[arg-type]
    if isinstance(node, Or):
        sizes = tuple(len(where_text(item)) + len(" OR ") for item in node.items)
        return _LongList(node.items, sizes, lambda part: Or(part))  # type: ignore[arg-type]
    if isinstance(node, And):
        candidates = [(i, found) for i, item in enumerate(node.items) if (found := _long_list(item)) is not None]
        if not candidates:
            return None
        index, inner = max(candidates, key=lambda c: sum(c[1].sizes))
        items = node.items

        def rebuild(part: tuple[object, ...]) -> Filter:
            return And((*items[:index], inner.rebuild(part), *items[index + 1 :]))

        return _LongList(inner.units, inner.sizes, rebuild)
    return None


def _packed(query: Query, found: _LongList, max_length: int) -> list[tuple[object, ...]]:
    """Consecutive runs of units, each as long as its query text stays within `max_length` (at least one)."""
    base = len(select(query.fields, query.sobject, found.rebuild(found.units[:1]))) - found.sizes[0]
    parts: list[tuple[object, ...]] = []
    start, length = 0, base
    for index, size in enumerate(found.sizes):
        if index > start and length + size > max_length:
            parts.append(found.units[start:index])
            start, length = index, base
        length += size
    parts.append(found.units[start:])
    return parts
