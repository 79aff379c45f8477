"""The conditional write guard of the REST path (`sync.write_guard: conditional`).

An update is sent with `If-Unmodified-Since` set to the `LastModifiedDate` its check read
(engine/applying/settle), so Salesforce refuses it (412) when someone modified the record after that
read: the plan's fields are dropped as a conflict, the record is re-read for the mirror, and the next
plan decides again.
"""

from __future__ import annotations

from collections.abc import Sequence

from sfsync.engine.applying.batch import Prepared
from sfsync.engine.applying.settle import STAMP
from sfsync.errors import RemoteError
from sfsync.salesforce.port import GuardedUpdate, Outcome, SalesforcePort, Update, WriteOptions, WriteResult


def send_guarded(
    port: SalesforcePort, sobject: str, group: Sequence[Prepared], options: WriteOptions
) -> list[WriteResult]:
    """Send `group`'s updates, each guarded by its check's stamp; a refused one's record is re-read into
    its `current`, for the mirror. A target read without a stamp cannot be guarded: sent as Collections."""
    stamped = [p for p in group if p.stamp]
    plain = [p for p in group if not p.stamp]
    found: dict[str, WriteResult] = {}
    if stamped:
        updates = [GuardedUpdate(str(p.change.sf_id), p.values, p.stamp) for p in stamped]
        found.update(zip([p.change.key for p in stamped], port.update_guarded(sobject, updates, options), strict=True))
    if plain:
        answers = port.update(sobject, [Update(str(p.change.sf_id), p.values) for p in plain], options)
        found.update(zip([p.change.key for p in plain], answers, strict=True))
    results = [found[p.change.key] for p in group]
    _reread_moved(port, sobject, [p for p, r in zip(group, results, strict=True) if r.outcome is Outcome.MODIFIED])
    return results


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
