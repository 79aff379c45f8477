"""Resolves field paths of one FROM against the catalog and the running user's access.

Identifiers in generated SQL come only from here, that is from catalog names, never from query text.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Protocol

from sfsync.localorg.catalog import Catalog, FieldSpec, ObjectSpec
from sfsync.localorg.soql.errors import Pos, no_such_column, unknown_relationship, unsupported_type
from sfsync.localorg.soql.polymorphic import NAME_SPEC, NameJoin, is_polymorphic
from sfsync.localorg.soql.syntax import Path


class Access(Protocol):
    """What the running user may see (object CRUD read and field-level security)."""

    def can_read_object(self, name: str) -> bool: ...

    def readable_fields(self, name: str) -> frozenset[str]: ...


@dataclass(frozen=True)
class Join:
    """A parent reached through a chain of relationships, read with a LEFT JOIN."""

    alias: str
    target: ObjectSpec
    parent_alias: str
    foreign_key: str
    relationships: tuple[str, ...]  # canonical relationship names from the base object

    @property
    def sql(self) -> str:
        on = f'{self.alias}."Id" = {self.parent_alias}."{self.foreign_key}"'
        return f'LEFT JOIN "{self.target.name}" {self.alias} ON {on}'

    def column(self, name: str) -> str:
        return f'{self.alias}."{name}"'


@dataclass(frozen=True)
class FieldRef:
    """A resolved field: where it lives in SQL and what it is."""

    spec: FieldSpec
    owner: ObjectSpec
    table: str
    relationships: tuple[str, ...]
    expression: str = ""  # a polymorphic parent's field is an expression over several joins (`polymorphic`)

    @property
    def sql(self) -> str:
        return self.expression or f'{self.table}."{self.spec.name}"'

    @property
    def label(self) -> str:
        """The canonical dotted name (`Account.Name`), as Bulk CSV headers show it."""
        return ".".join((*self.relationships, self.spec.name))


def open_object(soql: str, catalog: Catalog, access: Access, name: str, pos: Pos) -> ObjectSpec:
    spec = catalog.get(name)
    if spec is None or not access.can_read_object(spec.name):
        raise unsupported_type(soql, pos, name)
    return spec


@dataclass
class Scope:
    """The base object of one SELECT (alias `t<n>`) and the parent joins its paths need."""

    soql: str
    catalog: Catalog
    access: Access
    spec: ObjectSpec
    counter: itertools.count[int]
    query_alias: str | None = None
    alias: str = ""
    joins: dict[tuple[str, ...], Join | NameJoin] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.alias = self.alias or f"t{next(self.counter)}"

    def resolve(self, path: Path) -> FieldRef:
        parts = path.parts
        if self.query_alias and len(parts) > 1 and parts[0].lower() == self.query_alias.lower():
            parts = parts[1:]
        owner, table = self.spec, self.alias
        relationships: tuple[str, ...] = ()
        join: Join | NameJoin | None = None
        for part in parts[:-1]:
            join = self._join(owner, table, relationships, part, path.pos)
            owner, table, relationships = join.target, join.alias, join.relationships
        spec = self.readable_field(owner, parts[-1], path.pos)
        return FieldRef(spec, owner, table, relationships, join.column(spec.name) if join is not None else "")

    def readable_field(self, owner: ObjectSpec, name: str, pos: Pos) -> FieldSpec:
        spec = owner.field(name)
        # The Name object has no field-level security of its own: its fields are the parent's name and kind.
        visible = owner is NAME_SPEC or (spec is not None and spec.name in self.access.readable_fields(owner.name))
        if spec is None or not visible:
            raise no_such_column(self.soql, pos, name, owner.name)
        return spec

    def _join(self, owner: ObjectSpec, table: str, chain: tuple[str, ...], name: str, pos: Pos) -> Join | NameJoin:
        reference = owner.relationship(name)
        targets = self._targets(owner, reference)
        if reference is None or not targets:
            raise unknown_relationship(self.soql, pos, name)
        relationships = (*chain, str(reference.relationship_name))
        key = tuple(r.lower() for r in relationships)
        if key not in self.joins:
            alias = f"t{next(self.counter)}"
            if is_polymorphic(reference):
                self.joins[key] = NameJoin(alias, table, reference.name, relationships, targets)
            else:
                self.joins[key] = Join(alias, targets[0], table, reference.name, relationships)
        return self.joins[key]

    def _targets(self, owner: ObjectSpec, reference: FieldSpec | None) -> tuple[ObjectSpec, ...]:
        """The objects a reference may name that the org serves and the user may read."""
        if reference is None or reference.name not in self.access.readable_fields(owner.name):
            return ()
        found = (self.catalog.get(name) for name in reference.reference_to)
        return tuple(t for t in found if t is not None and self.access.can_read_object(t.name))

    @property
    def from_sql(self) -> str:
        joins = " ".join(join.sql for join in self.joins.values())
        return f'"{self.spec.name}" {self.alias}' + (f" {joins}" if joins else "")
