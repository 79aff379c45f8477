"""What Salesforce rejected in the last apply, so the next plan can say "retrying" or "not retried"."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace

from sfsync.engine.plans.plan import RecordChange, Skip, SkipCode
from sfsync.engine.row_report import TERMINAL_CODES
from sfsync.store import Store
from sfsync.store.runs import Outcome

RecordKey = tuple[str, str, str]  # workspace kind, workspace id, object


def last_rejections(store: Store) -> dict[RecordKey, tuple[str, str]]:
    """(code, message) of each row rejected in the last apply, by record."""
    run = store.runs.last("apply")
    if run is None:
        return {}
    found = {}
    for row in store.runs.results(run.id, Outcome.REJECTED):  # a plan after a clean apply reads no row
        if row.workspace_kind and row.workspace_id:
            key = (row.workspace_kind, row.workspace_id, row.object)
            found[key] = (row.error_code or "", row.message or "")
    return found


def note_retry(change: RecordChange, rejected: Mapping[RecordKey, tuple[str, str]]) -> RecordChange:
    """`change`, saying it is a retry when its record was rejected last time."""
    found = rejected.get((change.workspace.kind, change.workspace.id, change.sobject))
    return replace(change, match=f"retrying: rejected last time ({found[0]}); {change.match}") if found else change


def note_terminal(skips: Iterable[Skip], rejected: Mapping[RecordKey, tuple[str, str]]) -> Iterator[Skip]:
    """A record out of scope because its last write failed for good says so, instead of "not in a play"."""
    for skip in skips:
        found = rejected.get((skip.workspace.kind, skip.workspace.id, skip.sobject or ""))
        if found and skip.code is SkipCode.NOT_IN_PLAY and found[0] in TERMINAL_CODES:
            why = f"rejected by Salesforce last time ({found[0]}: {found[1]}); not retried"
            skip = replace(skip, code=SkipCode.REJECTED, reason=why)
        yield skip
