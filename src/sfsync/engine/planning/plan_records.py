"""The write set's output written to the plan's spool in plan order, one record at a time.

Changes come in plan order (`change_order`); standing rejections hold some back as `rejected` skips,
and retries of last apply's rejections and of creates whose outcome was unknown say so. Then the skips
(the held-back ones last) and the play entries, less the entries of held-back records (still entrants:
tried again once the rejection lifts). What the plan's head needs of the records (counts per object and
action, the objects written) is counted on the way, so nothing reads them again for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace

from sfsync.config.models import Config
from sfsync.engine.planning.emails import EmailPlanner
from sfsync.engine.planning.plan_output import PlanOutput
from sfsync.engine.planning.rejections import last_rejections, note_retry, note_terminal
from sfsync.engine.plans.codec import decode
from sfsync.engine.plans.file import PlanSpool
from sfsync.engine.plans.plan import Action, RecordChange, Skip
from sfsync.engine.standing import held_by
from sfsync.store import Store
from sfsync.store.rejections import RecordKey, StandingRejection


@dataclass
class Written:
    """What was spooled, counted: per object creates and updates (`writes`), and skips."""

    writes: dict[str, list[int]] = field(default_factory=dict)
    skips: dict[str, int] = field(default_factory=dict)

    @property
    def objects(self) -> set[str]:
        return set(self.writes)

    def change(self, change: RecordChange) -> None:
        self.count(change.sobject, create=change.action is Action.CREATE)

    def count(self, sobject: str, *, create: bool) -> None:
        entry = self.writes.setdefault(sobject, [0, 0])
        entry[0 if create else 1] += 1

    def skip(self, skip: Skip) -> None:
        self.skip_of(skip.sobject or skip.workspace.kind)

    def skip_of(self, name: str) -> None:
        self.skips[name] = self.skips.get(name, 0) + 1

    def tally(self) -> dict[str, dict[str, int]]:
        """`Plan.counts()` of the records spooled."""
        names = sorted({*self.writes, *self.skips})
        return {
            name: {
                "create": self.writes.get(name, [0, 0])[0],
                "update": self.writes.get(name, [0, 0])[1],
                "skip": self.skips.get(name, 0),
            }
            for name in names
        }


def spool_records(
    store: Store,
    config: Config,
    output: PlanOutput,
    into: PlanSpool,
    retried: Mapping[tuple[str, str, str], str],
    *,
    full_refresh: bool,
    emails: EmailPlanner | None = None,
) -> Written:
    """Every record of the plan into `into`, in plan order; what was written, counted. With `emails`,
    the email creates follow the people's changes (batch 2), and their skips the others'."""
    holding = store.rejections.all()
    standing = {key: (item.error_code, item.message) for key, item in holding.items()}
    rejected = {**standing, **last_rejections(store)}  # a standing refusal outlives the run that got it
    written = Written()
    held: list[Skip] = []
    if full_refresh:  # a full refresh resends standing rejections once (a rule may have changed)
        holding = {}
    notes = _Notes(store, holding, rejected, retried, str(config.sync.duplicate_rules))
    noted = notes.records
    for ordered in output.ordered_lines():
        if emails is not None and emails.concerns(ordered.record):  # decoded only for people with emails
            emails.note(ordered.change())
        if ordered.record not in noted:  # passed on as it was encoded: not decoded, not encoded again
            written.count(ordered.sobject, create=ordered.create)
            into.add_line("changes", ordered.line)
            continue
        _send(notes.sent(ordered.change(), held), written, into)
    for email in emails.changes() if emails is not None else ():  # every person's change went by
        _send(notes.sent(email, held) if record_key_of(email) in noted else email, written, into)
    for value, line in output.skip_lines():
        workspace, sobject = value["workspace"], value["sobject"]
        if (workspace["kind"], workspace["id"], sobject or "") in rejected:  # note_terminal may say more of it
            _skip(next(note_terminal([decode(Skip, value)], rejected)), written, into)
        else:  # passed on as it was encoded
            written.skip_of(sobject or workspace["kind"])
            into.add_line("skips", line)
    for skip in _then(note_terminal(emails.skips if emails is not None else [], rejected), held):
        _skip(skip, written, into)
    waiting = {(s.workspace.kind, s.workspace.id) for s in held}
    if not waiting:  # no entry is left out: each passes on as it was encoded
        for line in output.entry_lines():
            into.add_line("play_entries", line)
        return written
    for entry in output.entries():
        if not (entry.entered and (entry.kind, entry.workspace_id) in waiting):
            into.add("play_entries", entry)
    return written


@dataclass(frozen=True)
class _Notes:
    """What may hold a change back or be said of it on its way: standing rejections (`holding`), last
    apply's rejections, creates whose outcome was unknown (`retried`). Other records' changes pass as they are."""

    store: Store
    holding: Mapping[RecordKey, StandingRejection]
    rejected: Mapping[RecordKey, tuple[str, str]]
    retried: Mapping[RecordKey, str]
    duplicate_rules: str

    @property
    def records(self) -> set[RecordKey]:
        return {*self.rejected, *self.retried}  # holding's records are among the rejected

    def sent(self, change: RecordChange, held: list[Skip]) -> RecordChange | None:
        """`change` as it is sent, noted; None when a standing rejection holds it back (into `held`)."""
        skip = held_by(self.store, self.holding, change, self.duplicate_rules)
        if skip is not None:
            held.append(skip)
            return None
        return _note_retry(note_retry(change, self.rejected), self.retried)


def _send(change: RecordChange | None, written: Written, into: PlanSpool) -> None:
    if change is not None:
        written.change(change)
        into.add("changes", change)


def _skip(skip: Skip, written: Written, into: PlanSpool) -> None:
    written.skip(skip)
    into.add("skips", skip)


def record_key_of(change: RecordChange) -> RecordKey:
    return (str(change.workspace.kind), change.workspace.id, change.sobject)


def _then(first: Iterable[Skip], last: list[Skip]) -> Iterator[Skip]:
    yield from first
    yield from last  # filled once every change was read


def _note_retry(change: RecordChange, notes: Mapping[tuple[str, str, str], str]) -> RecordChange:
    note = notes.get((change.workspace.kind, change.workspace.id, change.sobject))
    return replace(change, match=f"{note}; {change.match}") if note and change.action is Action.CREATE else change
