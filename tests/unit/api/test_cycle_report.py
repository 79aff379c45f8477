"""A cycle's report: its log line, and the counts the run log keeps, which `sfsync status` reads back."""

from __future__ import annotations

from datetime import UTC, datetime

from sfsync.api.cycle import CycleReport
from sfsync.commands.run_json import run_json, source_counts
from sfsync.store.runs import Run

SOURCES = {"crm": {"read": 120, "rejected": 2}, "crm_export": {"read": 3, "rejected": 0}}


def _report() -> CycleReport:
    return CycleReport(1, "applied", 2, 0, {"written": 2}, SOURCES, api_used=5, api_max=15_000, seconds=1.25)


def test_the_log_line_says_each_sources_rows_read_and_rejected() -> None:
    assert _report().line() == (
        "cycle 1 applied: 2 planned, 0 pending, 2 written; source crm: 120 rows read, 2 rejected; "
        "source crm_export: 3 rows read, 0 rejected; API 5/15000; 1.2s"
    )
    assert CycleReport(2, "in_sync").line() == "cycle 2 in_sync: 0 planned, 0 pending; 0.0s"
    assert _report().to_json()["sources"] == SOURCES


def test_the_sources_counts_come_back_from_the_run_log() -> None:
    now = datetime.now(UTC)
    run = Run("r1", "cycle", now, now, "applied", _report().counts())
    assert run.counts["written"] == 2 and run.counts["sources.crm.rejected"] == 2
    assert source_counts(run) == SOURCES
    assert source_counts(Run("r2", "cycle", now, now, "in_sync", CycleReport(2).counts())) == {}
    assert source_counts(None) == {}
    shown = run_json(run)
    assert shown is not None and (shown["operation"], shown["outcome"]) == ("cycle", "applied")
