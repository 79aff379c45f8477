"""File sources: every file the globs match, each read in full when its content changed.

"Changed" is decided by content: the sha256 of the file's bytes against the one recorded when it was
last read in full (a file touched, copied or restored unchanged is not read again; an edit that keeps
the size and the time is). A file no longer matched is simply not read: the records it loaded stay.
"""

from __future__ import annotations

import glob
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from sfsync.config.sources import DataSource
from sfsync.errors import UsageError
from sfsync.sources.columns import ColumnMap
from sfsync.sources.feeding import Fed, feed, header_problems
from sfsync.sources.rejections import SourceRejection
from sfsync.store import Store
from sfsync.store.loader import Rejection
from sfsync.store.loader.source import Source, SourceRow

CHUNK = 1 << 20


@dataclass(frozen=True)
class FilesRead:
    """The digest of every matched file (`matched`), of those read in full or unchanged (`files`: what
    the next read compares with; a file refused as a whole is left out, to be tried again), and the rows
    taken from the changed ones."""

    matched: Mapping[str, str]
    files: Mapping[str, str]
    rows: int
    rejected: int


def matched_files(source: DataSource, base: Path) -> list[Path]:
    """The files the globs match (relative globs against `base`, the config's directory), sorted, once each."""
    found: set[Path] = set()
    for pattern in source.files or ():
        rooted = pattern if Path(pattern).is_absolute() else str(base / pattern)
        # glob.glob, not Path.glob: a pattern may be absolute, and Path.glob takes only relative ones
        found.update(Path(p) for p in glob.glob(rooted, recursive=True) if Path(p).is_file())  # noqa: PTH207
    return sorted(found)


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def digests(source: DataSource, base: Path) -> dict[str, str]:
    return {str(path): file_digest(path) for path in matched_files(source, base)}


def read_files(
    store: Store,
    name: str,
    source: DataSource,
    base: Path,
    known: Mapping[str, str],
    on_reject: Callable[[SourceRejection], None],
) -> FilesRead:
    """Load each matched file whose digest is not the one in `known`; a file whose header is unusable is
    reported and left out of the returned digests, so it is tried again by the next read."""
    current = digests(source, base)
    columns = ColumnMap.of(source.columns)
    rows = rejected = 0
    kept: dict[str, str] = {}
    for path, digest in current.items():
        if known.get(path) == digest:
            kept[path] = digest
            continue
        try:
            fed = _read_file(store, name, source, Path(path), columns, on_reject)
        except UsageError as error:  # the file as a whole (no header row): said, skipped
            on_reject(SourceRejection(name, "", str(error)))
            fed = None
        if fed is None:  # the whole file refused: tried again by the next read
            rejected += 1
            continue
        rows, rejected = rows + fed.rows, rejected + fed.rejected
        kept[path] = digest
    return FilesRead(current, kept, rows, rejected)


def _read_file(
    store: Store,
    name: str,
    source: DataSource,
    path: Path,
    columns: ColumnMap,
    on_reject: Callable[[SourceRejection], None],
) -> Fed | None:
    """The file's rows loaded; None when its header is unusable (each problem reported at line 1)."""
    with Source(path) as opened:
        if opened.header is not None:
            problems = header_problems(source.object, columns.header(opened.header))
            for problem in problems:
                on_reject(SourceRejection(name, f"{path}:1", problem))
            if problems:
                return None
        renamed = (SourceRow(r.line, columns.row(r.values)) if isinstance(r, SourceRow) else r for r in opened.rows)

        def reject(rejection: Rejection) -> None:
            on_reject(SourceRejection(name, f"{rejection.file}:{rejection.line}", rejection.reason, rejection.severity))

        return feed(store, source.object, str(path), renamed, reject)
