"""What apply needs to know of a plan's changes before it sends one, gathered while they are checked.

A saved plan's changes are read from its file on every pass (engine/plans/records), each pass parsing
and decoding every change again. Apply reads them twice: once to check them all (engine/applying/
plan_checks), which notes here what sending and recording need, and once to send them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sfsync.engine.plans.digest import ValueDigest
from sfsync.engine.plans.plan import RecordChange


@dataclass
class Survey:
    """The changes as read, in plan order: `runs`, the length of each run of changes to one object
    (batch, sobject); `planned`, each change's workspace record (kind, id); `sensitive`, the changes
    writing a value the plan holds as a digest (taken from the store again before anything is sent)."""

    runs: list[int] = field(default_factory=list)
    planned: set[tuple[str, str]] = field(default_factory=set)
    sensitive: list[RecordChange] = field(default_factory=list)
    _object: tuple[int, str] | None = None

    def note(self, change: RecordChange) -> None:
        run = (change.batch, change.sobject)
        if run == self._object:
            self.runs[-1] += 1
        else:
            self.runs.append(1)
            self._object = run
        self.planned.add((change.workspace.kind, change.workspace.id))
        if any(isinstance(item.after, ValueDigest) for item in change.fields):
            self.sensitive.append(change)
