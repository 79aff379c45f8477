"""`workspace load`: stream a file into the store in batches, reporting every rejected row.

Each batch of rows is one transaction. Memory stays bounded by the batch size plus one small entry per
distinct key (to name the row a repeated key first appeared on), whatever the file's length. Good rows
are loaded even when others are rejected. Two rows of one file with the same key (or id) are one
record: they are applied in file order, the later row's values replacing the earlier's in every
column it has, and the later row is reported as a warning naming the earlier line, never silently.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sfsync.catalogue import Kind
from sfsync.errors import UsageError
from sfsync.store import Store
from sfsync.store.bulk import chunks
from sfsync.store.loader.coerce import BadValue, coerce, is_empty
from sfsync.store.loader.columns import Column, check_header, map_column
from sfsync.store.loader.source import BadRow, Source, SourceRow
from sfsync.store.normalise import normalise_email
from sfsync.store.workspace import RecordUpdate

BATCH_SIZE = 1000


@dataclass(frozen=True)
class Rejection:
    """A row not loaded (`error`), or loaded with something to know (`warning`: a repeated key)."""

    file: str
    line: int
    reason: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.severity}: {self.reason}"


@dataclass(frozen=True)
class LoadSummary:
    loaded: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    repeated: int = 0  # rows whose key an earlier row of the same file had (merged into that record)
    kept: int = 0  # emails whose message id was already loaded with other values (the first kept)

    def __str__(self) -> str:
        text = f"loaded {self.loaded}, updated {self.updated}, unchanged {self.unchanged}, rejected {self.rejected}"
        if self.repeated:
            text += f", {self.repeated} repeated key{'s' if self.repeated != 1 else ''} (the later row won)"
        if self.kept:
            text += f", {self.kept} changed email{'s' if self.kept != 1 else ''} (the first loaded kept)"
        return text


def load_workspace(
    store: Store,
    path: Path,
    kind: Kind,
    on_reject: Callable[[Rejection], None],
    batch_size: int = BATCH_SIZE,
    on_progress: Callable[[LoadSummary], None] | None = None,
) -> LoadSummary:
    """Upsert every good row of `path` into the workspace; `on_reject` hears about each bad one and
    `on_progress` gets the running totals after each committed batch."""
    with Source(path) as source:
        if source.header is not None:
            problems = check_header(kind, source.header)
            if problems:
                raise UsageError("; ".join(f"{path}:1: {problem}" for problem in problems))
        return load_rows(store, str(path), kind, source.rows, on_reject, batch_size, on_progress)


def load_rows(
    store: Store,
    name: str,
    kind: Kind,
    rows: Iterator[SourceRow | BadRow],
    on_reject: Callable[[Rejection], None],
    batch_size: int = BATCH_SIZE,
    on_progress: Callable[[LoadSummary], None] | None = None,
) -> LoadSummary:
    """Upsert `rows` (of a file, or of a declared source: `name` is what rejections name) in batches."""
    columns: dict[str, Column] = {}
    totals = {"loaded": 0, "updated": 0, "unchanged": 0, "rejected": 0, "repeated": 0}
    first_lines: dict[str, int] = {}
    for batch in chunks(rows, batch_size):
        updates: list[RecordUpdate] = []
        for item in batch:
            result = item if isinstance(item, BadRow) else record_update(kind, item, columns)
            if isinstance(result, BadRow):
                totals["rejected"] += 1
                on_reject(Rejection(name, result.line, result.reason))
                continue
            repeat = _repeat(kind, result, first_lines)
            if repeat:
                totals["repeated"] += 1
                on_reject(Rejection(name, result.line, repeat, "warning"))
            updates.append(result)
        outcome = store.workspace.upsert(kind, updates)
        for line, reason in outcome.rejected:
            on_reject(Rejection(name, line, reason))
        totals["loaded"] += outcome.inserted
        totals["updated"] += outcome.updated
        totals["unchanged"] += outcome.unchanged
        totals["rejected"] += len(outcome.rejected)
        if on_progress is not None:
            on_progress(LoadSummary(**totals))
    return LoadSummary(**totals)


def record_update(kind: Kind, row: SourceRow, columns: dict[str, Column]) -> RecordUpdate | BadRow:
    """The row as typed, normalised values, or the reasons it cannot be loaded."""
    values: dict[str, Any] = {}
    attributes: dict[str, Any] = {}
    errors: list[str] = []
    for name, raw in row.values.items():
        if name == "attributes" and isinstance(raw, dict):
            attributes.update({str(k): None if is_empty(v) else v for k, v in raw.items()})
            continue
        column = columns.get(name) or columns.setdefault(name, map_column(kind, name))
        if column.field is None:
            attributes[str(column.attribute)] = None if is_empty(raw) else _attribute(raw)
            continue
        try:
            values[column.field.name] = coerce(column.field.type, raw)
        except BadValue as error:
            errors.append(f"{error} in column {column.source!r}")
    if errors:
        return BadRow(row.line, "; ".join(errors))
    return _keyed(kind, row.line, values, attributes)


def _repeat(kind: Kind, update: RecordUpdate, first_lines: dict[str, int]) -> str:
    """Why this row repeats an earlier row's record (its key or id), or "" for a record's first row."""
    key_field = "email" if kind is Kind.PERSON else "domain"
    names = [f"{key_field} {update.key}"] if update.key else []
    names += [f"id {update.id}"] if update.id else []
    earlier = next(((n, first_lines[n]) for n in names if n in first_lines), None)
    for name in names:
        first_lines.setdefault(name, update.line)
    if earlier is None:
        return ""
    return (
        f"{earlier[0]} repeats line {earlier[1]}: one {kind}, this row's values replacing "
        f"line {earlier[1]}'s in every column it has"
    )


def _attribute(raw: Any) -> Any:
    return raw.strip() if isinstance(raw, str) else raw


def _keyed(kind: Kind, line: int, values: dict[str, Any], attributes: dict[str, Any]) -> RecordUpdate | BadRow:
    record_id = values.pop("id", None)
    key_field = "email" if kind is Kind.PERSON else "domain"
    raw_key = values.get(key_field)
    key = normalise_email(raw_key).value if kind is Kind.PERSON and raw_key else raw_key
    if record_id is None and key is None:
        return BadRow(line, f"missing key: {key_field} (or id)")
    return RecordUpdate(kind, line, record_id, key, values, attributes)
