"""The parsed form of a SOQL query: names as written, with their positions for error messages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sfsync.localorg.soql.errors import Pos


@dataclass(frozen=True)
class Path:
    """A field reference as written: `Name`, `Account.Name`, `Account.Owner.Email`."""

    parts: tuple[str, ...]
    pos: Pos

    @property
    def text(self) -> str:
        return ".".join(self.parts)


@dataclass(frozen=True)
class FieldItem:
    path: Path


@dataclass(frozen=True)
class AggregateItem:
    """`COUNT(Id)`, `MAX(f)` …; `path` is None for the bare `COUNT()`."""

    function: str
    path: Path | None
    alias: str | None
    pos: Pos


@dataclass(frozen=True)
class FieldsItem:
    """`FIELDS(STANDARD|CUSTOM|ALL)`."""

    kind: str
    pos: Pos


@dataclass(frozen=True)
class SubqueryItem:
    query: Query


SelectItem = FieldItem | AggregateItem | FieldsItem | SubqueryItem


@dataclass(frozen=True)
class Literal:
    """One value: kind is string, number, boolean, null, date, datetime or date_literal.

    A date literal keeps its name in `value` and its `:n` argument in `argument`.
    """

    kind: str
    value: Any
    pos: Pos
    argument: int | None = None


@dataclass(frozen=True)
class Comparison:
    """`path op value`; op is one of = != < <= > >= LIKE IN NOT IN INCLUDES EXCLUDES."""

    path: Path
    op: str
    values: tuple[Literal, ...]
    pos: Pos


@dataclass(frozen=True)
class SemiJoin:
    """`path [NOT] IN (SELECT field FROM Object [WHERE …])`."""

    path: Path
    negated: bool
    query: Query


@dataclass(frozen=True)
class Junction:
    """AND / OR over two or more conditions."""

    op: str
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class Negation:
    item: Condition


Condition = Comparison | SemiJoin | Junction | Negation


@dataclass(frozen=True)
class OrderItem:
    target: Path | AggregateItem
    descending: bool
    nulls_first: bool | None


@dataclass(frozen=True)
class Query:
    select: tuple[SelectItem, ...]
    sobject: str
    sobject_pos: Pos
    alias: str | None = None
    where: Condition | None = None
    group_by: tuple[Path, ...] = ()
    order_by: tuple[OrderItem, ...] = ()
    limit: int | None = None
    offset: int | None = None
