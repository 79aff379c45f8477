"""Compiles a parsed query into a `Plan`: parameterised SQLite SQL plus the shape of its records.

SQL text is assembled from catalog identifiers and aliases only (hence the S608 waivers); every
value from the query travels as a parameter.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from typing import Any

from sfsync.localorg.catalog import Catalog
from sfsync.localorg.soql.aggregates import AggregateSelection, is_aggregate, is_count_only
from sfsync.localorg.soql.children import ChildPlan, compile_child
from sfsync.localorg.soql.errors import SoqlError, invalid_field, malformed
from sfsync.localorg.soql.filters import FilterCompiler, Sql
from sfsync.localorg.soql.records import Shape
from sfsync.localorg.soql.scope import Access, FieldRef, Scope, open_object
from sfsync.localorg.soql.selection import Columns, CsvColumn, RecordSelection
from sfsync.localorg.soql.syntax import AggregateItem, FieldItem, FieldsItem, OrderItem, Query, SubqueryItem
from sfsync.localorg.soql.values import ID_TYPES, is_text

MAX_OFFSET = 2000
MAX_FIELDS_LIMIT = 200


@dataclass(frozen=True)
class Plan:
    """Everything needed to read any page of a query's result."""

    sobject: str
    sql: str  # SELECT … ORDER BY …, without LIMIT/OFFSET
    count_sql: str
    params: tuple[Any, ...]
    shape: Shape
    limit: int | None
    offset: int
    count_only: bool
    children: tuple[ChildPlan, ...] = ()
    csv: tuple[CsvColumn, ...] = ()
    has_compound: bool = False
    aggregate: bool = False
    keyset_sql: str | None = None  # the next page after a known row: `… AND (keys) > (?, …) ORDER BY …`
    key_indexes: tuple[int, ...] = ()


@dataclass
class Compiler:
    soql: str
    catalog: Catalog
    access: Access
    today: date
    include_deleted: bool

    def __post_init__(self) -> None:
        self._aliases = itertools.count()

    def compile(self, query: Query) -> Plan:
        _check_limits(self.soql, query)
        spec = open_object(self.soql, self.catalog, self.access, query.sobject, query.sobject_pos)
        scope = Scope(self.soql, self.catalog, self.access, spec, self._aliases, query.alias)
        columns = Columns()
        if is_aggregate(query):
            return self._aggregate_plan(query, scope, columns)
        selection = RecordSelection(scope, columns)
        children: list[ChildPlan] = []
        for item in query.select:  # one at a time: a subquery's key takes its place among the fields
            if isinstance(item, SubqueryItem):
                children.append(compile_child(self, item.query, scope, selection.shape))
            else:
                selection.add_items((item,))
        where_sql, params = self.where(query, scope)
        order_sql, keys, descending = self._record_order(query, scope)
        key_indexes = tuple(columns.add(key) for key in keys or ())
        select = f"SELECT {columns.sql} FROM {scope.from_sql} WHERE {where_sql}"  # noqa: S608
        count_sql = f"SELECT COUNT(*) FROM {scope.from_sql} WHERE {where_sql}"  # noqa: S608
        keyset_sql = None
        if keys is not None:
            marks = ", ".join("?" for _ in keys)
            after = "<" if descending else ">"
            keyset_sql = f"{select} AND ({', '.join(keys)}) {after} ({marks}){order_sql}"
        return Plan(
            spec.name, select + order_sql, count_sql, tuple(params), selection.shape, query.limit,
            query.offset or 0, False, tuple(children), tuple(selection.csv), selection.has_compound,
            keyset_sql=keyset_sql, key_indexes=key_indexes,
        )  # fmt: skip

    def _record_order(self, query: Query, scope: Scope) -> tuple[str, list[str] | None, bool]:
        """ORDER BY made total by a final `Id` (same direction as the rest when they all agree)."""
        order = [self._order(item, scope) for item in query.order_by]
        descending = bool(query.order_by) and all(item.descending for item in query.order_by)
        if not any(text.startswith(f'{scope.alias}."Id" ') for text in order):
            order.append(f'{scope.alias}."Id" {"DESC" if descending else "ASC"}')
        return f" ORDER BY {', '.join(order)}", keyset_columns(query, scope), descending

    def where(self, query: Query, scope: Scope) -> Sql:
        """The WHERE text of `query` on `scope`, recycle-bin rows excluded unless reading all rows."""
        clauses = [] if self.include_deleted else [f'{scope.alias}."IsDeleted" = 0']
        params: list[Any] = []
        if query.where is not None:
            text, params = FilterCompiler(scope, self.today, self.semi_join).compile(query.where)
            clauses.append(f"({text})")
        return " AND ".join(clauses) or "1", params

    def semi_join(self, query: Query, outer: Scope) -> Sql:
        """`SELECT <one Id or reference field> FROM … WHERE …` as a subquery, nulls left out."""
        spec = open_object(self.soql, self.catalog, self.access, query.sobject, query.sobject_pos)
        scope = Scope(self.soql, self.catalog, self.access, spec, self._aliases, query.alias)
        fields = [item for item in query.select if isinstance(item, FieldItem)]
        if len(fields) != 1 or len(query.select) != 1:
            raise malformed(self.soql, query.sobject_pos, "Only one field may be selected in a semi join")
        ref = scope.resolve(fields[0].path)
        if ref.spec.type not in ID_TYPES:
            raise malformed(self.soql, fields[0].path.pos, "Invalid semi join: the selected field must be an Id")
        where_sql, params = self.where(query, scope)
        return f"SELECT {ref.sql} FROM {scope.from_sql} WHERE {ref.sql} IS NOT NULL AND {where_sql}", params  # noqa: S608

    def order_sql(self, items: tuple[OrderItem, ...], scope: Scope) -> list[str]:
        return [self._order(item, scope) for item in items]

    def _order(self, item: OrderItem, scope: Scope, aggregate: AggregateSelection | None = None) -> str:
        if isinstance(item.target, AggregateItem):
            if aggregate is None:
                raise malformed(self.soql, item.target.pos, "Ordered field must be grouped or aggregated")
            expression = aggregate.expression(item.target)[0]
        else:
            ref = aggregate.grouped(item.target) if aggregate else scope.resolve(item.target)
            _check_sortable(self.soql, ref, item)
            expression = f"{ref.sql} COLLATE NOCASE" if is_text(ref.spec) else ref.sql
        text = f"{expression} {'DESC' if item.descending else 'ASC'}"
        # Salesforce's defaults (ASC nulls first, DESC nulls last) are SQLite's: only state a change.
        if item.nulls_first is not None and item.nulls_first == item.descending:
            text += " NULLS FIRST" if item.nulls_first else " NULLS LAST"
        return text

    def _aggregate_plan(self, query: Query, scope: Scope, columns: Columns) -> Plan:
        selection = AggregateSelection(scope, columns)
        selection.add_groups(query.group_by)
        count_only = is_count_only(query)
        if count_only and (len(query.select) != 1 or query.group_by):
            raise malformed(self.soql, query.sobject_pos, "COUNT() can only be used alone")
        if not count_only:
            selection.add_items(query.select)
        where_sql, params = self.where(query, scope)
        base = f"FROM {scope.from_sql} WHERE {where_sql}"
        group_sql = f" GROUP BY {selection.group_sql}" if selection.groups else ""
        order = [self._order(item, scope, selection) for item in query.order_by]
        order += [ref.sql for ref in selection.groups]
        order_sql = f" ORDER BY {', '.join(order)}" if order else ""
        sql = f"SELECT {columns.sql or '1'} {base}{group_sql}{order_sql}"
        if count_only:
            count_sql = f"SELECT COUNT(*) {base}"
        elif group_sql:
            count_sql = f"SELECT COUNT(*) FROM (SELECT 1 {base}{group_sql})"  # noqa: S608
        else:  # aggregates over the whole result make exactly one row
            count_sql = "SELECT 1"
        return Plan(
            scope.spec.name, sql, count_sql, tuple(params), selection.shape, query.limit, query.offset or 0,
            count_only, aggregate=True,
        )  # fmt: skip


def keyset_columns(query: Query, scope: Scope) -> list[str] | None:
    """Sort keys that allow keyset paging, or None.

    Row-value comparison is only exact when every key is a non-null, binary-collated column of the
    base object and all keys sort the same way; `Id` always ends the list to make the order total.
    """
    keys: list[str] = []
    directions = {item.descending for item in query.order_by}
    if len(directions) > 1:
        return None
    for item in query.order_by:
        if isinstance(item.target, AggregateItem) or item.nulls_first is not None:
            return None
        ref = scope.resolve(item.target)
        if ref.table != scope.alias or is_text(ref.spec) or ref.spec.flag("nillable") or not ref.spec.stored:
            return None
        keys.append(ref.sql)
    id_sql = f'{scope.alias}."Id"'
    return keys if id_sql in keys else [*keys, id_sql]


def _check_sortable(soql: str, ref: FieldRef, item: OrderItem) -> None:
    if not ref.spec.flag("sortable") or not ref.spec.stored:
        pos = item.target.pos
        raise invalid_field(soql, pos, f"field '{ref.spec.name}' can not be sorted in a query call")


def _check_limits(soql: str, query: Query) -> None:
    fields = next((i for i in query.select if isinstance(i, FieldsItem) and i.kind != "STANDARD"), None)
    if fields is not None and (query.limit is None or query.limit > MAX_FIELDS_LIMIT):
        raise malformed(soql, fields.pos, "The SOQL FIELDS function must have a LIMIT of at most 200")
    if query.offset is not None and query.offset > MAX_OFFSET:
        raise SoqlError("NUMBER_OUTSIDE_VALID_RANGE", f"Maximum SOQL offset allowed is {MAX_OFFSET}")
