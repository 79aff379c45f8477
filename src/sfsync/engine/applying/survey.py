"""What apply needs to know of a plan's changes before it sends one, gathered while they are checked.

A saved plan's changes are read from its file on every pass (engine/plans/records), each pass parsing
and decoding every change again. Apply reads them once, to check them all (engine/applying/plan_checks),
which notes here what sending and recording need and keeps each change as it was decoded, pickled in a
temporary file (engine/applying/pickled): the send pass reads them from there, at a few microseconds a
change. Nothing noted here grows in memory with the number of changes but the references and the
sensitive changes, which few hold.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping, Sequence
from dataclasses import dataclass, field

from sfsync.engine.applying.pickled import Pickled
from sfsync.engine.plans.digest import ValueDigest
from sfsync.engine.plans.plan import RecordChange


@dataclass
class Survey:
    """The changes as read, in plan order (`changes()`): `runs`, the length of each run of changes to one
    object (batch, sobject); `referenced`, the keys of the changes some other change refers to (a
    Contact's `AccountId` to an Account created in the same apply); `sensitive`, the changes writing a
    value the plan holds as a digest (taken from the store again before anything is sent)."""

    runs: list[int] = field(default_factory=list)
    referenced: set[str] = field(default_factory=set)
    sensitive: list[RecordChange] = field(default_factory=list)
    _object: tuple[int, str] | None = None
    _read: Pickled[RecordChange] = field(default_factory=Pickled)

    def changes(self) -> Sequence[RecordChange]:
        """Every change noted, in plan order, as it was read (each iteration reads them back from disk)."""
        return self._read.records()

    def note(self, change: RecordChange) -> None:
        self._read.add(change)
        run = (change.batch, change.sobject)
        if run == self._object:
            self.runs[-1] += 1
        else:
            self.runs.append(1)
            self._object = run
        self.referenced.update(item.ref for item in change.fields if item.ref is not None)
        if any(isinstance(item.after, ValueDigest) for item in change.fields):
            self.sensitive.append(change)


class ReferencedIds(MutableMapping[str, str]):
    """The Salesforce Id of each record written or linked so far, by change key, kept only for the keys a
    change refers to (`Survey.referenced`): an apply of a million Leads keeps none, not a million Ids."""

    def __init__(self, referenced: set[str]) -> None:
        self._referenced = referenced
        self._ids: dict[str, str] = {}

    def __getitem__(self, key: str) -> str:
        return self._ids[key]

    def __setitem__(self, key: str, sf_id: str) -> None:
        if key in self._referenced:
            self._ids[key] = sf_id

    def __delitem__(self, key: str) -> None:
        del self._ids[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)
