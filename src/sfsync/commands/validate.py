"""`sfsync validate`: check config files (offline unless `--online`); every problem, with its position."""

from __future__ import annotations

import json
from pathlib import Path

import click

from sfsync.commands.options import config_option, format_option
from sfsync.config import LoadedConfig, load_config
from sfsync.config.discovery import config_files
from sfsync.errors import ConfigError, Diagnostics, ExitCode
from sfsync.render.diagnostics import render_diagnostics


@click.command("validate")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@format_option("Diagnostics as text (stderr) or as one JSON document (stdout).")
@click.option(
    "--online",
    is_flag=True,
    help="Also check each config against the org's metadata (connects; needs the secrets).",
)
@config_option
def command(files: tuple[Path, ...], output: str, config_path: Path, online: bool) -> int:
    """Check config FILES (default: the -c config); directories are searched.

    Offline by default: `${VAR}` references are not resolved, so this runs without secrets (for
    example as a pre-commit hook). Exits 1 when any file has an error.
    """
    diagnostics = Diagnostics()
    valid: list[Path] = []
    for path in config_files(files, config_path):
        try:
            loaded = load_config(path)
        except ConfigError as error:
            diagnostics.extend(error.diagnostics)
            continue
        online_found = _online(loaded) if online else Diagnostics()
        # an offline warning the metadata checks report again (as an error when writing) is said once
        again = {(d.path, d.summary) for d in online_found}
        diagnostics.extend(w for w in loaded.warnings if (w.path, w.summary) not in again)
        diagnostics.extend(online_found)
        valid.append(path)
    if output == "json":
        click.echo(json.dumps(_report(diagnostics), indent=2))
        return ExitCode.ERROR if diagnostics.has_errors() else ExitCode.OK
    if diagnostics.has_errors():
        raise ConfigError(diagnostics)
    if diagnostics.warnings:
        click.echo(render_diagnostics(diagnostics), err=True, nl=False)
    for path in valid:
        click.echo(f"{path}: valid")
    return ExitCode.OK


def _online(loaded: LoadedConfig) -> Diagnostics:
    """`--online`: the metadata checks of `sfsync.engine.metadata` against the connected org."""
    import os

    from sfsync.engine.metadata import check_online
    from sfsync.salesforce.connect import connect

    return check_online(loaded, connect(loaded, os.environ))


def _report(diagnostics: Diagnostics) -> dict[str, object]:
    return {
        "valid": not diagnostics.has_errors(),
        "error_count": len(diagnostics.errors),
        "warning_count": len(diagnostics.warnings),
        "diagnostics": [d.to_json() for d in diagnostics.sorted()],
    }
