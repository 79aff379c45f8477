"""`sfsync show plan.json`: a saved plan, as text or JSON."""

from __future__ import annotations

from pathlib import Path

import click

from sfsync.api.session import read_plan
from sfsync.commands.options import max_records_option
from sfsync.commands.plan import format_option, show
from sfsync.errors import ExitCode


@click.command("show")
@click.argument("plan_file", type=click.Path(path_type=Path, dir_okay=False))
@format_option
@max_records_option
def command(plan_file: Path, output: str, max_records: int | None) -> int:
    """Show a plan saved with `sfsync plan -o FILE` (`--format json` prints the plan document)."""
    show(read_plan(plan_file), output, plan_file=str(plan_file), max_records=max_records)
    return ExitCode.OK
