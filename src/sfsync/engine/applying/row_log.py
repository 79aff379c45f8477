"""Every row an apply handled, kept in an unnamed temporary file as each chunk is done: none held in memory.

An apply of a million changes reports a million rows; holding each `RowReport` made its memory grow with
the plan. The log writes each chunk's reports as one pickled list and gives them back, chunk after chunk,
each time `rows()` is iterated (`CountedRows`: a frozen sequence like a plan's records, whose outcomes are
counted as they were written, so the summary reads nothing again). The file is this process's own and
has no name: nothing else can write what is unpickled from it. It is freed with the last reference.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import IO

from sfsync.engine.row_report import CountedRows, RowReport


class RowLog:
    """The rows reported so far, in the order apply reported them; `counts` by outcome."""

    def __init__(self) -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the rows read from it)
        self._pieces: list[tuple[int, int]] = []  # (offset, length) of each chunk's pickled reports
        self._end = 0
        self._count = 0
        self._counts: Counter[str] = Counter()

    def extend(self, reports: Sequence[RowReport]) -> None:
        if not reports:
            return
        data = pickle.dumps(list(reports), protocol=pickle.HIGHEST_PROTOCOL)
        os.pwrite(self._file.fileno(), data, self._end)
        self._pieces.append((self._end, len(data)))
        self._end += len(data)
        self._count += len(reports)
        self._counts.update(str(r.outcome) for r in reports)

    def rows(self) -> CountedRows:
        """The rows logged so far, read back one chunk at a time on each iteration."""
        pieces = tuple(self._pieces)
        return CountedRows(self._count, lambda: self._read(pieces), dict(self._counts))

    def _read(self, pieces: Sequence[tuple[int, int]]) -> Iterator[RowReport]:
        for offset, length in pieces:  # each read at its own offset: two iterations at once do not mix
            # this process wrote the file, which has no name: nothing untrusted is unpickled
            reports: list[RowReport] = pickle.loads(os.pread(self._file.fileno(), length, offset))  # noqa: S301
            yield from reports
