"""`sfsync plan`: what apply would write, record by record and field by field."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from sfsync import __version__, api
from sfsync.api.results import plan_exit_code
from sfsync.commands.options import DEFAULT_MAX_RECORDS, config_option, max_records_option
from sfsync.commands.store_option import store_option
from sfsync.commands.sync_session import console, progress_for
from sfsync.engine.plans.json_form import plan_json
from sfsync.engine.plans.plan import Plan
from sfsync.render.events import NdjsonSink, emit_plan
from sfsync.render.text import wants_color
from sfsync.render.views import redacted_and_summary, write_plan_view

format_option = click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="A view for people, JSON (NDJSON events for `plan`, the plan document for `show`), or Markdown.",
)


@click.command("plan")
@click.option(
    "-o", "--out", "out", type=click.Path(path_type=Path, dir_okay=False), help="Save the plan to apply later."
)
@click.option(
    "--detailed-exitcode", is_flag=True, help="Exit 2 when the plan writes anything, 0 when it writes nothing."
)
@click.option(
    "--full-refresh",
    is_flag=True,
    help="Read every object in full instead of since the last read, and plan again the changes held back "
    "because Salesforce refused them for good (after a rule changed in Salesforce).",
)
@format_option
@max_records_option
@config_option
@store_option
def command(
    out: Path | None,
    detailed_exitcode: bool,
    full_refresh: bool,
    output: str,
    max_records: int | None,
    config_path: Path,
    store_url: str | None,
) -> int:
    """Refresh from Salesforce and show exactly what `apply` would write, and what it would not, and why.

    Read-only towards Salesforce; with a config that is not the applied one, nothing is recorded in the
    store either. A saved plan is sealed by the store: apply takes it only unedited. Exit codes: 0
    success, 1 error (including a plan that cannot be applied), 2 with --detailed-exitcode when there
    are writes.
    """
    sink = NdjsonSink(sys.stdout, "plan", tool_version=__version__) if output == "json" else None
    if sink is not None:
        sink.started("plan")
    with progress_for(sink) as progress:  # the logic is the API's: this command parses options and renders
        plan = api.plan(config_path, store_url=store_url, full_refresh=full_refresh, out=out, progress=progress)
    document = plan_json(plan)  # the file and every view are this one value, read record by record
    if sink is not None:
        redacted, summary = redacted_and_summary(document)
        emit_plan(sink, redacted, plan_file=str(out) if out else None, summary=summary)
    else:
        show_document(document, output, plan_file=str(out) if out else "plan.json", max_records=max_records)
    if out is not None and output == "text":
        console().print(_saved(out, plan))
    return plan_exit_code(plan, detailed_exitcode)


def show(
    plan: Plan, output: str, *, plan_file: str = "plan.json", max_records: int | None = DEFAULT_MAX_RECORDS
) -> None:
    """Print a plan in one of its views; every view is redacted before it is rendered."""
    show_document(plan_json(plan), output, plan_file=plan_file, max_records=max_records)


def show_document(
    document: Mapping[str, Any], output: str, *, plan_file: str = "plan.json", max_records: int | None = None
) -> None:
    """`show` for a plan already in its JSON form (`plan_json`), written to stdout as it is rendered."""
    color = wants_color(sys.stdout)
    write_plan_view(document, output, _Echo(), max_records=max_records, color=color, plan_file=plan_file)


class _Echo:
    """Stdout through `click.echo`, as the views have always been printed: it strips ANSI codes (a value
    may hold some) when stdout is not a terminal, and mends a stdout with a misconfigured encoding."""

    def write(self, text: str) -> None:
        click.echo(text, nl=False)


def _saved(out: Path, plan: Plan) -> str:
    """Where the plan went; how to apply it only when it can be applied."""
    if not plan.appliable:
        return f"Saved the plan to {out}; it has errors and cannot be applied: fix them and plan again."
    return f"Saved the plan to {out}; apply it with `sfsync apply {out}`."
