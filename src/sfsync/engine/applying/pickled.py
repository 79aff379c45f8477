"""Records apply made or read once, kept in an unnamed temporary file for the passes after: none held in memory.

Apply reads a plan's changes once, to check them, and sends them after; it reports a row per change. Kept
in memory, either grows with the plan; decoded again from the plan file, the changes cost their JSON
parsing and validation a second time. Here they are pickled a chunk at a time (a few microseconds a
record) and read back, chunk after chunk, each time `records()` is iterated. The file is this process's
own and has no name: nothing else can write what is unpickled from it. It is freed with the last
reference to the records read from it.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from collections.abc import Iterator, Sequence
from typing import IO, Generic, TypeVar

from sfsync.engine.plans.records import FileRecords

T = TypeVar("T")
CHUNK = 1_000  # records added one at a time that are pickled together


class Pickled(Generic[T]):
    """The records added so far, in order; `add` one, or `extend` with a chunk pickled as it is."""

    def __init__(self) -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the records read from it)
        self._pieces: list[tuple[int, int]] = []  # (offset, length) of each pickled chunk
        self._end = 0
        self._pending: list[T] = []
        self.count = 0

    def add(self, record: T) -> None:
        self._pending.append(record)
        if len(self._pending) >= CHUNK:
            self._flush()

    def extend(self, records: Sequence[T]) -> None:
        self._flush()
        self._write(list(records))

    def records(self) -> FileRecords[T]:
        """The records added so far, read back one chunk at a time on each iteration."""
        self._flush()
        pieces = tuple(self._pieces)
        return FileRecords(self.count, lambda: self._read(pieces))

    def _flush(self) -> None:
        pending, self._pending = self._pending, []
        self._write(pending)

    def _write(self, records: list[T]) -> None:
        if not records:
            return
        data = pickle.dumps(records, protocol=pickle.HIGHEST_PROTOCOL)
        os.pwrite(self._file.fileno(), data, self._end)
        self._pieces.append((self._end, len(data)))
        self._end += len(data)
        self.count += len(records)

    def _read(self, pieces: Sequence[tuple[int, int]]) -> Iterator[T]:
        for offset, length in pieces:  # each read at its own offset: two iterations at once do not mix
            # this process wrote the file, which has no name: nothing untrusted is unpickled
            records: list[T] = pickle.loads(os.pread(self._file.fileno(), length, offset))  # noqa: S301
            yield from records
