"""Mapped sources no loaded record fills: a mapping that would plan nothing, said instead of silent.

A mapping's source (`person.attributes.notes`, `company.industry`) that is empty in every workspace
record of its kind writes nothing, and the plan looks as if all were well. Records are read until each
source has been seen filled once, so a config whose sources are all filled costs a few records; a
kind without any record is not judged (nothing was loaded yet).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from contextlib import closing
from typing import Any

from sfsync.catalogue import Kind
from sfsync.config import LoadedConfig
from sfsync.engine.attributes import Attributes
from sfsync.engine.values import is_empty, lookup
from sfsync.errors import Diagnostic, Diagnostics, Severity
from sfsync.store import Store

Path = tuple[str | int, ...]
ATTRIBUTE_NAMES_KEPT = 1000  # distinct attribute names remembered for a "did you mean"


def empty_sources(store: Store, loaded: LoadedConfig) -> Diagnostics:
    """A warning at each writing mapping whose source no record of its kind fills."""
    found = Diagnostics()
    for kind, sources in _sources(loaded).items():
        unfilled, names = _unfilled(store, kind, set(sources))
        for source in sorted(unfilled):
            for path in sources[source]:
                found.add(_warning(loaded, kind, source, path, names))
    return found


def _sources(loaded: LoadedConfig) -> dict[Kind, dict[str, list[Path]]]:
    """Each workspace source a mapping writes from, by kind, with the mappings that name it."""
    sources: dict[Kind, dict[str, list[Path]]] = {}
    for sobject, fields in loaded.config.mappings.items():
        for name, mapping in fields.items():
            head = mapping.from_.split(".", 1)[0]
            if str(mapping.direction) == "read" or head not in (Kind.PERSON, Kind.COMPANY):
                continue
            sources.setdefault(Kind(head), {}).setdefault(mapping.from_, []).append(("mappings", sobject, name))
    return sources


def _unfilled(store: Store, kind: Kind, pending: set[str]) -> tuple[set[str], set[str]]:
    """The sources no record of `kind` fills (empty when there is no record), and attribute names seen."""
    names: set[str] = set()
    seen = False
    with closing(store.workspace.records(kind)) as records:  # left early: its cursor is closed at once
        for record in records:
            seen = True
            if len(names) < ATTRIBUTE_NAMES_KEPT:
                names.update(record.attributes)
            context: Mapping[str, Any] = {str(kind): {**record.values, "attributes": Attributes(record.attributes)}}
            pending = {source for source in pending if is_empty(lookup(context, source))}
            if not pending:
                break
    return (pending if seen else set()), names


def _warning(loaded: LoadedConfig, kind: Kind, source: str, path: Path, names: Iterable[str]) -> Diagnostic:
    prefix = f"{kind}.attributes."
    hint = "check the column names of the files loaded with `sfsync workspace load`"
    if source.startswith(prefix):
        close = difflib.get_close_matches(source.removeprefix(prefix), sorted(names), n=1)
        hint = f"did you mean {prefix}{close[0]}?" if close else hint + " (attribute names ignore case)"
    return Diagnostic(
        Severity.WARNING,
        f"no loaded {kind} has a value for {source}: {path[1]}.{path[2]} would never be written",
        position=loaded.position((*path, "from_")),
        path=(*path, "from_"),
        hint=hint,
    )
