"""What the DML service needs to know about an object, worked out once instead of per record."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sfsync.localorg.catalog import FieldSpec, ObjectSpec
from sfsync.localorg.record_types import FIELD as RECORD_TYPE_FIELD


@dataclass(frozen=True)
class ObjectLayout:
    """Field groups of one object: defaults on create, required fields, unique and reference fields."""

    spec: ObjectSpec
    defaults: tuple[tuple[str, Any], ...]  # (field, value); OwnerId's value is filled per user
    required: tuple[str, ...]
    unique: tuple[FieldSpec, ...]
    references: tuple[FieldSpec, ...]
    derived_name: bool  # Name is `FirstName LastName`

    @property
    def stored_names(self) -> frozenset[str]:
        return frozenset(f.name for f in self.spec.stored_fields)


def _default(raw: Mapping[str, Any]) -> Any:
    if raw["type"] == "boolean":
        return int(raw.get("defaultValue") is True)
    if raw["type"] == "picklist":
        return next((p["value"] for p in raw.get("picklistValues") or () if p.get("defaultValue")), None)
    return None


def object_layout(spec: ObjectSpec) -> ObjectLayout:
    stored = spec.stored_fields
    name = spec.fields.get("Name")
    return ObjectLayout(
        spec=spec,
        defaults=tuple(
            (f.name, _default(f.raw)) for f in stored if f.flag("defaultedOnCreate") and f.flag("createable")
        ),
        required=tuple(
            f.name
            for f in stored
            if f.flag("createable") and not f.flag("nillable") and not f.flag("defaultedOnCreate")
        ),
        unique=tuple(f for f in stored if f.flag("unique") and f.name != "Id"),
        references=tuple(f for f in stored if f.type == "reference" and f.name != RECORD_TYPE_FIELD),
        derived_name=name is not None and not name.flag("createable") and "LastName" in spec.fields,
    )


def set_name(row: dict[str, Any], current: Mapping[str, Any]) -> None:
    """Lead, Contact and User names are `FirstName LastName`, kept in step on every write."""
    if "FirstName" in row or "LastName" in row or not current:
        first = row.get("FirstName", current.get("FirstName"))
        last = row.get("LastName", current.get("LastName"))
        row["Name"] = " ".join(p for p in (first, last) if p)
