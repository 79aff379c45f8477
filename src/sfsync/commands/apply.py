"""`sfsync apply [plan.json]`: perform a plan, and never more than it holds."""

from __future__ import annotations

import itertools
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import ExitStack, closing, contextmanager
from pathlib import Path
from types import FrameType

import click
from rich.console import Console
from rich.markup import escape

from sfsync import __version__, api
from sfsync.api.results import ApplyResult, ApplyStatus
from sfsync.commands.options import config_option, format_option
from sfsync.commands.plan import show
from sfsync.commands.store_option import store_option
from sfsync.commands.sync_session import console, progress_for
from sfsync.engine.plans.plan import Plan
from sfsync.errors import UsageError
from sfsync.render.events import EventSink, NdjsonSink

ROWS_SHOWN = 20


class StopFlag:
    """Set by the first Ctrl-C once `armed` (apply has begun): apply finishes the current batch's
    bookkeeping, then stops. Before that (planning, the approval prompt) a Ctrl-C stops at once."""

    requested = False
    armed = False

    def __call__(self) -> bool:
        return self.requested


class Phases:
    """Progress for the fresh plan, then a new display for the apply: the plan and the prompt are shown
    between the two, with no bars running."""

    def __init__(self, sink: EventSink | None) -> None:
        self._sink = sink
        self._display = ExitStack()
        self.current = self._display.enter_context(progress_for(sink))

    def next(self) -> None:
        self._display.close()
        self.current = self._display.enter_context(progress_for(self._sink))

    def close(self) -> None:
        self._display.close()

    def start(self, phase: str, sobject: str, total: int | None = None) -> None:
        self.current.start(phase, sobject, total)

    def advance(self, phase: str, sobject: str, count: int) -> None:
        self.current.advance(phase, sobject, count)

    def finish(self, phase: str, sobject: str) -> None:
        self.current.finish(phase, sobject)


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

    with stop_on_interrupt() as stop, closing(Phases(sink)) as progress:
        stop.armed = plan_file is not None

        def review(plan: Plan) -> bool:
            """A fresh plan is shown (without events), then applied only with --auto-approve or a yes."""
            progress.next()
            if not events:
                show(plan, "text")
            approved = not plan.appliable or not plan.has_writes or auto_approve
            if not approved and not click.confirm("Apply these changes?", default=False):
                out.print("Apply cancelled; nothing was written.")
                return False
            stop.armed = True
            return True

        result = api.apply(
            plan_file, config_path=config_path, store_url=store_url, review=review, stop=stop, progress=progress
        )
    if result.status in (ApplyStatus.CANCELLED, ApplyStatus.NOT_APPLIABLE):
        return result.exit_code
    if sink is not None:
        for row in result.rows:
            sink.row_result(row)
        sink.summary(result.counts(), ok=result.ok, run_id=result.run_id, interrupted=result.interrupted)
    else:
        render_report(result, out)
    if result.status is ApplyStatus.PAUSED:
        out.print(f"[yellow]Apply stopped: writes {escape(result.paused_by)}; `sfsync resume` restarts them.[/]")
    return result.exit_code


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
        if flag.requested or not flag.armed:  # a second Ctrl-C, or one before apply began, stops at once
            raise KeyboardInterrupt
        flag.requested = True

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield flag
    finally:
        signal.signal(signal.SIGINT, previous)


def render_report(report: ApplyResult, out: Console) -> None:
    if not report.write_enabled:
        out.print("sync.write is false: nothing was written to Salesforce (reads still happened).")
    notable = (r for r in report.rows if r.outcome != "written" or r.dropped)  # read back, never all held
    for row in itertools.islice(notable, ROWS_SHOWN):
        detail = row.message or ("; ".join(f"{f} changed in Salesforce since the plan" for f in row.dropped))
        code = f"{row.error_code}: " if row.error_code else ""
        who = f"{row.workspace_kind} {row.workspace_label or row.workspace_id}"
        out.print(f"  {row.outcome} {row.sobject} {row.sf_id or ''} ({who}): {escape(code + detail)}")
    more = sum(1 for _row in notable)
    if more:
        out.print(f"  … and {more} more (see the run log {report.run_id})")
    counts = ", ".join(f"{n} {outcome}" for outcome, n in report.counts().items()) or "nothing to write"
    state = "interrupted" if report.interrupted else "complete"
    out.print(f"[bold]Apply {state}:[/] {counts}.")
    if report.unknown:
        unknown = report.counts()["unknown"]
        out.print(
            f"[yellow]{unknown} row{'s' if unknown != 1 else ''} sent without an answer from Salesforce: run "
            "`sfsync plan`; its read finds what was written (nothing is created twice).[/]"
        )
