"""The REST path's checks carried by the write before them: the safety read costs no call of its own.

Apply checks each group of a chunk (its creates, then its updates) right before sending it. On the
REST path the check of the group that comes next rides in the same composite request as this group's
write (`SalesforcePort.send_write`): Salesforce runs it after the write, as the request's last step, so
the next group is still checked right before its own write, and no chunk is left open longer than when
each check was a request of its own (the window also holds this chunk's store commit, a local step).

A group is checked by a request of its own when its check could not be carried: the first group of an
object's run, a check that did not fit the request (Salesforce's composite limits), one whose answer is
not known (the request failed or its answer was lost), and the check after a chunk that needed more
reads once its write was answered (updates refused by their guard re-read, creates refused by a
duplicate rule matched): those came after the carried check, which is then done again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from sfsync.engine.appeared import keys_query
from sfsync.engine.applying.external_ids import carried_query
from sfsync.engine.applying.settle import stamped
from sfsync.engine.plans.plan import Action, RecordChange
from sfsync.salesforce.port import Reads, Record
from sfsync.salesforce.query import Query
from sfsync.salesforce.write_requests import Read, Retrieve, Written


@dataclass
class Ahead:
    """One object's run of REST chunks: the chunk after the one being sent (`following`, set before each
    chunk), and what the last write brought back for the next group's check, asked at `asked`."""

    following: Sequence[RecordChange] = ()
    answers: Mapping[Read, list[Record | None]] = field(default_factory=dict)
    asked: dt.datetime | None = None

    def take(self, port: Reads) -> CheckReads:
        """The next group's reads: from the answers carried for it (each used once), else asked now."""
        reads = CheckReads(port, self.answers, self.asked)
        self.forget()
        return reads

    def carry(self, written: Written, asked: dt.datetime) -> None:
        self.answers, self.asked = written.answers, asked

    def forget(self) -> None:
        self.answers, self.asked = {}, None


class CheckReads:
    """A check's reads (`Reads`): answered from what the write before it brought back, else asked now."""

    def __init__(
        self, port: Reads, answers: Mapping[Read, list[Record | None]] | None = None, asked: dt.datetime | None = None
    ) -> None:
        self._port = port
        self._answers = dict(answers or {})
        self._asked = asked

    def query(self, request: Query) -> Iterator[Record]:
        found = self._answers.pop(request, None)
        if found is None:
            return self._port.query(request)
        return iter([row for row in found if row is not None])

    def retrieve(self, sobject: str, ids: Sequence[str], fields: Sequence[str]) -> list[Record | None]:
        found = self._answers.pop(Retrieve(sobject, tuple(ids), tuple(fields)), None)
        return list(found) if found is not None else self._port.retrieve(sobject, ids, fields)

    def asked_at(self, read: Read) -> dt.datetime | None:
        """When `read` was asked, if it is answered here (no later than its answer reflects the org)."""
        return self._asked if read in self._answers else None


def check_reads(
    changes: Sequence[RecordChange], also_read: Sequence[str], ext: str | None, *, registrable: bool, guarded: bool
) -> tuple[Read, ...]:
    """The reads that check the first group of `changes` (its creates, else its updates), in the order
    the check makes them: exactly the requests `batch.prepare` will ask for that group."""
    creates = [c for c in changes if c.action is Action.CREATE]
    if creates:
        found = (carried_query(creates, ext), keys_query(creates, registrable=registrable))
        return tuple(read for read in found if read is not None)
    updates = [c for c in changes if c.action is Action.UPDATE]
    return (targets_read(updates, also_read, guarded),) if updates else ()


def targets_read(updates: Sequence[RecordChange], also_read: Sequence[str], guarded: bool) -> Retrieve:
    """The re-read of update targets: the fields written and `also_read`, with the stamp for the guard."""
    names = sorted({f.field for c in updates for f in c.fields} | set(also_read))
    fields = stamped(names) if guarded else names
    return Retrieve(updates[0].sobject, tuple(str(c.sf_id) for c in updates), tuple(fields))
