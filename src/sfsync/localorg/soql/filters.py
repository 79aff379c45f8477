"""WHERE conditions compiled to parameterised SQLite SQL.

Text `=`, IN and LIKE compare case-insensitively (Salesforce does); `!=` and NOT IN match nulls too.
Literal values only ever travel as parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sfsync.localorg.catalog import FieldSpec
from sfsync.localorg.soql.dates import day_start, literal_range
from sfsync.localorg.soql.errors import invalid_field, malformed
from sfsync.localorg.soql.scope import FieldRef, Scope
from sfsync.localorg.soql.syntax import Comparison, Condition, Junction, Literal, Negation, Query, SemiJoin
from sfsync.localorg.soql.values import ID_TYPES, is_text, stored_value, type_mismatch

Sql = tuple[str, list[Any]]
SemiJoinCompiler = Callable[[Query, Scope], Sql]
_RANGE_OPS = {"<": "< {s}", "<=": "< {e}", ">": ">= {e}", ">=": ">= {s}"}


@dataclass(frozen=True)
class FilterCompiler:
    scope: Scope
    today: date
    semi_join: SemiJoinCompiler

    @property
    def soql(self) -> str:
        return self.scope.soql

    def compile(self, condition: Condition) -> Sql:
        if isinstance(condition, Junction):
            parts = [self.compile(item) for item in condition.items]
            sql = f" {condition.op} ".join(f"({text})" for text, _ in parts)
            return sql, [param for _, params in parts for param in params]
        if isinstance(condition, Negation):
            text, params = self.compile(condition.item)
            return f"NOT ({text})", params
        if isinstance(condition, SemiJoin):
            return self._semi_join(condition)
        return self._comparison(condition)

    def _filterable(self, condition: Comparison | SemiJoin) -> FieldRef:
        ref = self.scope.resolve(condition.path)
        if not ref.spec.flag("filterable") or not ref.spec.stored:
            text = f"field '{ref.spec.name}' can not be filtered in query call"
            raise invalid_field(self.soql, condition.path.pos, text)
        return ref

    def _semi_join(self, condition: SemiJoin) -> Sql:
        ref = self._filterable(condition)
        if ref.spec.type not in ID_TYPES:
            raise malformed(self.soql, condition.path.pos, "Invalid semi join: the left operand must be an Id")
        inner, params = self.semi_join(condition.query, self.scope)
        if condition.negated:
            return f"({ref.sql} IS NULL OR {ref.sql} NOT IN ({inner}))", params
        return f"{ref.sql} IN ({inner})", params

    def _comparison(self, condition: Comparison) -> Sql:
        ref = self._filterable(condition)
        if condition.op in {"INCLUDES", "EXCLUDES"}:
            return self._includes(condition, ref)
        first = condition.values[0]
        if first.kind == "date_literal" and condition.op not in {"IN", "NOT IN"}:
            return self._date_range(condition.op, first, ref)
        if condition.op in {"IN", "NOT IN"}:
            return self._membership(condition, ref)
        if condition.op == "LIKE":
            return self._like(first, ref)
        return self._compare(condition.op, first, ref)

    def _compare(self, op: str, literal: Literal, ref: FieldRef) -> Sql:
        value = stored_value(self.soql, literal, ref.spec)
        if value is None:
            if op not in {"=", "!="}:
                raise malformed(self.soql, literal.pos, "invalid operator for null value")
            return f"{ref.sql} IS {'NOT ' if op == '!=' else ''}NULL", []
        column = _text_column(ref)
        if is_text(ref.spec):
            value = str(value).replace("\\%", "%").replace("\\_", "_")
        if op == "!=":
            return f"({ref.sql} IS NULL OR {column} <> ?)", [value]
        return f"{column} {op} ?", [value]

    def _like(self, literal: Literal, ref: FieldRef) -> Sql:
        if literal.kind != "string" or not is_text(ref.spec):
            raise type_mismatch(self.soql, literal, ref.spec)
        return f"{ref.sql} LIKE ? ESCAPE '\\'", [literal.value]

    def _membership(self, condition: Comparison, ref: FieldRef) -> Sql:
        values = [stored_value(self.soql, literal, ref.spec) for literal in condition.values]
        present = [v for v in values if v is not None]
        has_null = len(present) < len(values)
        column = _text_column(ref)
        marks = ", ".join("?" for _ in present)
        if condition.op == "IN":
            sql = f"{column} IN ({marks})" if present else "0"
            return (f"({sql} OR {ref.sql} IS NULL)" if has_null else sql), present
        sql = f"{column} NOT IN ({marks})" if present else "1"
        if has_null:
            return f"({ref.sql} IS NOT NULL AND {sql})", present
        return f"({ref.sql} IS NULL OR {sql})", present

    def _date_range(self, op: str, literal: Literal, ref: FieldRef) -> Sql:
        if ref.spec.type not in {"date", "datetime"}:
            raise type_mismatch(self.soql, literal, ref.spec)
        start_day, end_day = literal_range(str(literal.value), literal.argument, self.today)
        start, end = _bound(start_day, ref.spec), _bound(end_day, ref.spec)
        if op == "=":
            return f"({ref.sql} >= ? AND {ref.sql} < ?)", [start, end]
        if op == "!=":
            return f"({ref.sql} IS NULL OR {ref.sql} < ? OR {ref.sql} >= ?)", [start, end]
        if op not in _RANGE_OPS:
            raise malformed(self.soql, literal.pos, f"invalid operator {op} for a date literal")
        template = _RANGE_OPS[op]
        return f"{ref.sql} {template.format(s='?', e='?')}", [start if "{s}" in template else end]

    def _includes(self, condition: Comparison, ref: FieldRef) -> Sql:
        if ref.spec.type != "multipicklist":
            text = f"invalid operator on multipicklist field: {condition.op} on {ref.spec.name}"
            raise malformed(self.soql, condition.pos, text)
        alternatives: list[str] = []
        params: list[Any] = []
        for literal in condition.values:
            items = [item for item in str(stored_value(self.soql, literal, ref.spec)).split(";") if item]
            alternatives.append(" AND ".join(f"(';' || {ref.sql} || ';') LIKE ? ESCAPE '\\'" for _ in items) or "1")
            params.extend(f"%;{_like_escape(item)};%" for item in items)
        sql = " OR ".join(f"({text})" for text in alternatives)
        if condition.op == "EXCLUDES":
            return f"({ref.sql} IS NULL OR NOT ({sql}))", params
        return f"({sql})", params


def _text_column(ref: FieldRef) -> str:
    return f"{ref.sql} COLLATE NOCASE" if is_text(ref.spec) else ref.sql


def _bound(day: date, spec: FieldSpec) -> str:
    return day_start(day) if spec.type == "datetime" else day.isoformat()


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
