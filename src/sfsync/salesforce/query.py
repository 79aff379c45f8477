"""What the engine asks to read: a typed query (object, fields, filter tree, since-stamp), never SOQL text.

The port takes these values; only the adapter's compiler (`salesforce/soql`) turns them into SOQL,
quoting every value and checking every name, and splits a query whose text would be too long. A
fake port evaluates the same tree over its records, so what a test reads is what Salesforce would
return. Values are Python values (`str`, numbers, `bool`, `date`, `datetime`, None); text compares
as Salesforce compares it, case-insensitively.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

Value = str | int | float | bool | dt.date | dt.datetime | None

MODSTAMP = "SystemModstamp"


class Comparison(StrEnum):
    """A comparison operator, spelt as SOQL spells it."""

    EQ = "="
    NE = "!="
    GT = ">"
    GTE = ">="
    LT = "<"
    LTE = "<="


@dataclass(frozen=True)
class Compare:
    """`field <op> value`. Use the constructors below (`Eq`, `Gte`, …) for readability."""

    field: str
    op: Comparison
    value: Value


def Eq(field: str, value: Value) -> Compare:
    return Compare(field, Comparison.EQ, value)


def Ne(field: str, value: Value) -> Compare:
    return Compare(field, Comparison.NE, value)


def Gt(field: str, value: Value) -> Compare:
    return Compare(field, Comparison.GT, value)


def Gte(field: str, value: Value) -> Compare:
    return Compare(field, Comparison.GTE, value)


def Lt(field: str, value: Value) -> Compare:
    return Compare(field, Comparison.LT, value)


def Lte(field: str, value: Value) -> Compare:
    return Compare(field, Comparison.LTE, value)


@dataclass(frozen=True)
class In:
    """`field IN (values)`, or `NOT IN` when `negated`. An empty list matches nothing (`NOT IN`: everything).

    A long list is what the compiler splits: the query is then sent as several, each within SOQL's length.
    """

    field: str
    values: tuple[Value, ...]
    negated: bool = False


class LikeAt(StrEnum):
    """Where the text sits in the field's value."""

    CONTAINS = "%{}%"
    STARTS = "{}%"
    ENDS = "%{}"


@dataclass(frozen=True)
class Like:
    """`field LIKE pattern`: `text` is matched literally (its `%` and `_` are escaped), at `at`."""

    field: str
    text: str
    at: LikeAt = LikeAt.CONTAINS


@dataclass(frozen=True)
class IsNull:
    """`field = null`, or `field != null` when `negated`."""

    field: str
    negated: bool = False


@dataclass(frozen=True)
class And:
    """Every item holds; no item at all: always true."""

    items: tuple[Filter, ...]


@dataclass(frozen=True)
class Or:
    """Some item holds; no item at all: never true. A long one is split by the compiler, as `In` is."""

    items: tuple[Filter, ...]


@dataclass(frozen=True)
class Not:
    item: Filter


Filter = Compare | In | Like | IsNull | And | Or | Not


def all_of(*items: Filter | None) -> Filter | None:
    """The conjunction of the items given (None ones left out); the single item itself when only one."""
    present = tuple(item for item in items if item is not None)
    if not present:
        return None
    return present[0] if len(present) == 1 else And(present)


def any_of(*items: Filter | None) -> Filter | None:
    """The disjunction of the items given (None ones left out); the single item itself when only one."""
    present = tuple(item for item in items if item is not None)
    if not present:
        return None
    return present[0] if len(present) == 1 else Or(present)


@dataclass(frozen=True)
class Query:
    """Every record of `sobject` that `where` holds for, with `fields`.

    `since`: only records stamped (`SystemModstamp`) at or after it, AND-ed with `where`.
    `include_deleted`: deleted and merged records too (`queryAll`), with `IsDeleted` true.
    A record comes back once (told by `Id`, when `fields` has it), even when the compiler split the query.
    """

    sobject: str
    fields: tuple[str, ...]
    where: Filter | None = None
    since: dt.datetime | None = None
    include_deleted: bool = False

    def condition(self) -> Filter | None:
        """The whole filter: `where` with the `since` stamp."""
        return all_of(Gte(MODSTAMP, self.since) if self.since is not None else None, self.where)
