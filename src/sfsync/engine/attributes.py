"""A record's attributes as filters, mappings and templates read them: by name, whatever its case.

A file's column `Notes` is kept as the attribute `Notes`; a config naming `person.attributes.notes`
means it all the same. An attribute of exactly the asked name wins; otherwise the first one whose name
equals it ignoring case. The stored names are never changed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any


class Attributes(Mapping[str, Any]):
    """Read-only attributes found by exact name first, then by case-folded name."""

    def __init__(self, values: Mapping[str, Any] | None = None) -> None:
        self._values = dict(values or {})
        self._folded: dict[str, str] = {}
        for name in self._values:
            self._folded.setdefault(name.casefold(), name)

    def __getitem__(self, name: object) -> Any:
        if not isinstance(name, str):
            raise KeyError(name)
        if name in self._values:
            return self._values[name]
        return self._values[self._folded[name.casefold()]]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and (name in self._values or name.casefold() in self._folded)

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Attributes({self._values!r})"
