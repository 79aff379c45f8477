"""`sfsync run [--once | --every DURATION]`: keep Salesforce in sync, one cycle after another.

Each cycle (`sfsync.api.cycle`) reads, plans and applies what `sync.auto_apply` allows, and logs one
line; the loop and its back-off on the API limit are `run_cycles`'. This command parses the options,
turns SIGTERM and Ctrl-C into a stop request, and prints the lines.
"""

from __future__ import annotations

import json
import re
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

import click

from sfsync import api
from sfsync.api.cycle import CycleReport, CycleSettings, run_cycles
from sfsync.commands.options import config_option, format_option
from sfsync.commands.store_option import store_option
from sfsync.errors import ExitCode

DEFAULT_EVERY = 15 * 60.0
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


class Duration(click.ParamType[float]):
    """`90s`, `15m`, `1h`, `500ms`, or a number of seconds."""

    name = "DURATION"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> float:
        if isinstance(value, float):
            return value
        found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*", str(value))
        if found is None or float(found.group(1)) <= 0:
            self.fail(f"{value!r} is not a duration such as 30s, 15m or 1h", param, ctx)
        return float(found.group(1)) * _UNITS[found.group(2) or "s"]


class StopRequest:
    """Set by the first SIGTERM or Ctrl-C: the cycle finishes its chunk in flight and the run ends; a
    second one stops at once (exit 130)."""

    requested = False

    def __call__(self) -> bool:
        return self.requested


@click.command("run")
@click.option("--once", is_flag=True, help="Run one cycle and exit with its plan's or apply's exit code.")
@click.option(
    "--every", "every", type=Duration(), default=None, help="Time between cycles (default 15m); e.g. 30s, 15m, 1h."
)
@click.option(
    "-o", "--out", "out", type=click.Path(path_type=Path, dir_okay=False), help="Where a cycle saves its plan."
)
@format_option("One line per cycle for people, or one JSON object per cycle (NDJSON).")
@config_option
@store_option
def command(
    once: bool, every: float | None, out: Path | None, output: str, config_path: Path, store_url: str | None
) -> int:
    """Keep Salesforce in sync: refresh, plan, and apply what `sync.auto_apply` allows, in cycles.

    With `sync.auto_apply: none` (the default) a cycle only plans: it saves the plan (`-o`, else
    .sfsync/run-plan.json beside the config) for `sfsync apply FILE` and reports the drift. `fill_empty`
    applies creates and writes into empty Salesforce fields; `all` applies the whole plan. A paused store
    (`sfsync pause`) is only planned. A cycle does not start once `sync.run.max_api_share` of the org's
    daily API budget is used.

    \b
    Exit codes:
      0    --every: stopped by SIGTERM or Ctrl-C (the chunk in flight recorded)
           --once: as `sfsync plan` and `sfsync apply` (0, 1, 4, 5); a cycle
           skipped for the API budget exits 0
      130  a second SIGTERM or Ctrl-C stopped it at once
    """
    if once and every is not None:
        raise click.UsageError("--once and --every exclude each other")
    with stop_on_signals() as stop:
        if once:
            report = api.run_once(config_path, store_url=store_url, plan_out=out, stop=stop)
            _log(report, output)
            return report.exit_code
        settings = CycleSettings(config_path, store_url, out)
        run_cycles(settings, every or DEFAULT_EVERY, stop, lambda report: _log(report, output))
    return ExitCode.OK


def _log(report: CycleReport, output: str) -> None:
    """One line per cycle on stdout, flushed: a log collector sees each cycle as it ends."""
    text = json.dumps(report.to_json(), sort_keys=True) if output == "json" else report.line()
    click.echo(text)


@contextmanager
def stop_on_signals() -> Iterator[StopRequest]:
    flag = StopRequest()
    if threading.current_thread() is not threading.main_thread():
        yield flag
        return

    def handler(_signum: int, _frame: FrameType | None) -> None:
        if flag.requested:
            raise KeyboardInterrupt
        flag.requested = True

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield flag
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
