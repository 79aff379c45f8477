"""`sfsync fmt`: rewrite config files canonically, keeping comments and key order."""

from __future__ import annotations

import difflib
from pathlib import Path

import click

from sfsync.commands.options import config_option
from sfsync.config.discovery import config_files
from sfsync.config.formatting import format_text
from sfsync.config.loading import read_text
from sfsync.errors import ConfigError, Diagnostics, ExitCode


@click.command("fmt")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--check", is_flag=True, help="Change nothing; exit 1 when a file is not formatted.")
@click.option("--diff", "show_diff", is_flag=True, help="Print what would change instead of writing it.")
@config_option
def command(files: tuple[Path, ...], check: bool, show_diff: bool, config_path: Path) -> int:
    """Format config FILES (default: the -c config); directories are searched for config files."""
    problems = Diagnostics()
    changed: list[Path] = []
    for path in config_files(files, config_path):
        text, unreadable = read_text(path)
        try:
            if unreadable:
                raise ConfigError(unreadable)
            formatted = format_text(text, str(path))
        except ConfigError as error:
            problems.extend(error.diagnostics)
            continue
        if formatted == text:
            continue
        changed.append(path)
        if show_diff:
            click.echo(_diff(path, text, formatted), nl=False)
        elif check:
            click.echo(f"would reformat {path}")
        else:
            path.write_text(formatted, encoding="utf-8")
            click.echo(f"reformatted {path}")
    if problems.has_errors():
        raise ConfigError(problems)
    return ExitCode.ERROR if check and changed else ExitCode.OK


def _diff(path: Path, before: str, after: str) -> str:
    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), f"{path}", f"{path} (formatted)"
    )
    return "".join(lines)
