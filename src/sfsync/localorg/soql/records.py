"""Shapes SQL rows into records exactly as the REST API returns them, and into Bulk CSV values."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sfsync.localorg.catalog import BOOLEAN_TYPES, INTEGER_TYPES, REAL_TYPES

# Address components in the order the API lists the keys of a compound address.
ADDRESS_KEYS = ("city", "country", "geocodeAccuracy", "latitude", "longitude", "postalCode", "state", "street")
LOCATION_KEYS = ("latitude", "longitude")


@dataclass(frozen=True)
class Value:
    key: str
    index: int
    type: str


@dataclass(frozen=True)
class Compound:
    """An address or location assembled from its stored components (None when all are null)."""

    key: str
    parts: tuple[tuple[str, int | None, str], ...]  # (key in the JSON object, row index, field type)


@dataclass(frozen=True)
class Parent:
    key: str
    shape: Shape


@dataclass(frozen=True)
class Children:
    """A child subquery's result, filled in after the page is read (see `children.py`)."""

    key: str


Entry = Value | Compound | Parent | Children


@dataclass
class Shape:
    """How one row becomes one record: its type, where its Id is, and its keys in SELECT order."""

    sobject: str | None  # None for AggregateResult rows
    id_index: int | None
    entries: list[Entry] = field(default_factory=list)
    url_type_index: int | None = None  # a polymorphic parent (`Name`): the column naming its real object

    def parent(self, key: str) -> Shape | None:
        return next((e.shape for e in self.entries if isinstance(e, Parent) and e.key == key), None)

    def has(self, key: str) -> bool:
        return any(not isinstance(e, Parent) and e.key == key for e in self.entries)


def json_value(value: Any, field_type: str) -> Any:
    if value is None:
        return None
    if field_type in BOOLEAN_TYPES:
        return bool(value)
    if field_type in INTEGER_TYPES:
        return int(value)
    if field_type in REAL_TYPES:
        return float(value)
    return value


def csv_value(value: Any, field_type: str) -> str:
    """A value as a Bulk query result cell: what REST's JSON gives, in Bulk's own text forms.

    Datetimes end in `Z` (`2024-01-31T10:00:00.000Z`) where REST writes `+0000`; null is an empty cell
    (Salesforce stores no empty text, so nothing else is empty); checkboxes are `true`/`false`; numbers
    are plain decimals as stored, never in exponent form nor with separators.
    """
    converted = json_value(value, field_type)
    if converted is None:
        return ""
    if isinstance(converted, bool):
        return "true" if converted else "false"
    if isinstance(converted, float):
        return format(Decimal(repr(converted)), "f")
    if field_type == "datetime" and isinstance(converted, str) and converted.endswith("+0000"):
        return converted.removesuffix("+0000") + "Z"
    return str(converted)


def build(shape: Shape, row: Sequence[Any], api_version: str) -> dict[str, Any] | None:
    record: dict[str, Any] = {"attributes": _attributes(shape, row, api_version)}
    if shape.id_index is not None and row[shape.id_index] is None:
        return None
    for entry in shape.entries:
        if isinstance(entry, Value):
            record[entry.key] = json_value(row[entry.index], entry.type)
        elif isinstance(entry, Compound):
            record[entry.key] = _compound(entry, row)
        elif isinstance(entry, Parent):
            record[entry.key] = build(entry.shape, row, api_version)
        else:
            record[entry.key] = None
    return record


def _attributes(shape: Shape, row: Sequence[Any], api_version: str) -> dict[str, str]:
    if shape.sobject is None:
        return {"type": "AggregateResult"}
    record_id = row[shape.id_index] if shape.id_index is not None else None
    kind = row[shape.url_type_index] if shape.url_type_index is not None else shape.sobject
    return {"type": shape.sobject, "url": f"/services/data/v{api_version}/sobjects/{kind}/{record_id}"}


def _compound(entry: Compound, row: Sequence[Any]) -> dict[str, Any] | None:
    values = {key: None if index is None else json_value(row[index], kind) for key, index, kind in entry.parts}
    if all(value is None for value in values.values()):
        return None
    return values
