"""`sfsync plan`: what apply would write, record by record and field by field."""

from __future__ import annotations

import json
from pathlib import Path

import click

from sfsync.commands.options import config_option
from sfsync.commands.store_option import store_option
from sfsync.commands.sync_session import console, sync_session, write_plan
from sfsync.engine.plan import Plan, plan_to_json
from sfsync.engine.planner import make_plan
from sfsync.errors import ExitCode
from sfsync.render.plan_text import render_plan
from sfsync.render.redact import redact_plan
from sfsync.render.views import render_plan_view

format_option = click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="A view for people, the plan's JSON form, or Markdown (a pull-request comment).",
)


@click.command("plan")
@click.option(
    "-o", "--out", "out", type=click.Path(path_type=Path, dir_okay=False), help="Save the plan to apply later."
)
@click.option(
    "--detailed-exitcode", is_flag=True, help="Exit 2 when the plan writes anything, 0 when it writes nothing."
)
@click.option("--full-refresh", is_flag=True, help="Read every object in full instead of since the last read.")
@format_option
@config_option
@store_option
def command(
    out: Path | None, detailed_exitcode: bool, full_refresh: bool, output: str, config_path: Path, store_url: str | None
) -> int:
    """Refresh from Salesforce and show exactly what `apply` would write, and what it would not, and why.

    Read-only towards Salesforce. Exit codes: 0 success, 1 error (including a plan that cannot be
    applied), 2 with --detailed-exitcode when there are writes.
    """
    with sync_session(config_path, store_url, "plan") as session:
        plan = make_plan(session.port, session.store, session.loaded, full_refresh=full_refresh)
    if out is not None:
        write_plan(plan, out)
    show(plan, output, plan_file=str(out) if out else "plan.json")
    if out is not None and output == "text":
        console().print(f"Saved the plan to {out}; apply it with `sfsync apply {out}`.")
    return plan_exit_code(plan, detailed_exitcode)


def show(plan: Plan, output: str, *, plan_file: str = "plan.json") -> None:
    """Print a plan; JSON and Markdown are redacted: sensitive values never reach a terminal or a CI log."""
    if output == "json":
        click.echo(json.dumps(redact_plan(plan_to_json(plan)), indent=2, ensure_ascii=False))
    elif output == "markdown":
        click.echo(render_plan_view(plan_to_json(plan), "markdown", plan_file=plan_file), nl=False)
    else:
        render_plan(plan_to_json(plan), console())


def plan_exit_code(plan: Plan, detailed: bool) -> int:
    if not plan.appliable:
        return ExitCode.ERROR
    return ExitCode.CHANGES if detailed and plan.has_writes else ExitCode.OK
