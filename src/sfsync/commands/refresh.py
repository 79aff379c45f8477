"""`sfsync refresh`: the read pass only (Salesforce → mirror → workspace), no plan, no writes."""

from __future__ import annotations

from pathlib import Path

import click

from sfsync.api.session import sync_session
from sfsync.commands.options import config_option
from sfsync.commands.store_option import store_option
from sfsync.commands.sync_session import console, progress_for
from sfsync.engine.planning.read_shape import read_again, read_shapes
from sfsync.engine.reading.fields import READ_OBJECTS
from sfsync.engine.reading.refresh import refresh
from sfsync.errors import ExitCode
from sfsync.salesforce.describe import describe_objects


@click.command("refresh")
@click.option("--full", is_flag=True, help="Read every object in full instead of since the last read.")
@config_option
@store_option
def command(full: bool, config_path: Path, store_url: str | None) -> int:
    """Read Account, Contact, Lead and Opportunity into the store (incrementally by SystemModstamp)."""
    with sync_session(config_path, store_url, "refresh") as session, progress_for(None) as progress:
        found = describe_objects(session.port, READ_OBJECTS)
        describes = {name: d for name, d in found.items() if d is not None}
        store, shapes = session.store, read_shapes(session.loaded.config, describes)
        store.read_shapes.forget(read_again(store.read_shapes.shapes(), shapes))  # read otherwise from now on
        result = refresh(
            session.port,
            session.store,
            session.loaded.config,
            describes,
            full=frozenset(READ_OBJECTS) if full else frozenset(),
            progress=progress,
        )
        if full:  # every object read from the start with this config: it is what the store holds now
            store.read_shapes.record(shapes)
    out = console()
    for item in result.objects:
        how = "full" if item.full else "incremental"
        skipped = "".join(f", {n} {reason}" for reason, n in sorted(item.skipped.items()))
        out.print(
            f"{item.sobject}: {item.read} read ({how}, {item.api.upper()}), {item.deleted} deleted, "
            f"{item.linked} linked{skipped}"
        )
    for change in result.identity:  # how workspace records followed Salesforce's own changes
        who = f"{change.workspace.kind} {change.workspace.label or change.workspace.id}"
        out.print(f"{str(change.kind).replace('_', ' ')}: {who}: {change.reason}", markup=False)
    return ExitCode.OK
