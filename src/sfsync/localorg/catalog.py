"""The local org's objects and fields, and how records are stored.

Storage contract (shared by the REST handlers, Bulk jobs and the SOQL engine):

- One SQLite table per sObject, named exactly like the object (`"Lead"`), one column per stored
  field, named exactly like the field's API name (always quoted in SQL).
- Compound fields (`type` `address` or `location`, e.g. `BillingAddress`) are not stored; they are
  assembled from their components (`BillingStreet`, …) when read.
- Values are stored in SQLite's own types: booleans as INTEGER 0/1, `int` as INTEGER,
  `double`/`currency`/`percent` as REAL, everything else as TEXT. Dates are `YYYY-MM-DD`; datetimes
  are UTC `YYYY-MM-DDTHH:MM:SS.000+0000`, a fixed-width form that sorts as text. Ids are stored in
  their 18-character form.
- Every table has `Id` as primary key and `IsDeleted` (0/1); deleted rows stay (the recycle bin) so
  that `queryAll` and the `deleted` endpoint can see them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

COMPOUND_TYPES = frozenset({"address", "location"})
BOOLEAN_TYPES = frozenset({"boolean"})
INTEGER_TYPES = frozenset({"int"})
REAL_TYPES = frozenset({"double", "currency", "percent"})


@dataclass(frozen=True)
class FieldSpec:
    """One field of an sObject, read from its describe entry (`raw`)."""

    name: str
    type: str
    raw: Mapping[str, Any]

    @property
    def stored(self) -> bool:
        return self.type not in COMPOUND_TYPES

    @property
    def reference_to(self) -> tuple[str, ...]:
        return tuple(self.raw.get("referenceTo") or ())

    @property
    def relationship_name(self) -> str | None:
        name = self.raw.get("relationshipName")
        return str(name) if name else None

    def flag(self, key: str) -> bool:
        return bool(self.raw.get(key))

    @property
    def sql_type(self) -> str:
        if self.type in BOOLEAN_TYPES or self.type in INTEGER_TYPES:
            return "INTEGER"
        if self.type in REAL_TYPES:
            return "REAL"
        return "TEXT"


@dataclass(frozen=True)
class ObjectSpec:
    """One sObject: its full describe (`describe`) and its fields by API name."""

    name: str
    key_prefix: str
    describe: Mapping[str, Any]
    fields: Mapping[str, FieldSpec] = field(default_factory=dict)

    def field(self, name: str) -> FieldSpec | None:
        """Case-insensitive lookup, as Salesforce resolves field names."""
        spec = self.fields.get(name)
        if spec is not None:
            return spec
        lowered = name.lower()
        return next((f for n, f in self.fields.items() if n.lower() == lowered), None)

    def relationship(self, name: str) -> FieldSpec | None:
        """The reference field whose relationship name is `name` (case-insensitive)."""
        lowered = name.lower()
        return next(
            (f for f in self.fields.values() if (f.relationship_name or "").lower() == lowered),
            None,
        )

    @property
    def stored_fields(self) -> list[FieldSpec]:
        return [f for f in self.fields.values() if f.stored]


@dataclass(frozen=True)
class Catalog:
    """Every sObject the local org serves, by API name."""

    objects: Mapping[str, ObjectSpec]

    def get(self, name: str) -> ObjectSpec | None:
        spec = self.objects.get(name)
        if spec is not None:
            return spec
        lowered = name.lower()
        return next((o for n, o in self.objects.items() if n.lower() == lowered), None)

    def by_prefix(self, prefix: str) -> ObjectSpec | None:
        return next((o for o in self.objects.values() if o.key_prefix == prefix), None)

    def ddl(self) -> list[str]:
        """CREATE TABLE statements for every object, following the storage contract."""
        statements = []
        for spec in self.objects.values():
            columns = [f'"{f.name}" {f.sql_type}{" PRIMARY KEY" if f.name == "Id" else ""}' for f in spec.stored_fields]
            statements.append(f'CREATE TABLE IF NOT EXISTS "{spec.name}" ({", ".join(columns)})')
        return statements


def object_spec(describe: Mapping[str, Any]) -> ObjectSpec:
    fields = {f["name"]: FieldSpec(f["name"], f["type"], f) for f in describe["fields"]}
    return ObjectSpec(str(describe["name"]), str(describe.get("keyPrefix") or ""), describe, fields)


def recorded_describe(name: str) -> dict[str, Any]:
    """A describe recorded from a real org (`describes/`), parsed afresh on each call."""
    text = resources.files("sfsync.localorg").joinpath("describes", f"{name}.json").read_text("utf-8")
    return dict(json.loads(text))


def build_catalog(describes: Iterable[Mapping[str, Any]]) -> Catalog:
    return Catalog({spec.name: spec for spec in map(object_spec, describes)})
