"""Filters evaluated on a subject, and the exclusions built on them.

A node with `salesforce: Object` holds when at least one related mirrored record of that object makes
it hold (its conditions then name Salesforce fields, compared by their type in the describe). A
company exclusion covers the company, every company on the same domain (through the Accounts of its
domain group) and all its people.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from sfsync.catalogue import Kind
from sfsync.catalogue import lookup as catalogue_field
from sfsync.config.filters import All, Condition, Not, Op
from sfsync.config.filters import Any as AnyOf
from sfsync.config.models import Exclusion
from sfsync.engine.field_values import FieldValues, blank, for_field, for_workspace
from sfsync.engine.field_values.flags import Boolean
from sfsync.engine.field_values.numbers import Number
from sfsync.engine.subject import Subject
from sfsync.engine.values import lookup
from sfsync.salesforce.port import ObjectDescribe

Node = Condition | All | AnyOf | Not
Describes = Mapping[str, ObjectDescribe]
NO_DESCRIBES: Describes = {}


def holds(
    node: Node,
    subject: Subject,
    record: Mapping[str, Any] | None = None,
    describes: Describes = NO_DESCRIBES,
    sobject: str | None = None,
) -> bool:
    """Whether the filter holds for the subject (or, inside a `salesforce` scope, for `record` of `sobject`).

    A Salesforce field compares by its type in `describes`; a workspace field by its catalogue type.
    """
    if node.salesforce is not None and record is None:
        scope = node.salesforce
        return any(_holds_here(node, subject, r, describes, scope) for r in subject.records(scope))
    return _holds_here(node, subject, record, describes, sobject)


def _holds_here(
    node: Node, subject: Subject, record: Mapping[str, Any] | None, describes: Describes, sobject: str | None
) -> bool:
    if isinstance(node, Condition):
        if record is not None:
            kind = _salesforce_kind(describes, sobject, node.field)
            return compare(node.op, record.get(node.field), node.value, kind)
        return compare(node.op, lookup(subject.lookups, node.field), node.value, _workspace_kind(node.field))
    if isinstance(node, All):
        return all(holds(child, subject, record, describes, sobject) for child in node.all)
    if isinstance(node, AnyOf):
        return any(holds(child, subject, record, describes, sobject) for child in node.any)
    return not holds(node.not_, subject, record, describes, sobject)


def _salesforce_kind(describes: Describes, sobject: str | None, name: str) -> FieldValues | None:
    describe = describes.get(sobject) if sobject else None
    info = describe.field(name) if describe else None
    return for_field(info) if info else None


# Asked of every record a filter is evaluated on: the catalogue is fixed, and a config names a handful of paths.
@cache
def _workspace_kind(path: str) -> FieldValues | None:
    spec = catalogue_field(path)
    return for_workspace(spec.type) if spec else None


def compare(op: Op, actual: Any, expected: Any, kind: FieldValues | None = None) -> bool:
    """One comparison by the field's kind: numbers by value only in number fields, booleans strictly,
    ids by their 18-character form, dates parsed; text case-insensitively, as SOQL compares it.

    Without a kind (an attribute, a field the describe does not list) the literal's type decides:
    a number compares numbers, `true`/`false` a boolean, text compares text.
    """
    if op is Op.IS_NULL:
        return blank(actual)
    if op is Op.IS_NOT_NULL:
        return not blank(actual)
    if op in (Op.IN, Op.NOT_IN):
        found = any(_equal(kind or _literal_kind(v), actual, v) for v in expected or [])
        return found if op is Op.IN else not found
    chosen = kind or _literal_kind(expected)
    if op is Op.EQ:
        return _equal(chosen, actual, expected)
    if op is Op.NE:
        return not _equal(chosen, actual, expected)
    if blank(actual):
        return False
    if op in (Op.CONTAINS, Op.STARTS_WITH, Op.ENDS_WITH):
        text, part = chosen.filter_text(actual), str(expected).strip().casefold()
        return {Op.CONTAINS: part in text, Op.STARTS_WITH: text.startswith(part), Op.ENDS_WITH: text.endswith(part)}[op]
    return _ordered(op, chosen.filter_key(actual), chosen.filter_key(expected))


def _literal_kind(expected: Any) -> FieldValues:
    if isinstance(expected, bool):
        return Boolean()
    if isinstance(expected, int | float):
        return Number()
    return for_workspace(None)


def _equal(kind: FieldValues, actual: Any, expected: Any) -> bool:
    if kind.is_empty(actual) or kind.is_empty(expected):
        return kind.is_empty(actual) and kind.is_empty(expected)
    return bool(kind.filter_key(actual) == kind.filter_key(expected))


def _ordered(op: Op, left: Any, right: Any) -> bool:
    """Ordering between two keys of one kind; values that do not order (text against a number) never hold."""
    try:
        return bool({Op.GT: left > right, Op.GTE: left >= right, Op.LT: left < right, Op.LTE: left <= right}[op])
    except (TypeError, KeyError):
        return False


def exclusion_for(subject: Subject, exclusions: Sequence[Exclusion], describes: Describes = NO_DESCRIBES) -> str | None:
    """The name of the first exclusion covering the subject, or None.

    A person is covered by person exclusions and by every company exclusion covering its company.
    """
    for exclusion in exclusions:
        if exclusion.applies_to is subject.kind and holds(exclusion.where, subject, describes=describes):
            return exclusion.name
    if subject.kind is Kind.PERSON and subject.company is not None:
        company_rules = [e for e in exclusions if e.applies_to is Kind.COMPANY]
        return exclusion_for(subject.company, company_rules, describes)
    return None
