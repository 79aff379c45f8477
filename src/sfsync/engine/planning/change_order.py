"""Record changes put in plan order without holding them: sorted runs, spooled compressed, merged.

Plan order is batch (Accounts before the Contacts that need them), object, creates before updates,
then the change's key. Changes are derived in visit order, and an Account may be derived during a
person's visit, so the order is only known once every record was visited. Each change is kept as
its encoded line (a fraction of the value's size) in a buffer of at most `run_bytes`; a full buffer
is sorted and written out as one run, each line after its keys; reading merges the runs by those keys.
Memory is one buffer and one line per run, whatever the plan's size; a plan that fits one buffer is
sorted in memory and never spooled.
`lines()` hands each change on as that encoded line, so a change nothing alters on its way to the
plan is encoded once (decoding and encoding it again was a large part of a first plan's time).
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any

from sfsync.engine.plans.codec import decode, encoded_line
from sfsync.engine.plans.plan import RecordChange
from sfsync.engine.plans.sections import Spool, record_line

_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

RUN_BYTES = 32 << 20  # encoded changes per run: a run's buffer is the ordering's whole memory
TAG = "change"
SortKey = tuple[int, str, bool, str]
RecordKey = tuple[str, str, str]  # workspace kind and id, object: what rejections and retries are keyed by
_FIRST = itemgetter(0)


def order_key(value: Mapping[str, Any]) -> SortKey:
    """A change's place in the plan, from its JSON form."""
    return (int(value["batch"]), str(value["sobject"]), value["action"] != "create", str(value["key"]))


def record_key(value: Mapping[str, Any]) -> RecordKey:
    """The record a change writes, from its JSON form."""
    workspace = value["workspace"]
    return (str(workspace["kind"]), str(workspace["id"]), str(value["sobject"]))


def keyed_line(value: Mapping[str, Any], line: bytes) -> bytes:
    """A change's line after its keys, as a run keeps it (`_split` reads it back)."""
    return _keyed_line(order_key(value), record_key(value), line)


def _keyed_line(key: SortKey, record: RecordKey, line: bytes) -> bytes:
    return _ENCODE([*key, *record]).encode() + b"\t" + line


@dataclass(frozen=True, slots=True)
class OrderedLine:
    """A change in plan order as its encoded line (`record_line`, newline included), with what is
    needed to count it and to tell whether anything on its way may alter it."""

    record: RecordKey
    create: bool
    line: bytes

    @property
    def sobject(self) -> str:
        return self.record[2]

    def change(self) -> RecordChange:
        return decode(RecordChange, json.loads(self.line)[TAG])


class OrderedChanges:
    """Changes added in any order, read back (once) in plan order."""

    def __init__(self, directory: Path | None = None, run_bytes: int | None = None) -> None:
        self._directory, self._run_bytes = directory, run_bytes or RUN_BYTES
        self._buffer: list[tuple[SortKey, RecordKey, bytes]] = []
        self._buffered = 0
        self._runs: list[Spool] = []
        self.count = 0

    def add(self, change: RecordChange) -> bytes:
        """Take the change; its encoded line (`record_line`), for another use of the same encoding."""
        value, line = encoded_line(TAG, change)
        self._take(value, line)
        return line

    def add_form(self, value: Mapping[str, Any]) -> None:
        """Take a change by its JSON form as the plan's codec wrote it (the same line as the change's)."""
        self._take(value, record_line(TAG, value))

    def add_keyed(self, keyed: bytes) -> None:
        """Take a change as `keyed_line` put it (newline included), never decoded."""
        self._put(*_split(keyed))

    def _take(self, value: Mapping[str, Any], line: bytes) -> None:
        self._put(order_key(value), record_key(value), line)

    def _put(self, key: SortKey, record: RecordKey, line: bytes) -> None:
        self._buffer.append((key, record, line))
        self._buffered += len(line)
        self.count += 1
        if self._buffered >= self._run_bytes:
            self._spill()

    @property
    def runs(self) -> int:
        """How many runs were spooled (0: the changes fit one buffer)."""
        return len(self._runs)

    def __iter__(self) -> Iterator[RecordChange]:
        for ordered in self.lines():
            yield ordered.change()

    def lines(self) -> Iterator[OrderedLine]:
        """Each change's encoded line, in plan order (read once)."""
        if not self._runs:  # sorted where they are: nothing was spooled
            self._buffer.sort(key=_FIRST)
            buffer, self._buffer = self._buffer, []
            for key, record, line in buffer:
                yield OrderedLine(record, not key[2], line)
            return
        self._spill()
        merged = heapq.merge(*(_keyed(run) for run in self._runs), key=_FIRST)
        for key, record, line in merged:
            yield OrderedLine(record, not key[2], line)
        self.discard()

    def discard(self) -> None:
        for run in self._runs:
            run.discard()
        self._runs, self._buffer = [], []

    def _spill(self) -> None:
        if not self._buffer:
            return
        self._buffer.sort(key=_FIRST)
        run = Spool(TAG, self._directory, level=1)  # read back once, soon: speed over size
        for key, record, line in self._buffer:  # the keys ahead of the line: merging never decodes a change
            run.add_line(_keyed_line(key, record, line))
        run.close()
        self._runs.append(run)
        self._buffer, self._buffered = [], 0


def _keyed(run: Spool) -> Iterator[tuple[SortKey, RecordKey, bytes]]:
    """A run's lines with their keys, as `_spill` wrote them: `[sort key…, record key…]`, a tab, the line.

    Neither JSON text holds a raw tab (JSON escapes control characters in strings), so the first tab
    ends the keys."""
    for keyed in run.close().lines():
        yield _split(keyed + b"\n")


def _split(keyed: bytes) -> tuple[SortKey, RecordKey, bytes]:
    """A keyed line's keys and its change's line (newline included)."""
    keys, _, line = keyed.partition(b"\t")
    batch, sobject, update, key, kind, workspace_id, record_object = json.loads(keys)
    return (batch, sobject, update, key), (kind, workspace_id, record_object), line
