"""Rows of a source into the workspace through the one loader `workspace load` uses.

Whatever the origin (a file, a query), rows reach `load_rows` / `load_email_rows` exactly as a file's
do, so a source's rows are matched, coerced, upserted and logged for incremental plans the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sfsync.catalogue import EMAIL, Kind
from sfsync.store import Store
from sfsync.store.loader import Rejection, check_email_header, load_email_rows, load_rows
from sfsync.store.loader.columns import check_header
from sfsync.store.loader.source import BadRow, SourceRow


@dataclass(frozen=True)
class Fed:
    """How many rows one pass over a source took, and how many of them were refused."""

    rows: int
    rejected: int


def header_problems(kind: str, header: list[str]) -> list[str]:
    """What is wrong with the (renamed) columns for `kind`: no key column, two columns naming one field."""
    return check_email_header(header) if kind == EMAIL else check_header(Kind(kind), header)


def feed(
    store: Store,
    kind: str,
    name: str,
    rows: Iterator[SourceRow | BadRow],
    on_reject: Callable[[Rejection], None],
) -> Fed:
    """Load `rows` as records of `kind`; each refused row goes to `on_reject` (named `name`)."""
    counted = _Counted(rows)
    if kind == EMAIL:
        summary = load_email_rows(store, name, iter(counted), on_reject)
    else:
        summary = load_rows(store, name, Kind(kind), iter(counted), on_reject)
    return Fed(counted.count, summary.rejected)


class _Counted:
    """The rows, counted as the loader takes them (it streams them in batches: nothing holds them all)."""

    def __init__(self, rows: Iterator[SourceRow | BadRow]) -> None:
        self._rows = rows
        self.count = 0

    def __iter__(self) -> Iterator[SourceRow | BadRow]:
        for row in self._rows:
            self.count += 1
            yield row
