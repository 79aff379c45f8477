"""`sfsync apply [plan.json]`: perform a plan, and never more than it holds."""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

import click
from rich.console import Console
from rich.markup import escape

from sfsync import __version__
from sfsync.commands.options import config_option, format_option
from sfsync.commands.pause import PauseGate, refuse_when_paused
from sfsync.commands.plan import show
from sfsync.commands.store_option import store_option
from sfsync.commands.sync_session import console, progress_for, read_declared_sources, read_plan, sync_session
from sfsync.config import LoadedConfig
from sfsync.engine.applying.applier import ApplyReport, apply_plan
from sfsync.engine.planning.planner import make_plan
from sfsync.engine.plans.plan import Plan
from sfsync.errors import ExitCode, UsageError
from sfsync.render.events import NdjsonSink

ROWS_SHOWN = 20


class StopFlag:
    """Set by the first Ctrl-C: apply finishes the current batch's bookkeeping, then stops."""

    requested = False

    def __call__(self) -> bool:
        return self.requested


@click.command("apply")
@click.argument("plan_file", required=False, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--auto-approve", is_flag=True, help="Apply without asking (when no plan file is given).")
@format_option("`json` streams NDJSON events (started, row_result, summary) on stdout.")
@config_option
@store_option
def command(plan_file: Path | None, auto_approve: bool, output: str, config_path: Path, store_url: str | None) -> int:
    """Write to Salesforce what a plan holds: a saved one, or a fresh one after you approve it.

    A saved plan is refused unless this store sealed it (an edited plan, or one made against another
    store, is refused), when the store, org, describes or config moved since it was made, and when a
    change is not one sfsync makes from this config. A field changed in Salesforce since the plan is
    skipped as a conflict, never overwritten. Without a plan file, apply asks before writing, so it
    needs a terminal: in CI pass a plan file or --auto-approve.

    \b
    Exit codes:
      0    done: every row written, linked, or skipped as planned
      1    error: some rows were rejected (all recorded), the plan was refused, or no one
           can answer the approval prompt
      3    internal error (details in .sfsync/logs/)
      4    some rows' outcome is unknown (Salesforce never answered): run `sfsync plan`,
           whose read finds what was written; nothing is created twice
      5    writes are paused (`sfsync pause`): nothing was written, or apply stopped after
           the chunk in flight (recorded); `sfsync resume` restarts them
      130  interrupted (the current batch is recorded)
    """
    events = output == "json"
    if events and plan_file is None and not auto_approve:
        raise UsageError("apply --format json cannot ask for approval: give a plan file or --auto-approve")
    if plan_file is None and not auto_approve and not _can_prompt():
        raise UsageError(
            "apply cannot ask for approval without a terminal: save a plan with `sfsync plan -o plan.json` "
            "and run `sfsync apply plan.json`, or pass --auto-approve"
        )
    out = console(err=events)  # with events, stdout carries only NDJSON
    sink = NdjsonSink(sys.stdout, "apply", tool_version=__version__) if events else None
    if sink is not None:
        sink.started("apply")
    with sync_session(config_path, store_url, "apply") as session:
        refuse_when_paused(session.store)  # under the lock; the gate below sees a pause made after this
        if plan_file is not None:
            plan = read_plan(plan_file, store=session.store)
            _refuse_moved_sources(session.loaded, plan)
        else:
            reads = read_declared_sources(session.store, session.loaded)
            with progress_for(sink) as progress:
                plan = reads.stamp(make_plan(session.port, session.store, session.loaded, progress=progress))
            if not events:
                show(plan, "text")
            if not plan.appliable:
                return ExitCode.ERROR
            if plan.has_writes and not auto_approve and not click.confirm("Apply these changes?", default=False):
                out.print("Apply cancelled; nothing was written.")
                return ExitCode.OK
        with stop_on_interrupt() as stop, progress_for(sink) as progress:
            gate = PauseGate(session.store, stop)
            report = apply_plan(session.port, session.store, session.loaded, plan, stop=gate, progress=progress)
    if sink is not None:
        for row in report.rows:
            sink.row_result(row)
        ok = not report.rejected and not report.interrupted and not report.unknown
        sink.summary(report.counts(), ok=ok, run_id=report.run_id, interrupted=report.interrupted)
    else:
        render_report(report, out)
    if gate.pause is not None:
        out.print(f"[yellow]Apply stopped: writes {escape(gate.pause.describe())}; `sfsync resume` restarts them.[/]")
        return ExitCode.PAUSED
    return apply_exit_code(report)


def _refuse_moved_sources(loaded: LoadedConfig, plan: Plan) -> None:
    """A saved plan is stale once a source it read moved (a file edited, a row beyond its cursor)."""
    if loaded.config.sources or plan.fingerprint.sources:
        from sfsync.sources import refuse_moved_sources

        refuse_moved_sources(loaded, plan, os.environ)


def apply_exit_code(report: ApplyReport) -> int:
    """130 interrupted, else 4 when any row's outcome is unknown (it needs a read to settle, whatever else
    happened), else 1 when any row was rejected, else 0."""
    if report.interrupted:
        return ExitCode.INTERRUPTED
    if report.unknown:
        return ExitCode.UNKNOWN_OUTCOME
    return ExitCode.ERROR if report.rejected else ExitCode.OK


def _can_prompt() -> bool:
    """A person can answer the approval prompt only at a terminal (not in CI, a pipe or a cron job)."""
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except ValueError:  # stdin closed
        return False


@contextmanager
def stop_on_interrupt() -> Iterator[StopFlag]:
    flag = StopFlag()
    if threading.current_thread() is not threading.main_thread():
        yield flag
        return

    def handler(_signum: int, _frame: FrameType | None) -> None:
        if flag.requested:  # a second Ctrl-C stops at once
            raise KeyboardInterrupt
        flag.requested = True

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield flag
    finally:
        signal.signal(signal.SIGINT, previous)


def render_report(report: ApplyReport, out: Console) -> None:
    if not report.write_enabled:
        out.print("sync.write is false: nothing was written to Salesforce (reads still happened).")
    notable = [r for r in report.rows if r.outcome != "written" or r.dropped]
    for row in notable[:ROWS_SHOWN]:
        detail = row.message or ("; ".join(f"{f} changed in Salesforce since the plan" for f in row.dropped))
        code = f"{row.error_code}: " if row.error_code else ""
        who = f"{row.workspace_kind} {row.workspace_label or row.workspace_id}"
        out.print(f"  {row.outcome} {row.sobject} {row.sf_id or ''} ({who}): {escape(code + detail)}")
    if len(notable) > ROWS_SHOWN:
        out.print(f"  … and {len(notable) - ROWS_SHOWN} more (see the run log {report.run_id})")
    counts = ", ".join(f"{n} {outcome}" for outcome, n in report.counts().items()) or "nothing to write"
    state = "interrupted" if report.interrupted else "complete"
    out.print(f"[bold]Apply {state}:[/] {counts}.")
    if report.unknown:
        unknown = sum(1 for r in report.rows if r.outcome == "unknown")
        out.print(
            f"[yellow]{unknown} row{'s' if unknown != 1 else ''} sent without an answer from Salesforce: run "
            "`sfsync plan`; its read finds what was written (nothing is created twice).[/]"
        )
