"""Record changes put in plan order without holding them: sorted runs, spooled compressed, merged.

Plan order is batch (Accounts before the Contacts that need them), object, creates before updates,
then the change's key. Changes are derived in visit order, and an Account may be derived during a
person's visit, so the order is only known once every record was visited. Each change is kept as
its encoded line (a fraction of the value's size) in a buffer of at most `run_bytes`; a full buffer
is sorted and written out as one run; reading merges the runs. Memory is one buffer and one line per
run, whatever the plan's size; a plan that fits one buffer is sorted in memory and never spooled.
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Iterator
from operator import itemgetter
from pathlib import Path
from typing import Any

from sfsync.engine.plans.codec import decode, encode
from sfsync.engine.plans.plan import RecordChange
from sfsync.engine.plans.sections import Spool, record_line

RUN_BYTES = 32 << 20  # encoded changes per run: a run's buffer is the ordering's whole memory
TAG = "change"
SortKey = tuple[int, str, bool, str]
_FIRST = itemgetter(0)


def order_key(value: dict[str, Any]) -> SortKey:
    """A change's place in the plan, from its JSON form."""
    return (int(value["batch"]), str(value["sobject"]), value["action"] != "create", str(value["key"]))


class OrderedChanges:
    """Changes added in any order, read back (once) in plan order."""

    def __init__(self, directory: Path | None = None, run_bytes: int | None = None) -> None:
        self._directory, self._run_bytes = directory, run_bytes or RUN_BYTES
        self._buffer: list[tuple[SortKey, bytes]] = []
        self._buffered = 0
        self._runs: list[Spool] = []
        self.count = 0

    def add(self, change: RecordChange) -> None:
        value = encode(change)
        line = record_line(TAG, value)
        self._buffer.append((order_key(value), line))
        self._buffered += len(line)
        self.count += 1
        if self._buffered >= self._run_bytes:
            self._spill()

    @property
    def runs(self) -> int:
        """How many runs were spooled (0: the changes fit one buffer)."""
        return len(self._runs)

    def __iter__(self) -> Iterator[RecordChange]:
        if not self._runs:  # sorted where they are: nothing was spooled
            self._buffer.sort(key=_FIRST)
            buffer, self._buffer = self._buffer, []
            for _key, line in buffer:
                yield decode(RecordChange, json.loads(line)[TAG])
            return
        self._spill()
        merged = heapq.merge(*(_keyed(run) for run in self._runs), key=_FIRST)
        for _key, value in merged:
            yield decode(RecordChange, value)
        self.discard()

    def discard(self) -> None:
        for run in self._runs:
            run.discard()
        self._runs, self._buffer = [], []

    def _spill(self) -> None:
        if not self._buffer:
            return
        self._buffer.sort(key=_FIRST)
        run = Spool(TAG, self._directory)
        for _key, line in self._buffer:
            run.add_line(line)
        run.close()
        self._runs.append(run)
        self._buffer, self._buffered = [], 0


def _keyed(run: Spool) -> Iterator[tuple[SortKey, dict[str, Any]]]:
    for value in run.close().values():
        yield order_key(value), value
