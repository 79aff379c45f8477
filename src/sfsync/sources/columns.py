"""A source's rows in the loader's terms: `columns:` renames a source column to a workspace field.

A column the mapping does not list keeps its name, which the loader matches as it matches a file's
(`First Name` → first_name, anything else an attribute). A column mapped to `KIND.attributes.NAME` goes
into the row's `attributes`, so an attribute is never taken for a standard field of the same name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

ATTRIBUTES = "attributes"


@dataclass(frozen=True)
class ColumnMap:
    """Source column → the loader's column name (`first_name`), or to an attribute's name."""

    fields: Mapping[str, str]
    attributes: Mapping[str, str]

    @classmethod
    def of(cls, columns: Mapping[str, str]) -> ColumnMap:
        fields, attributes = {}, {}
        for column, target in columns.items():
            _, _, name = target.partition(".")
            if name.startswith(f"{ATTRIBUTES}."):
                attributes[column] = name.removeprefix(f"{ATTRIBUTES}.")
            else:
                fields[column] = name
        return cls(fields, attributes)

    def header(self, names: list[str]) -> list[str]:
        """The header the loader checks: renamed fields; columns mapped to attributes left out."""
        return [self.fields.get(name, name) for name in names if name not in self.attributes]

    def row(self, values: Mapping[str, Any]) -> dict[str, Any]:
        renamed: dict[str, Any] = {}
        attributes: dict[str, Any] = {}
        for name, value in values.items():
            if name in self.attributes:
                attributes[self.attributes[name]] = value
            elif name == ATTRIBUTES and isinstance(value, dict) and name not in self.fields:
                attributes = {**value, **attributes}
            else:
                renamed[self.fields.get(name, name)] = value
        if attributes:
            renamed[ATTRIBUTES] = attributes
        return renamed
