"""Workspace records as values, and as they are made from the workspace tables' rows.

`WorkspaceRecord` is a stored company or person; `RecordUpdate` one loaded row; `derived_id` the id a
record loaded without one gets from its key. The row readers pick columns by position, named once per
kind: a plan makes a record from a row for every record it visits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from operator import itemgetter
from typing import Any

from sqlalchemy import Table

from sfsync.catalogue import Kind
from sfsync.store.schema import company, person

TABLES: dict[Kind, tuple[Table, str, str]] = {
    Kind.COMPANY: (company, "domain_norm", "c_"),
    Kind.PERSON: (person, "email_norm", "p_"),
}
_META_COLUMNS = frozenset({"id", "attributes", "updated_at", "domain_norm", "domain_reg", "email_norm", "origin"})
# The value columns of each kind, named once: a plan makes a record from a row for every record it visits.
VALUE_COLUMNS = {
    kind: tuple(c.name for c in table.columns if c.name not in _META_COLUMNS) for kind, (table, *_) in TABLES.items()
}


class Origin(StrEnum):
    """Who made a workspace record. Records older than origins count as loaded."""

    LOAD = "load"
    READ = "read"


@dataclass(frozen=True)
class WorkspaceRecord:
    """A stored company or person. `values` holds every standard field (and a person's `company_domain`)."""

    kind: Kind
    id: str
    key: str | None
    values: Mapping[str, Any]
    attributes: Mapping[str, Any]
    updated_at: dt.datetime
    origin: Origin = Origin.LOAD


@dataclass(frozen=True)
class RecordUpdate:
    """One loaded row: the columns it carries, already coerced and normalised.

    `values` and `attributes` hold only what the row names; other fields keep their stored value. An
    attribute whose value is None is removed. `line` is where the row came from, for rejections.
    `origin` is who sends it: a load (the record becomes a loaded one) or the read pass.
    """

    kind: Kind
    line: int
    id: str | None
    key: str | None
    values: Mapping[str, Any] = field(default_factory=dict)
    attributes: Mapping[str, Any] = field(default_factory=dict)
    origin: Origin = Origin.LOAD


@dataclass(frozen=True)
class UpsertOutcome:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: tuple[tuple[int, str], ...] = ()


def derived_id(kind: Kind, key: str) -> str:
    prefix = TABLES[kind][2]
    return prefix + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def records_from_rows(kind: Kind, rows: Sequence[Sequence[Any]]) -> list[WorkspaceRecord]:
    """Records from the rows of `select(<the kind's table>)`, by column position (as `record_from_row`)."""
    key, values, attributes, updated, origin = _POSITIONS[kind]
    names, picked = _VALUE_NAMES[kind], _VALUES_OF[kind]  # the value columns' names, and their values of a row
    made = []
    for row in rows:
        values_of = dict(zip(names, picked(row), strict=True))
        origin_of = _ORIGINS.get(row[origin]) or Origin(row[origin] or Origin.LOAD)
        made.append(WorkspaceRecord(kind, row[0], row[key], values_of, dict(row[attributes]), row[updated], origin_of))
    return made


def _positions(kind: Kind) -> tuple[int, tuple[tuple[str, int], ...], int, int, int]:
    table, key_col, _ = TABLES[kind]
    at = {c.name: i for i, c in enumerate(table.columns)}
    assert at["id"] == 0
    values = tuple((name, at[name]) for name in VALUE_COLUMNS[kind])
    return at[key_col], values, at["attributes"], at["updated_at"], at["origin"]


_POSITIONS = {kind: _positions(kind) for kind in TABLES}
_VALUE_NAMES = {kind: tuple(name for name, _i in _POSITIONS[kind][1]) for kind in TABLES}
# A row's value columns, picked in C (more than one value column per kind: a tuple each time).
_VALUES_OF = {kind: itemgetter(*(i for _name, i in _POSITIONS[kind][1])) for kind in TABLES}
_ORIGINS = {str(origin): origin for origin in Origin}


def record_from_row(kind: Kind, row: Mapping[Any, Any]) -> WorkspaceRecord:
    """A record from a result row holding (at least) the kind's table columns."""
    key_col = TABLES[kind][1]
    values = {name: row[name] for name in VALUE_COLUMNS[kind]}
    origin = Origin(row.get("origin") or Origin.LOAD)
    return WorkspaceRecord(kind, row["id"], row[key_col], values, dict(row["attributes"]), row["updated_at"], origin)
