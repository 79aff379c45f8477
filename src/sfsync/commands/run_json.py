"""A run of the store's run log as `sfsync status` and `sfsync state show` print it in JSON: one spelling."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the store (SQLAlchemy) is imported when the command opens it
    from sfsync.store.runs import Run

SOURCES = "sources"  # a declared source's counts in a cycle's: `sources.NAME.read`, `sources.NAME.rejected`


def run_json(run: Run | None) -> dict[str, Any] | None:
    """`outcome` is the run's status as the store keeps it (a cycle's outcome, an apply's `succeeded`, …)."""
    if run is None:
        return None
    return {
        "id": run.id,
        "operation": run.operation,
        "outcome": run.status,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "counts": dict(run.counts),
    }


def source_counts(run: Run | None) -> dict[str, dict[str, int]]:
    """Each declared source's rows read and rejected in a cycle, from its counts (`CycleReport.counts`)."""
    found: dict[str, dict[str, int]] = {}
    for key, count in (run.counts if run is not None else {}).items():
        prefix, _, rest = key.partition(".")
        if prefix == SOURCES:
            name, _, fact = rest.rpartition(".")
            found.setdefault(name, {})[fact] = count
    return found
