"""Options shared by several commands."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

F = TypeVar("F", bound=Callable[..., object])

config_option = click.option(
    "-c",
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("sfsync.yaml"),
    show_default=True,
    help="The sfsync config file.",
)


def format_option(help_text: str) -> Callable[[F], F]:
    """`--format text|json` (default text), passed to the command as `output`."""
    return click.option(
        "--format",
        "output",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help=help_text,
    )


DEFAULT_MAX_RECORDS = 20


class RecordLimit(click.ParamType[int | None]):
    """A count of records, or `all` (None: nothing folded)."""

    name = "N|all"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> int | None:
        if value is None or isinstance(value, int):
            return value
        text = str(value).strip().lower()
        if text == "all":
            return None
        if text.isdigit():
            return int(text)
        self.fail(f"{value!r} is not a count of records or `all`", param, ctx)


max_records_option = click.option(
    "--max-records",
    type=RecordLimit(),
    default=str(DEFAULT_MAX_RECORDS),
    show_default=True,
    help="Fold each list of the text view (record changes, identity changes, skips per reason) after N "
    "records, with a count of what is hidden; `all` shows every one.",
)
