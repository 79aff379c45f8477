"""The results as tables: every run's cost, then each goal's ratio and whether it holds.

The same rows render as a rich table on the terminal and as Markdown for `RESULTS.md`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.console import Console
from rich.table import Table

from sfsync_bench.floor import bulk_floor, ratio, rest_floor
from sfsync_bench.measure import Measurement
from sfsync_bench.runs import SfsyncRuns, SizeResult

RUN_COLUMNS = (
    *("size", "run", "API calls", "floor", "calls/floor"),
    *("wall s", "CPU s", "org CPU s", "peak RSS MiB", "note"),
)
GOAL_COLUMNS = ("size", "goal", "value", "target", "status")


@dataclass(frozen=True)
class Goal:
    """One goal at one size: `met` is None when the value cannot be computed (nothing to compare)."""

    name: str
    value: float | None
    target: str
    met: bool | None
    judged_at: str = ""  # the size the goal is stated for; empty when it holds at every size
    void: str = ""  # why the value measures nothing (a run stopped half-way)


def goals(result: SizeResult) -> list[Goal]:
    """The goals of the scale work, each at the size it is stated for (the rest are shown, not judged)."""
    rest, bulk, per_record, blind = result.rest, result.bulk, result.per_record, result.blind
    floor = rest_floor(rest.workload)
    replanned = [r for r in (rest, bulk) if r.noop is not None]
    noop_share = max((_or_zero(ratio(_seconds(r.noop), r.plan.seconds)) for r in replanned), default=None)
    noop_queries = max((_or_zero(ratio(_noop_queries(r), r.noop_objects)) for r in replanned), default=None)
    plan_rss = max(rest.plan.peak_rss_mib, bulk.plan.peak_rss_mib)
    plan_file = max(rest.plan_file_mib, bulk.plan_file_mib)
    return [
        _goal("first plan, REST path: wall s", rest.plan.seconds, "≤ 120", _le(120), "1M"),
        _goal("first plan, Bulk path: wall s", bulk.plan.seconds, "≤ 120", _le(120), "1M"),
        _goal("first plan: peak RSS MiB", plan_rss, "≤ 500", _le(500), "1M"),
        _goal("no-op re-plan time / first plan time", noop_share, "≤ 0.05", _le(0.05), "1M"),
        _goal("no-op re-plan: query calls per object", noop_queries, "≤ 1", _le(1), "1M"),
        _goal("plan file, MiB", plan_file, "≤ 100", _le(100), "1M"),
        _goal("Bulk apply time / blind upsert time", _over(bulk, blind), "≤ 2.0", _le(2.0), "1M", bulk.void),
        _goal("Bulk path: calls (plan + apply)", float(bulk.sync_calls), "≤ 50", _le(50), "1M", bulk.void),
        _goal("REST path: calls / floor", ratio(rest.sync_calls, floor), "≤ 1.1", _le(1.1), "100k", rest.void),
        _goal(
            "per-record calls / sfsync calls",
            ratio(per_record.total_calls, rest.sync_calls),
            "≥ 100",
            _ge(100),
            void=rest.void,
        ),  # fmt: skip
        _goal("REST apply time / blind upsert time", _over(rest, blind), "(reference)", None, void=rest.void),
    ]


def _seconds(m: Measurement | None) -> float:
    return m.seconds if m is not None else 0.0


def _over(runs: SfsyncRuns, blind: Measurement) -> float | None:
    """The path's apply time over the blind upsert's (None when apply did not run)."""
    return ratio(runs.apply.seconds, blind.seconds) if runs.apply is not None else None


def _noop_queries(runs: SfsyncRuns) -> int:
    return _queries(runs.noop) if runs.noop is not None else 0


def _queries(m: Measurement) -> int:
    """Query calls: REST queries and their pages, or Bulk query jobs (each job one query, its polls not counted)."""
    return sum(n for name, n in m.calls.items() if name.startswith("rest.query") or name == "bulk.query.create")


def _or_zero(value: float | None) -> float:
    return 0.0 if value is None else value


def _goal(
    name: str,
    value: float | None,
    target: str,
    check: Callable[[float], bool] | None,
    judged_at: str = "",
    void: str = "",
) -> Goal:
    met = None if value is None or check is None or void else check(value)
    return Goal(name, value, target, met, judged_at, void)


def _le(limit: float) -> Callable[[float], bool]:
    return lambda value: value <= limit


def _ge(limit: float) -> Callable[[float], bool]:
    return lambda value: value >= limit


def run_rows(result: SizeResult) -> list[tuple[str, ...]]:
    size = f"{result.size:,}"
    rows = [*_sfsync_rows(size, result.rest, rest_floor), *_sfsync_rows(size, result.bulk, bulk_floor)]
    rows.append(_row(size, "per-record (simple-salesforce)", result.per_record, None, _outcomes(result.per_record)))
    rows.append(_row(size, "blind bulk2 upsert", result.blind, None, _outcomes(result.blind)))
    return rows


def _sfsync_rows(size: str, runs: SfsyncRuns, floor_of: Callable[..., int]) -> list[tuple[str, ...]]:
    floor = floor_of(runs.workload)
    label = f"sfsync {runs.api.upper()}"
    noop_note = "nothing to write" if not runs.noop_writes else f"{runs.noop_writes:,} writes left"
    rows = [_row(size, f"{label} plan", runs.plan, None, _plan_note(runs))]
    if runs.apply is None or runs.noop is None:
        return rows
    return [
        *rows,
        _row(size, f"{label} apply", runs.apply, None, str(runs.apply.notes.get("summary", ""))[:70]),
        _total_row(size, f"{label} plan + apply", runs.plan, runs.apply, floor),
        _row(size, f"{label} no-op plan", runs.noop, None, noop_note),
    ]


def _plan_note(runs: SfsyncRuns) -> str:
    return f"plan file {runs.plan_file_mib:.1f} MiB; workspace load {runs.load_seconds:.1f} s (not counted)"


def _row(size: str, label: str, m: Measurement, floor: int | None, note: str) -> tuple[str, ...]:
    approx = "~" if m.extrapolated_from else ""
    calls = f"{approx}{m.total_calls:,}"
    floor_text = f"{floor:,}" if floor is not None else ""
    over = _fmt(ratio(m.total_calls, floor)) if floor else ""
    times = (f"{approx}{m.seconds:.1f}", f"{approx}{m.cpu_seconds:.1f}", f"{approx}{m.org_cpu_seconds:.1f}")
    if m.extrapolated_from:
        note = f"first {m.extrapolated_from:,} rows, scaled; {note}"
    return (size, label, calls, floor_text, over, *times, f"{m.peak_rss_mib:.0f}", note)


def _total_row(size: str, label: str, plan: Measurement, apply: Measurement, floor: int) -> tuple[str, ...]:
    calls = plan.total_calls + apply.total_calls
    seconds = (f"{plan.seconds + apply.seconds:.1f}", f"{plan.cpu_seconds + apply.cpu_seconds:.1f}")
    org_cpu = f"{plan.org_cpu_seconds + apply.org_cpu_seconds:.1f}"
    rss = f"{max(plan.peak_rss_mib, apply.peak_rss_mib):.0f}"
    return (size, label, f"{calls:,}", f"{floor:,}", _fmt(ratio(calls, floor)), *seconds, org_cpu, rss, "")


def endpoint_rows(result: SizeResult) -> list[tuple[str, ...]]:
    """Each sfsync command's calls per endpoint: where the calls above the floor go."""
    rows = []
    for runs in (result.rest, result.bulk):
        for m in (m for m in (runs.plan, runs.apply, runs.noop) if m is not None):
            calls = ", ".join(f"{name} {n}" for name, n in sorted(m.calls.items()))
            rows.append((f"{result.size:,}", f"sfsync {m.label}", calls))
    return rows


def _outcomes(m: Measurement) -> str:
    return ", ".join(f"{k} {v:,}" for k, v in m.notes.items() if isinstance(v, int))


def _fmt(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.2f}"


def goal_rows(result: SizeResult) -> list[tuple[str, ...]]:
    return [(f"{result.size:,}", goal.name, _fmt(goal.value), goal.target, goal_status(goal)) for goal in goals(result)]


def goal_status(goal: Goal) -> str:
    """met / NOT MET, or why the goal was not judged."""
    if goal.void:
        return f"not judged: {goal.void}"
    status = {True: "met", False: "NOT MET", None: ""}[goal.met]
    if goal.judged_at and goal.met is not None:
        status += f" (goal stated at {goal.judged_at})"
    return status


def print_tables(results: Sequence[SizeResult], console: Console) -> None:
    console.print(rich_table("Runs", RUN_COLUMNS, [r for result in results for r in run_rows(result)]))
    console.print(rich_table("Goals", GOAL_COLUMNS, [r for result in results for r in goal_rows(result)]))


def rich_table(title: str, columns: Sequence[str], rows: Sequence[tuple[str, ...]]) -> Table:
    table = Table(title=title, show_lines=False, expand=False)
    for number, column in enumerate(columns):
        table.add_column(column, justify="right" if 1 < number < len(columns) - 1 else "left", overflow="fold")
    for row in rows:
        table.add_row(*row)
    return table


def markdown(results: Sequence[SizeResult]) -> str:
    runs = [r for result in results for r in run_rows(result)]
    goal_list = [r for result in results for r in goal_rows(result)]
    endpoints = [r for result in results for r in endpoint_rows(result)]
    tables = (
        markdown_table(RUN_COLUMNS, runs),
        markdown_table(GOAL_COLUMNS, goal_list),
        markdown_table(("size", "command", "API calls by endpoint"), endpoints),
    )
    return "\n".join(tables)


def markdown_table(columns: Sequence[str], rows: Sequence[tuple[str, ...]]) -> str:
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"
