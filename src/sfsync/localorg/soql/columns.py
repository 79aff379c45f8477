"""A query's column metadata (`/query?columns=true&q=…`): the SELECT list as Salesforce describes it.

The Salesforce CLI reads it to lay out `sf data query` results: one entry per selected item in
SELECT order; a parent relationship is a column whose `joinColumns` are its fields; a child subquery
is an `aggregate` column whose `joinColumns` are the subquery's; an aggregate function is an
`aggregate` column named by its alias or `exprN`, displayed as written (`COUNT(Id)`).
"""

from __future__ import annotations

from typing import Any

from sfsync.localorg.catalog import Catalog, FieldSpec, ObjectSpec
from sfsync.localorg.soql.children import ChildPlan
from sfsync.localorg.soql.plan import Plan
from sfsync.localorg.soql.polymorphic import NAME, NAME_SPEC
from sfsync.localorg.soql.records import Children, Compound, Parent, Shape, Value
from sfsync.localorg.soql.syntax import AggregateItem, FieldItem, Query

# The Apex type of each field type, as the metadata's `apexType` names it.
_APEX_TYPES = {
    "id": "Id",
    "reference": "Id",
    "boolean": "Boolean",
    "int": "Integer",
    "double": "Double",
    "currency": "Decimal",
    "percent": "Decimal",
    "date": "Date",
    "datetime": "Datetime",
    "time": "Time",
    "address": "Address",
    "location": "Location",
}
_NUMBER_TYPES = frozenset({"int", "double", "currency", "percent"})
_TEXT_TYPES = frozenset({"string", "textarea", "picklist", "multipicklist", "email", "phone", "url", "combobox"})


def column_metadata(plan: Plan, query: Query, catalog: Catalog) -> dict[str, Any]:
    """The body of `/query?columns=true` for a compiled `plan` of `query`."""
    spec = catalog.get(plan.sobject)
    if plan.aggregate:
        columns = [] if plan.count_only else _aggregate_columns(query, plan.shape, spec)
    else:
        columns = _record_columns(plan.shape, spec, plan.children, catalog, "")
    id_selected = any(isinstance(e, Value) and e.key == "Id" for e in plan.shape.entries)
    return {
        "columnMetadata": columns,
        "entityName": plan.sobject,
        "groupBy": bool(query.group_by),
        "idSelected": id_selected and not plan.aggregate,
        "keyPrefix": spec.key_prefix if spec is not None else None,
    }


def _record_columns(
    shape: Shape, spec: ObjectSpec | None, children: tuple[ChildPlan, ...], catalog: Catalog, prefix: str
) -> list[dict[str, Any]]:
    columns: list[dict[str, Any]] = []
    for entry in shape.entries:
        if isinstance(entry, Value | Compound):
            field = spec.field(entry.key) if spec is not None else None
            columns.append(_field_column(entry.key, prefix + entry.key, field))
        elif isinstance(entry, Parent):
            parent = NAME_SPEC if entry.shape.sobject == NAME else catalog.get(entry.shape.sobject or "")
            joins = _record_columns(entry.shape, parent, (), catalog, f"{prefix}{entry.key}.")
            columns.append(_column(entry.key, prefix + entry.key, joins=joins))
        elif isinstance(entry, Children):
            child = next(c for c in children if c.key == entry.key)
            child_spec = catalog.get(child.shape.sobject or "")
            joins = _record_columns(child.shape, child_spec, (), catalog, "")
            columns.append(_column(entry.key, prefix + entry.key, aggregate=True, joins=joins))
    return columns


def _aggregate_columns(query: Query, shape: Shape, spec: ObjectSpec | None) -> list[dict[str, Any]]:
    """AggregateResult columns, in SELECT order: the shape holds their keys, the query their text."""
    columns: list[dict[str, Any]] = []
    items = [item for item in query.select if isinstance(item, AggregateItem | FieldItem)]
    for item, entry in zip(items, shape.entries, strict=False):
        if not isinstance(entry, Value):
            continue
        if isinstance(item, AggregateItem):
            argument = item.path.text if item.path is not None else ""
            display = item.alias or f"{item.function}({argument})"  # the CLI reads an aliased value by it
            column = _column(entry.key, display, aggregate=True)
            column |= _type_flags(entry.type)
            columns.append(column)
        else:
            field = spec.field(entry.key) if spec is not None and len(item.path.parts) == 1 else None
            columns.append(_field_column(entry.key, item.path.text, field))
    return columns


def _field_column(name: str, display: str, field: FieldSpec | None) -> dict[str, Any]:
    column = _column(name, display)
    if field is None:
        return column
    return (
        column
        | _type_flags(field.type)
        | {
            "custom": field.flag("custom"),
            "insertable": field.flag("createable"),
            "updatable": field.flag("updateable"),
        }
    )


def _type_flags(field_type: str) -> dict[str, Any]:
    return {
        "apexType": _APEX_TYPES.get(field_type, "String"),
        "booleanType": field_type == "boolean",
        "numberType": field_type in _NUMBER_TYPES,
        "textType": field_type in _TEXT_TYPES,
    }


def _column(
    name: str, display: str, *, aggregate: bool = False, joins: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {
        "aggregate": aggregate,
        "apexType": None,
        "booleanType": False,
        "columnName": name,
        "custom": name.endswith("__c") or name.endswith("__r"),
        "displayName": display,
        "foreignKeyName": None,
        "insertable": False,
        "joinColumns": joins or [],
        "numberType": False,
        "textType": False,
        "updatable": False,
    }
