"""`sfsync validate`: check config files (offline unless `--online`); every problem, with its position."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from sfsync.commands.options import config_option, format_option
from sfsync.commands.store_option import store_option
from sfsync.errors import ConfigError, Diagnostics, ExitCode

if TYPE_CHECKING:
    from sfsync.config import LoadedConfig


@click.command("validate")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@format_option("Diagnostics as text (stderr) or as one JSON document (stdout).")
@click.option(
    "--online",
    is_flag=True,
    help="Also check each config against the org's metadata (connects; needs the secrets).",
)
@config_option
@store_option
def command(files: tuple[Path, ...], output: str, config_path: Path, online: bool, store_url: str | None) -> int:
    """Check config FILES (default: the -c config); directories are searched.

    Offline by default: `${VAR}` references are not resolved, so this runs without secrets (for
    example as a pre-commit hook). Exits 1 when any file has an error.
    """
    # imported here, not with the module: `validate --help` needs none of it (and validate no store)
    from sfsync.config.discovery import config_files
    from sfsync.config.loading import load_config

    diagnostics = Diagnostics()
    valid: list[Path] = []
    for path in config_files(files, config_path):
        try:
            loaded = load_config(path)
        except ConfigError as error:
            diagnostics.extend(error.diagnostics)
            continue
        online_found = _online(loaded, store_url) if online else Diagnostics()
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
        from sfsync.render.diagnostics import render_diagnostics
        from sfsync.render.text import wants_color

        click.echo(render_diagnostics(diagnostics, color=wants_color(sys.stderr)), err=True, nl=False)
    for path in valid:
        click.echo(f"{path}: valid")
    return ExitCode.OK


def _online(loaded: LoadedConfig, store_url: str | None) -> Diagnostics:
    """`--online`: the metadata checks of `sfsync.engine.planning.metadata` against the connected org, and the
    mappings no record of the config's store fills (when it has one: validate never creates a store)."""
    import os

    from sfsync.api.connection import connect_config
    from sfsync.engine.planning.metadata import check_online

    found = check_online(loaded, connect_config(loaded, os.environ))
    found.extend(_empty_sources(loaded, store_url))
    return found


def _empty_sources(loaded: LoadedConfig, store_url: str | None) -> Diagnostics:
    import os

    from sfsync.config import resolve_store_url
    from sfsync.engine.planning.source_coverage import empty_sources
    from sfsync.store import StoreError, open_store

    try:
        with open_store(store_url or resolve_store_url(loaded, os.environ), create=False) as store:
            return empty_sources(store, loaded)
    except (StoreError, ConfigError):  # no store yet (nothing loaded), or none reachable: nothing to judge
        return Diagnostics()


def _report(diagnostics: Diagnostics) -> dict[str, object]:
    return {
        "valid": not diagnostics.has_errors(),
        "error_count": len(diagnostics.errors),
        "warning_count": len(diagnostics.warnings),
        "diagnostics": [d.to_json() for d in diagnostics.sorted()],
    }
