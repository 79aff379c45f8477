"""File column names to workspace fields: `Email` → `email`; `First Name`, `first-name` → `first_name`.

Names are compared lower-cased with runs of spaces, dashes and underscores folded to one `_`.
A name that is not a standard field is kept as an attribute under its own (trimmed) name; attribute
names are one name whatever their case (the config's `person.attributes.notes` reads a `Notes` column).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sfsync.catalogue import FIELDS, PERSON_COMPANY_LINK, FieldType, Kind, WorkspaceField

_SEPARATORS = re.compile(r"[\s_-]+")


@dataclass(frozen=True)
class Column:
    """Where a file column goes: a standard field (`field`) or an attribute (`attribute`)."""

    source: str
    field: WorkspaceField | None
    attribute: str | None


def column_key(name: str) -> str:
    return _SEPARATORS.sub("_", name.strip().lower()).strip("_")


def map_column(kind: Kind, name: str) -> Column:
    key = column_key(name)
    standard = FIELDS[kind].get(key)
    if standard is not None:
        return Column(name, standard, None)
    if kind is Kind.PERSON and key == PERSON_COMPANY_LINK:
        return Column(name, WorkspaceField(kind, PERSON_COMPANY_LINK, FieldType.DOMAIN), None)
    return Column(name, None, name.strip())


def check_header(kind: Kind, header: list[str]) -> list[str]:
    """Problems with a CSV header: unnamed or duplicate columns, no key column."""
    problems: list[str] = []
    seen: dict[str, str] = {}
    for index, name in enumerate(header, start=1):
        if not name.strip():
            problems.append(f"column {index} has no name")
            continue
        column = map_column(kind, name)
        # attribute names are compared ignoring case: `Notes` and `notes` would fill one attribute
        target = column.field.path if column.field else f"{kind}.attributes.{str(column.attribute).casefold()}"
        if target in seen:
            problems.append(f"columns {seen[target]!r} and {name!r} both name {target}")
        seen[target] = name
    key = "email" if kind is Kind.PERSON else "domain"
    if f"{kind}.{key}" not in seen and f"{kind}.id" not in seen:
        problems.append(f"no {key} or id column")
    return problems
