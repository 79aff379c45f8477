"""Resolving create intents once a chunk's results are known: this run's own, and those an earlier run left open.

An intent is recorded before a create is sent (store/intents.py); it ends created (with the record's id),
failed, or unknown (the next plan re-matches it), never silently dropped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sfsync.catalogue import Kind
from sfsync.engine.applying.batch import Prepared
from sfsync.engine.plans.plan import Action
from sfsync.engine.row_report import RowReport
from sfsync.salesforce.port import WriteResult
from sfsync.store import Store
from sfsync.store.intents import Intent, IntentState, Resolution


def resolution(intent: Intent, report: RowReport) -> Resolution:
    """How this run's own create intent ends, from the row it reported."""
    if report.outcome in ("written", "linked"):
        return Resolution(intent.id, IntentState.CREATED, report.sf_id)
    return Resolution(intent.id, IntentState.UNKNOWN if report.outcome == "unknown" else IntentState.FAILED)


def earlier_intents(
    store: Store, sent: Sequence[tuple[Prepared, WriteResult]], by_key: Mapping[str, RowReport], opened: set[str]
) -> list[Resolution]:
    """How to resolve the create intents an earlier run left open for the records this chunk wrote or linked.

    A plan made with a config not applied yet resolves them only in its rolled-back read, so apply does
    it for what it wrote: a create sent now (its key was just checked absent from Salesforce) means the
    earlier create did not happen; an update or a link means the plan found the record it was.
    """
    done: dict[tuple[str, str, str], RowReport] = {}
    for item, _result in sent:
        report = by_key[item.change.key]
        if report.outcome in ("written", "linked") and report.sf_id:
            done[(item.change.workspace.kind, item.change.workspace.id, item.change.sobject)] = report
    resolutions = []
    for kind in sorted({key[0] for key in done}):
        ids = [key[1] for key in done if key[0] == kind]
        for earlier in store.intents.unresolved_for(Kind(kind), ids):
            found = done.get((kind, earlier.workspace_id, earlier.object))
            if found is None or earlier.id in opened:
                continue
            if found.action == str(Action.CREATE) and found.outcome == "written":
                resolutions.append(Resolution(earlier.id, IntentState.FAILED))
            else:
                resolutions.append(Resolution(earlier.id, IntentState.CREATED, found.sf_id))
    return resolutions
