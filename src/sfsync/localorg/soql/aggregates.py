"""Aggregate queries: `COUNT()`, and `GROUP BY` with COUNT/COUNT_DISTINCT/SUM/AVG/MIN/MAX."""

from __future__ import annotations

from dataclasses import dataclass, field

from sfsync.localorg.soql.errors import invalid_field, malformed
from sfsync.localorg.soql.records import Shape, Value
from sfsync.localorg.soql.scope import FieldRef, Scope
from sfsync.localorg.soql.selection import Columns
from sfsync.localorg.soql.syntax import AggregateItem, FieldItem, FieldsItem, Path, Query, SelectItem

_RESULT_TYPES = {"COUNT": "int", "COUNT_DISTINCT": "int", "SUM": "double", "AVG": "double"}


def is_aggregate(query: Query) -> bool:
    return bool(query.group_by) or any(isinstance(item, AggregateItem) for item in query.select)


def is_count_only(query: Query) -> bool:
    """`SELECT COUNT() FROM …`: the answer is `totalSize` alone."""
    return any(isinstance(item, AggregateItem) and item.path is None for item in query.select)


@dataclass
class AggregateSelection:
    """Builds `AggregateResult` rows: grouped fields keep their name, aggregates their alias or exprN."""

    scope: Scope
    columns: Columns
    shape: Shape = field(default_factory=lambda: Shape(None, None))
    groups: list[FieldRef] = field(default_factory=list)
    _unnamed: int = 0

    def add_groups(self, paths: tuple[Path, ...]) -> None:
        for path in paths:
            ref = self.scope.resolve(path)
            if not ref.spec.flag("groupable"):
                text = f"field '{ref.spec.name}' can not be grouped in a query call"
                raise invalid_field(self.scope.soql, path.pos, text)
            self.groups.append(ref)

    def add_items(self, items: tuple[SelectItem, ...]) -> None:
        for item in items:
            if isinstance(item, AggregateItem):
                self._aggregate(item)
            elif isinstance(item, FieldItem):
                self._grouped(item.path)
            else:
                pos = item.pos if isinstance(item, FieldsItem) else item.query.sobject_pos
                raise malformed(self.scope.soql, pos, "Field must be grouped or aggregated")

    def expression(self, item: AggregateItem) -> tuple[str, FieldRef]:
        if item.path is None:
            raise malformed(self.scope.soql, item.pos, "COUNT() can only be used alone")
        ref = self.scope.resolve(item.path)
        if item.function == "COUNT_DISTINCT":
            return f"COUNT(DISTINCT {ref.sql})", ref
        return f"{item.function}({ref.sql})", ref

    def grouped(self, path: Path) -> FieldRef:
        ref = self.scope.resolve(path)
        if not any(g.sql == ref.sql for g in self.groups):
            raise malformed(self.scope.soql, path.pos, f"Field must be grouped or aggregated: {ref.spec.name}")
        return ref

    @property
    def group_sql(self) -> str:
        return ", ".join(ref.sql for ref in self.groups)

    def _aggregate(self, item: AggregateItem) -> None:
        expression, ref = self.expression(item)
        key = item.alias
        if key is None:
            key = f"expr{self._unnamed}"
            self._unnamed += 1
        kind = _RESULT_TYPES.get(item.function, ref.spec.type)
        self.shape.entries.append(Value(key, self.columns.add(expression), kind))

    def _grouped(self, path: Path) -> None:
        ref = self.grouped(path)
        self.shape.entries.append(Value(ref.spec.name, self.columns.add(ref.sql), ref.spec.type))
