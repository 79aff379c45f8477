"""Filters evaluated on a subject, and the exclusions built on them.

A node with `salesforce: Object` holds when at least one related mirrored record of that object makes
it hold (its conditions then name Salesforce fields). A company exclusion covers the company, every
company on the same domain (through the Accounts of its domain group) and all its people.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from sfsync.catalogue import Kind
from sfsync.config.filters import All, Condition, Not, Op
from sfsync.config.filters import Any as AnyOf
from sfsync.config.models import Exclusion
from sfsync.engine.subject import Subject
from sfsync.engine.values import lookup

Node = Condition | All | AnyOf | Not


def holds(node: Node, subject: Subject, record: Mapping[str, Any] | None = None) -> bool:
    """Whether the filter holds for the subject (or, inside a `salesforce` scope, for `record`)."""
    if node.salesforce is not None and record is None:
        return any(_holds_here(node, subject, r) for r in subject.records(node.salesforce))
    return _holds_here(node, subject, record)


def _holds_here(node: Node, subject: Subject, record: Mapping[str, Any] | None) -> bool:
    if isinstance(node, Condition):
        actual = record.get(node.field) if record is not None else lookup(subject.context(), node.field)
        return compare(node.op, actual, node.value)
    if isinstance(node, All):
        return all(holds(child, subject, record) for child in node.all)
    if isinstance(node, AnyOf):
        return any(holds(child, subject, record) for child in node.any)
    return not holds(node.not_, subject, record)


def compare(op: Op, actual: Any, expected: Any) -> bool:
    """One comparison, loosely typed as SOQL is: text case-insensitively, numbers and booleans by value."""
    if op is Op.IS_NULL:
        return _canon(actual) in (None, "")
    if op is Op.IS_NOT_NULL:
        return _canon(actual) not in (None, "")
    if op in (Op.IN, Op.NOT_IN):
        found = any(_canon(actual) == _canon(v) for v in expected or [])
        return found if op is Op.IN else not found
    left, right = _canon(actual), _canon(expected)
    if op is Op.EQ:
        return bool(left == right)
    if op is Op.NE:
        return bool(left != right)
    if left is None:
        return False
    return _ordered(op, left, right)


def _ordered(op: Op, left: Any, right: Any) -> bool:
    if op in (Op.CONTAINS, Op.STARTS_WITH, Op.ENDS_WITH):
        text, part = str(left), str(right)
        return {Op.CONTAINS: part in text, Op.STARTS_WITH: text.startswith(part), Op.ENDS_WITH: text.endswith(part)}[op]
    if type(left) is not type(right):
        left, right = str(left), str(right)
    try:
        return bool({Op.GT: left > right, Op.GTE: left >= right, Op.LT: left < right, Op.LTE: left <= right}[op])
    except (TypeError, KeyError):
        return False


def _canon(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return Decimal(str(value))
    text = str(value).strip().lower()
    if text in ("true", "false"):
        return text == "true"
    try:
        return Decimal(text)
    except InvalidOperation:
        return text


def exclusion_for(subject: Subject, exclusions: Sequence[Exclusion]) -> str | None:
    """The name of the first exclusion covering the subject, or None.

    A person is covered by person exclusions and by every company exclusion covering its company.
    """
    for exclusion in exclusions:
        if exclusion.applies_to is subject.kind and holds(exclusion.where, subject):
            return exclusion.name
    if subject.kind is Kind.PERSON and subject.company is not None:
        company_rules = [e for e in exclusions if e.applies_to is Kind.COMPANY]
        return exclusion_for(subject.company, company_rules)
    return None
