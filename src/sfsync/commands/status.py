"""`sfsync status`: how the continuous sync is doing, from the store alone (no call to Salesforce)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from sfsync.commands.options import config_option, format_option
from sfsync.commands.run_json import run_json, source_counts
from sfsync.commands.store_option import open_command_store, store_option

if TYPE_CHECKING:  # the store (SQLAlchemy) is imported when the command opens it
    from sfsync.store import Store
    from sfsync.store.runs import Run

HISTORY = 10


@click.command("status")
@format_option("The status for people, or one JSON document.")
@config_option
@store_option
def command(output: str, config_path: Path, store_url: str | None) -> None:
    """How the sync is doing: the last cycle and apply, drift, rejections, sources read, API budget, pause.

    Drift is the changes the last cycle planned and did not write (left for a person by
    `sync.auto_apply`, paused, or refused); the API budget is as Salesforce reported it in that cycle.
    """
    with open_command_store(store_url, config_path, create=False) as store:
        summary = status_summary(store)
    if output == "json":
        click.echo(json.dumps(summary, indent=2, sort_keys=True))
    else:
        click.echo(_text(summary), nl=False)


def status_summary(store: Store) -> dict[str, Any]:
    pause = store.pause.paused()
    cycles = store.runs.recent("cycle", HISTORY)
    last_apply = store.runs.last("apply")
    last = cycles[0] if cycles else None
    from sfsync.store.runs import Outcome

    rejected = store.runs.outcome_counts(last_apply.id).get(Outcome.REJECTED, 0) if last_apply else 0
    return {
        "paused": None if pause is None else {"by": pause.by, "at": pause.at.isoformat(), "reason": pause.reason},
        "last_cycle": run_json(last),
        "last_apply": run_json(last_apply),
        "drift": last.counts.get("pending") if last else None,
        "rejected": rejected,
        "sources": source_counts(last),
        "api": None if last is None or "api_max" not in last.counts else _api(last),
        "cycles": [run_json(c) for c in cycles],
    }


def _api(run: Run) -> dict[str, Any]:
    used, maximum = run.counts["api_used"], run.counts["api_max"]
    return {"used": used, "max": maximum, "share": round(used / maximum, 4) if maximum else None}


def _text(summary: dict[str, Any]) -> str:
    pause = summary["paused"]
    api = summary["api"]
    lines = [
        "writes:     " + (f"PAUSED by {pause['by']} at {pause['at']}" if pause else "enabled"),
        f"last cycle: {_line(summary['last_cycle'])}",
        f"last apply: {_line(summary['last_apply'])}",
        f"drift:      {'unknown (no cycle yet)' if summary['drift'] is None else str(summary['drift']) + ' pending'}",
        f"rejected:   {summary['rejected']} rows in the last apply",
        "API budget: " + (f"{api['used']} of {api['max']} daily requests" if api else "unknown (no cycle yet)"),
    ]
    if summary["sources"]:  # a config that declares none has no line for them
        lines.append("sources:    " + "; ".join(_source(name, n) for name, n in summary["sources"].items()))
    return "\n".join(lines) + "\n"


def _source(name: str, counts: dict[str, int]) -> str:
    return f"{name} {counts.get('read', 0)} rows read, {counts.get('rejected', 0)} rejected in the last cycle"


def _line(run: dict[str, Any] | None) -> str:
    if run is None:
        return "none"
    finished = f", finished {run['finished_at']}" if run["finished_at"] else " (running)"
    return f"{run['outcome']}, started {run['started_at']}{finished} [{run['id']}]"
