"""`sfsync state show` and `sfsync state unlock LOCK_ID`: look at the sync state, break a dead lock."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from sfsync.catalogue import Kind
from sfsync.commands.options import config_option, format_option
from sfsync.commands.run_json import run_json
from sfsync.commands.store_option import open_command_store, store_option
from sfsync.commands.summaries import SummaryGroup

if TYPE_CHECKING:  # the store (SQLAlchemy) is imported when a subcommand opens it
    from sfsync.store import Store


@click.group("state", cls=SummaryGroup)
def command() -> None:
    """The sync state kept in the store: lineage, serial, runs and locks."""


@command.command("show")
@format_option("The state for people, or one JSON document.")
@config_option
@store_option
def show(output: str, config_path: Path, store_url: str | None) -> None:
    """Print the store's lineage, serial, record counts, last run, locks and whether writes are paused."""
    with open_command_store(store_url, config_path, create=False) as store:
        summary = state_summary(store)
    if output == "json":
        click.echo(json.dumps(summary, indent=2, sort_keys=True))
    else:
        click.echo(_text(summary), nl=False)


@command.command("unlock")
@click.argument("lock_id")
@config_option
@store_option
def unlock(lock_id: str, config_path: Path, store_url: str | None) -> None:
    """Break the lock LOCK_ID left by a process that is gone (see `sfsync state show`)."""
    with open_command_store(store_url, config_path, create=False) as store:
        holder = store.locks.unlock(lock_id)
    click.echo(f"released {holder.describe()}")


def state_summary(store: Store) -> dict[str, Any]:
    version = store.meta.version()
    last = store.runs.last()
    pause = store.pause.state()
    return {
        "store": store.display_url,
        "schema_version": store.schema_version(),
        "lineage": version.lineage,
        "serial": version.serial,
        "workspace": {str(kind): store.workspace.count(kind) for kind in (Kind.COMPANY, Kind.PERSON)},
        "mirror": store.mirror.counts(),
        "links": {f"{kind}:{name}": n for (kind, name), n in store.links.counts().items()},
        "last_run": run_json(last),
        "locks": [{"id": h.id, "description": h.describe()} for h in store.locks.holders()],
        "pause": None
        if pause is None
        else {"paused": pause.paused, "by": pause.by, "at": pause.at.isoformat(), "reason": pause.reason},
    }


def _text(summary: dict[str, Any]) -> str:
    workspace = summary["workspace"]
    lines = [
        f"store:     {summary['store']} (schema {summary['schema_version']})",
        f"lineage:   {summary['lineage']}",
        f"serial:    {summary['serial']}",
        f"workspace: {workspace['company']} companies, {workspace['person']} people",
        f"mirror:    {_counts(summary['mirror'])}",
        f"links:     {_counts(summary['links'])}",
        f"last run:  {_run(summary['last_run'])}",
        f"writes:    {_pause(summary['pause'])}",
    ]
    locks = summary["locks"] or [{"description": "none"}]
    lines.extend(f"lock:      {lock['description']}" for lock in locks)
    return "\n".join(lines) + "\n"


def _pause(pause: dict[str, Any] | None) -> str:
    if pause is None or not pause["paused"]:
        return "enabled" + (f" (resumed by {pause['by']} at {pause['at']})" if pause else "")
    reason = f" ({pause['reason']})" if pause["reason"] else ""
    return f"PAUSED by {pause['by']} at {pause['at']}{reason}; `sfsync resume` restarts them"


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{name} {n}" for name, n in counts.items()) or "none"


def _run(run: dict[str, Any] | None) -> str:
    if run is None:
        return "none"
    counts = ", ".join(f"{k} {v}" for k, v in sorted(run["counts"].items()))
    finished = f", finished {run['finished_at']}" if run["finished_at"] else ""
    tail = f" ({counts})" if counts else ""
    return f"{run['operation']} {run['outcome']}, started {run['started_at']}{finished}{tail} [{run['id']}]"
