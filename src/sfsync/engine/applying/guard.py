"""The conditional write guard of the REST path (`sync.write_guard: conditional`).

An update is sent with `If-Unmodified-Since` set to the `LastModifiedDate` its check read
(engine/applying/settle), so Salesforce refuses it (412) when someone modified the record after that
read: the plan's fields are dropped as a conflict, the record is re-read for the mirror, and the next
plan decides again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sfsync.engine.applying.batch import Prepared
from sfsync.engine.applying.settle import STAMP
from sfsync.errors import RemoteError
from sfsync.salesforce.port import (
    GuardedUpdate,
    Outcome,
    Record,
    SalesforcePort,
    Update,
    WriteOperation,
    WriteOptions,
    WriteResult,
)
from sfsync.salesforce.write_requests import Read, Write, Written


def send_guarded(
    port: SalesforcePort, sobject: str, group: Sequence[Prepared], options: WriteOptions, then: Sequence[Read] = ()
) -> Written:
    """Send `group`'s updates, each guarded by its check's stamp; a refused one's record is re-read into
    its `current`, for the mirror. A target read without a stamp cannot be guarded: sent as Collections.

    The last request carries the reads of `then` (the next group's check, engine/applying/pipeline); when
    a refused record was re-read after them, their answers are dropped: the next group is checked again.
    """
    stamped = [p for p in group if p.stamp]
    plain = [p for p in group if not p.stamp]
    found: dict[str, WriteResult] = {}
    answers: Mapping[Read, list[Record | None]] = {}
    if stamped:
        updates = tuple(GuardedUpdate(str(p.change.sf_id), p.values, p.stamp) for p in stamped)
        carrying = () if plain else then  # the reads go with the last request
        written = port.send_write(Write(sobject, WriteOperation.UPDATE, updates=updates, options=options), carrying)
        found.update(zip([p.change.key for p in stamped], written.results, strict=True))
        answers = written.answers
    if plain:
        unguarded = tuple(Update(str(p.change.sf_id), p.values) for p in plain)
        written = port.send_write(Write(sobject, WriteOperation.UPDATE, updates=unguarded, options=options), then)
        found.update(zip([p.change.key for p in plain], written.results, strict=True))
        answers = written.answers
    results = [found[p.change.key] for p in group]
    moved = [p for p, r in zip(group, results, strict=True) if r.outcome is Outcome.MODIFIED]
    _reread_moved(port, sobject, moved)
    return Written(results, {} if moved else answers)


def _reread_moved(port: SalesforcePort, sobject: str, moved: Sequence[Prepared]) -> None:
    """What the records refused by their guard hold now: the mirror then shows the edit that moved them."""
    if not moved:
        return
    names = sorted(
        {name for p in moved for name in p.current if name != "Id"} | {f.field for p in moved for f in p.change.fields}
    )
    try:
        rows = port.retrieve(sobject, [str(p.change.sf_id) for p in moved], names)
    except RemoteError:  # nothing was written: the next incremental read brings the edit in
        return
    for item, row in zip(moved, rows, strict=True):
        if row is not None:
            item.current = {k: v for k, v in row.items() if k not in ("attributes", STAMP)}
