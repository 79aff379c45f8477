"""Polymorphic relationships (`Task.Who`, `Task.What`, `EmailMessageRelation.Relation`, `Lead.Owner`)
traverse Salesforce's `Name` object, not the referenced object itself.

Salesforce: "This object is used to retrieve information from related records where the related record
can be from more than one object type (a polymorphic foreign key)… you can use the who, what, or owner
fields (depending on the object) in SOQL queries" (Object Reference, Name). So:

- A reference whose describe says `polymorphicForeignKey` reads its parent as a `Name`, with the Name
  object's fields only (`NAME_FIELDS`); any other field is INVALID_FIELD on entity 'Name'
  (`Who.Company`), as in Salesforce, where `Who.Type` is what tells a Contact from a Lead.
- The parent is whichever of the referenced objects the local org serves holds the id: one LEFT JOIN per
  object, their columns COALESCE'd (ids never collide: each object has its own key prefix). `Type` is that
  object's name. The fields Salesforce fills only for a user (`USER_ONLY`) are null for any other parent;
  `IsActive` is false.
- Its record's `attributes` are `{"type": "Name", "url": "…/sobjects/<the object>/<id>"}`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sfsync.localorg.catalog import FieldSpec, ObjectSpec

NAME = "Name"
USER_ONLY = frozenset({"Alias", "Email", "IsActive", "Phone", "Username"})
# The Name object's fields the local org can fill (Field Reference, Name), with their types.
NAME_FIELDS: dict[str, str] = {
    "Id": "id",
    "Name": "string",
    "Type": "picklist",
    "FirstName": "string",
    "LastName": "string",
    "Alias": "string",
    "Email": "email",
    "IsActive": "boolean",
    "Phone": "phone",
    "Username": "string",
}


def _raw(name: str, kind: str) -> dict[str, Any]:
    flags = {"filterable": True, "sortable": True, "groupable": True, "createable": False, "updateable": False}
    return {"name": name, "type": kind, "nillable": name not in ("Id", "IsActive"), "custom": False, **flags}


NAME_SPEC = ObjectSpec(
    NAME,
    "",
    {"name": NAME, "queryable": False},
    {name: FieldSpec(name, kind, _raw(name, kind)) for name, kind in NAME_FIELDS.items()},
)


def is_polymorphic(reference: FieldSpec) -> bool:
    return reference.flag("polymorphicForeignKey")


@dataclass(frozen=True)
class NameJoin:
    """A polymorphic parent: one LEFT JOIN per referenced object served, read through `column`."""

    alias: str
    parent_alias: str
    foreign_key: str
    relationships: tuple[str, ...]
    targets: tuple[ObjectSpec, ...]

    @property
    def target(self) -> ObjectSpec:
        return NAME_SPEC

    def _part(self, index: int) -> str:
        return f"{self.alias}_{index}"

    @property
    def sql(self) -> str:
        key = f'{self.parent_alias}."{self.foreign_key}"'
        return " ".join(
            f'LEFT JOIN "{target.name}" {self._part(n)} ON {self._part(n)}."Id" = {key}'
            for n, target in enumerate(self.targets)
        )

    def column(self, name: str) -> str:
        """The SQL of one Name field over every referenced object (identifiers from the catalog only)."""
        if name == "Type":
            whens = " ".join(
                f"WHEN {self._part(n)}.\"Id\" IS NOT NULL THEN '{target.name}'" for n, target in enumerate(self.targets)
            )
            return f"(CASE {whens} END)" if whens else "NULL"
        holders = [
            f'{self._part(n)}."{name}"'
            for n, target in enumerate(self.targets)
            if target.field(name) is not None and (name not in USER_ONLY or target.name == "User")
        ]
        expression = holders[0] if len(holders) == 1 else f"COALESCE({', '.join(holders)})" if holders else "NULL"
        return f"COALESCE({expression}, 0)" if name == "IsActive" else expression
