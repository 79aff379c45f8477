"""The peer comparison as a table: each tool on each org state, its cost and what it did to the people."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table

from sfsync_bench.peer import ContenderRun, PeerComparison

COLUMNS = (
    *("size", "org state", "run", "API calls", "wall s", "CPU s", "org CPU s", "peak RSS MiB"),
    *("created", "updated", "human values overwritten", "duplicates created", "outcome"),
)


def peer_rows(size: int, comparison: PeerComparison) -> list[tuple[str, ...]]:
    return [_row(size, run) for run in comparison.runs]


def _row(size: int, run: ContenderRun) -> tuple[str, ...]:
    done = run.effects
    overwritten = f"{done.overwritten:,} of {done.human_values:,}"
    times = (f"{run.seconds:.1f}", f"{run.cpu_seconds:.1f}", f"{run.org_cpu_seconds:.1f}", f"{run.peak_rss_mib:.0f}")
    counts = (f"{done.created:,}", f"{done.updated:,}", overwritten, f"{done.duplicates:,}")
    return (f"{size:,}", run.org_state, run.tool, f"{run.total_calls:,}", *times, *counts, run.outcome)


def endpoint_rows(size: int, comparison: PeerComparison) -> list[tuple[str, ...]]:
    return [
        (f"{size:,}", run.org_state, run.tool, ", ".join(f"{name} {n}" for name, n in sorted(run.calls.items())))
        for run in comparison.runs
    ]


def print_peer(size: int, comparison: PeerComparison, console: Console) -> None:
    table = Table(title="sfsync and CumulusCI load_dataset", expand=False)
    for column in COLUMNS:
        table.add_column(column, overflow="fold")
    for row in peer_rows(size, comparison):
        table.add_row(*row)
    console.print(table)


def peer_markdown(peers: Sequence[tuple[int, PeerComparison]]) -> str:
    rows = [row for size, comparison in peers for row in peer_rows(size, comparison)]
    calls = [row for size, comparison in peers for row in endpoint_rows(size, comparison)]
    return _table(COLUMNS, rows) + "\n" + _table(("size", "org state", "run", "API calls by endpoint"), calls)


def _table(columns: Sequence[str], rows: Sequence[tuple[str, ...]]) -> str:
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"
