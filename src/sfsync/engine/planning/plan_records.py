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
from sfsync.engine.planning.rejections import last_rejections, note_retries, note_terminal
from sfsync.engine.plans.file import PlanSpool
from sfsync.engine.plans.plan import Action, RecordChange, Skip
from sfsync.engine.standing import hold_back
from sfsync.store import Store


@dataclass
class Written:
    """What was spooled, counted: per object creates and updates (`writes`), and skips."""

    writes: dict[str, list[int]] = field(default_factory=dict)
    skips: dict[str, int] = field(default_factory=dict)

    @property
    def objects(self) -> set[str]:
        return set(self.writes)

    def change(self, change: RecordChange) -> None:
        entry = self.writes.setdefault(change.sobject, [0, 0])
        entry[0 if change.action is Action.CREATE else 1] += 1

    def skip(self, skip: Skip) -> None:
        name = skip.sobject or skip.workspace.kind
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
    standing = {key: (item.error_code, item.message) for key, item in store.rejections.all().items()}
    rejected = {**standing, **last_rejections(store)}  # a standing refusal outlives the run that got it
    written = Written()
    held: list[Skip] = []
    changes: Iterable[RecordChange] = output.ordered_changes()
    if emails is not None:
        changes = _then_emails(changes, emails)
    if not full_refresh:  # a full refresh resends standing rejections once (a rule may have changed)
        changes = hold_back(store, changes, str(config.sync.duplicate_rules), held)
    for change in note_retries(changes, rejected):
        change = _note_retry(change, retried)
        written.change(change)
        into.add("changes", change)
    email_skips = emails.skips if emails is not None else []
    for skip in _then(note_terminal(_then(output.skips(), email_skips), rejected), held):
        written.skip(skip)
        into.add("skips", skip)
    waiting = {(s.workspace.kind, s.workspace.id) for s in held}
    for entry in output.entries():
        if not (entry.entered and (entry.kind, entry.workspace_id) in waiting):
            into.add("play_entries", entry)
    return written


def _then_emails(changes: Iterable[RecordChange], emails: EmailPlanner) -> Iterator[RecordChange]:
    for change in changes:
        emails.note(change)
        yield change
    yield from emails.changes()  # every person's change went by: the emails' turn


def _then(first: Iterable[Skip], last: list[Skip]) -> Iterator[Skip]:
    yield from first
    yield from last  # filled once every change was read


def _note_retry(change: RecordChange, notes: Mapping[tuple[str, str, str], str]) -> RecordChange:
    note = notes.get((change.workspace.kind, change.workspace.id, change.sobject))
    return replace(change, match=f"{note}; {change.match}") if note and change.action is Action.CREATE else change
