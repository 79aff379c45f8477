"""`sfsync workspace load FILE --object person|company|email`: load workspace records from CSV or JSONL."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from sfsync.catalogue import EMAIL, Kind
from sfsync.commands.options import config_option
from sfsync.commands.store_option import open_command_store, store_option
from sfsync.commands.summaries import SummaryGroup
from sfsync.errors import ExitCode

if TYPE_CHECKING:  # the store (SQLAlchemy) is imported when `load` runs
    from sfsync.store.loader import LoadSummary, Rejection

Progress = Callable[["LoadSummary"], None]


@click.group("workspace", cls=SummaryGroup)
def command() -> None:
    """The workspace: the people and companies sfsync keeps in sync with Salesforce."""


@command.command("load")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--object",
    "kind",
    type=click.Choice([*(k.value for k in Kind), EMAIL]),
    required=True,
    help="What the file holds: people (keyed by email), companies (keyed by domain) or emails (by message id).",
)
@config_option
@store_option
def load(file: Path, kind: str, config_path: Path, store_url: str | None) -> int:
    """Upsert the records in FILE (CSV, or JSONL for *.jsonl / *.ndjson) into the workspace.

    Columns are matched to workspace fields by name (`First Name` → first_name); other columns are
    kept as attributes. Rows are matched by email (people) or domain (companies), or by an `id`
    column. Every rejected row is reported as FILE:LINE; the good rows are loaded all the same, and
    the command exits 1 if any row was rejected.

    Emails (`--object email`) are added once by universal message id and never changed; each names the
    person it concerns (`person`, their email), who must be loaded first.
    """
    from sfsync.store.loader import load_emails, load_workspace

    with open_command_store(store_url, config_path) as store, _reporting(file) as (report, progress):
        if kind == EMAIL:
            summary = load_emails(store, file, report, on_progress=progress)
        else:
            summary = load_workspace(store, file, Kind(kind), report, on_progress=progress)
    click.echo(str(summary))
    return ExitCode.ERROR if summary.rejected else ExitCode.OK


@contextmanager
def _reporting(file: Path) -> Iterator[tuple[Callable[[Rejection], None], Progress | None]]:
    """Rejections on stderr; on a terminal, also a running count of the rows done."""
    if not sys.stderr.isatty():
        yield (lambda rejection: click.echo(str(rejection), err=True)), None
        return
    from rich.console import Console

    console = Console(file=sys.stderr, highlight=False, soft_wrap=True)
    with console.status(f"loading {file}…") as status:

        def progress(done: LoadSummary) -> None:
            status.update(f"loading {file}… {done}")

        yield (lambda rejection: console.print(str(rejection), markup=False)), progress
