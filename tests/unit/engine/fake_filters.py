"""The port's filter tree evaluated over the fake's records, as Salesforce evaluates the SOQL it compiles to.

Text compares case-insensitively; an empty text is null (Salesforce stores no empty strings); a
datetime or date value compares against the record's Salesforce-formatted text as a moment or a day;
a comparison with null is false but for `=`/`!=`.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Mapping
from typing import Any

from sfsync.salesforce.query import And, Compare, Comparison, Filter, In, IsNull, Like, LikeAt, Not, Value

_ORDER: dict[Comparison, Callable[[Any, Any], bool]] = {
    Comparison.GT: operator.gt,
    Comparison.GTE: operator.ge,
    Comparison.LT: operator.lt,
    Comparison.LTE: operator.le,
}


def holds(node: Filter | None, record: Mapping[str, Any]) -> bool:
    """Whether the record is one the filter reads (no filter: every record)."""
    if node is None:
        return True
    if isinstance(node, Compare):
        return _compare(node.op, record.get(node.field), node.value)
    if isinstance(node, In):
        found = any(_compare(Comparison.EQ, record.get(node.field), v) for v in node.values)
        return found != node.negated
    if isinstance(node, Like):
        return _like(record.get(node.field), node)
    if isinstance(node, IsNull):
        return _is_null(record.get(node.field)) != node.negated
    if isinstance(node, Not):
        return not holds(node.item, record)
    if isinstance(node, And):
        return all(holds(item, record) for item in node.items)
    return any(holds(item, record) for item in node.items)


def _compare(op: Comparison, stored: Any, wanted: Value) -> bool:
    if _is_null(stored) or wanted is None:
        both = _is_null(stored) and wanted is None
        return both if op is Comparison.EQ else (not both if op is Comparison.NE else False)
    left, right = _comparable(stored, wanted)
    if op is Comparison.EQ:
        return bool(left == right)
    if op is Comparison.NE:
        return bool(left != right)
    return _ORDER[op](left, right)


def _comparable(stored: Any, wanted: Value) -> tuple[Any, Any]:
    """Both sides in the filter value's terms."""
    if isinstance(wanted, dt.datetime):
        moment = wanted if wanted.tzinfo else wanted.replace(tzinfo=dt.UTC)
        return _moment(stored), moment.replace(microsecond=0)  # SOQL datetimes are to the second
    if isinstance(wanted, dt.date):
        return dt.date.fromisoformat(str(stored)[:10]), wanted
    if isinstance(wanted, bool):
        return str(stored).lower() == "true", wanted
    if isinstance(wanted, int | float):
        return float(stored), float(wanted)
    return str(stored).casefold(), str(wanted).casefold()


def _moment(stored: Any) -> dt.datetime:
    if isinstance(stored, dt.datetime):
        return stored if stored.tzinfo else stored.replace(tzinfo=dt.UTC)
    text = str(stored).replace("Z", "+00:00")
    if len(text) > 5 and text[-5] in "+-" and text[-3] != ":":
        text = f"{text[:-2]}:{text[-2:]}"
    return dt.datetime.fromisoformat(text)


def _like(stored: Any, node: Like) -> bool:
    if _is_null(stored):
        return False
    text, part = str(stored).casefold(), node.text.casefold()
    if node.at is LikeAt.STARTS:
        return text.startswith(part)
    if node.at is LikeAt.ENDS:
        return text.endswith(part)
    return part in text


def _is_null(value: Any) -> bool:
    return value is None or value == ""
