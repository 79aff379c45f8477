"""The SELECT list of a record query: SQL columns to read and the record shape they fill."""

from __future__ import annotations

from dataclasses import dataclass, field

from sfsync.localorg.catalog import COMPOUND_TYPES, ObjectSpec
from sfsync.localorg.soql.polymorphic import NameJoin
from sfsync.localorg.soql.records import ADDRESS_KEYS, LOCATION_KEYS, Compound, Entry, Parent, Shape, Value
from sfsync.localorg.soql.scope import FieldRef, Scope
from sfsync.localorg.soql.syntax import FieldItem, FieldsItem, Path, SelectItem

# Suffixes of an address's component fields (`BillingStreet`, `Street`, …) by JSON key.
_ADDRESS_SUFFIXES = {
    "city": "City",
    "country": "Country",
    "geocodeAccuracy": "GeocodeAccuracy",
    "latitude": "Latitude",
    "longitude": "Longitude",
    "postalCode": "PostalCode",
    "state": "State",
    "street": "Street",
}


@dataclass
class Columns:
    """SQL expressions read per row; each expression is read once and addressed by index."""

    expressions: list[str] = field(default_factory=list)

    def add(self, expression: str) -> int:
        if expression not in self.expressions:
            self.expressions.append(expression)
        return self.expressions.index(expression)

    @property
    def sql(self) -> str:
        return ", ".join(self.expressions)


@dataclass(frozen=True)
class CsvColumn:
    label: str
    index: int
    type: str


def expand_fields(item: FieldsItem, spec: ObjectSpec, readable: frozenset[str]) -> list[FieldItem]:
    """FIELDS(ALL|STANDARD|CUSTOM) as the readable fields it stands for, in describe order."""
    wanted = {"ALL": (True, False), "STANDARD": (False,), "CUSTOM": (True,)}[item.kind]
    return [
        FieldItem(Path((f.name,), item.pos))
        for f in spec.fields.values()
        if f.name in readable and f.flag("custom") in wanted
    ]


@dataclass
class RecordSelection:
    """Builds the shape of plain (non-aggregate) records for one scope."""

    scope: Scope
    columns: Columns
    shape: Shape = field(init=False)
    csv: list[CsvColumn] = field(default_factory=list)
    has_compound: bool = False

    def __post_init__(self) -> None:
        self.shape = Shape(self.scope.spec.name, self.columns.add(f'{self.scope.alias}."Id"'))

    def add_items(self, items: tuple[SelectItem, ...]) -> None:
        for item in items:
            if isinstance(item, FieldsItem):
                readable = self.scope.access.readable_fields(self.scope.spec.name)
                for expanded in expand_fields(item, self.scope.spec, readable):
                    self.add_field(expanded.path)
            elif isinstance(item, FieldItem):
                self.add_field(item.path)

    def add_field(self, path: Path) -> None:
        ref = self.scope.resolve(path)
        shape = self._shape_for(ref.relationships)
        if shape.has(ref.spec.name):
            return
        shape.entries.append(self._entry(ref))
        if ref.spec.type in COMPOUND_TYPES:
            self.has_compound = True
        else:
            self.csv.append(CsvColumn(ref.label, self.columns.add(ref.sql), ref.spec.type))

    def _entry(self, ref: FieldRef) -> Entry:
        if ref.spec.type not in COMPOUND_TYPES:
            return Value(ref.spec.name, self.columns.add(ref.sql), ref.spec.type)
        prefix = ref.spec.name.removesuffix("Address")
        keys = ADDRESS_KEYS if ref.spec.type == "address" else LOCATION_KEYS
        parts: list[tuple[str, int | None, str]] = []
        for key in keys:
            component = ref.owner.field(prefix + _ADDRESS_SUFFIXES[key])
            if component is None or not component.stored:
                parts.append((key, None, "string"))
            else:
                parts.append((key, self.columns.add(f'{ref.table}."{component.name}"'), component.type))
        return Compound(ref.spec.name, tuple(parts))

    def _shape_for(self, relationships: tuple[str, ...]) -> Shape:
        shape = self.shape
        for depth, name in enumerate(relationships, start=1):
            child = shape.parent(name)
            if child is None:
                join = self.scope.joins[tuple(r.lower() for r in relationships[:depth])]
                child = Shape(join.target.name, self.columns.add(join.column("Id")))
                if isinstance(join, NameJoin):  # a Name's url names the object the id belongs to
                    child.url_type_index = self.columns.add(join.column("Type"))
                shape.entries.append(Parent(name, child))
            shape = child
        return shape
