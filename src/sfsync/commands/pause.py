"""`sfsync pause [--reason TEXT]` and `sfsync resume`: stop and restart writes for every runner of a store.

The pause lives in the store, not the config: every `apply` and `run` using the store sees it, on any
machine, without a commit. Who paused is the CI actor when one is named (`GITHUB_ACTOR`,
`GITLAB_USER_LOGIN`), else the OS user at the host.
"""

from __future__ import annotations

import getpass
import os
import socket
from collections.abc import Mapping
from pathlib import Path

import click

from sfsync.commands.options import config_option
from sfsync.commands.store_option import open_command_store, store_option

CI_ACTORS = (("GITHUB_ACTOR", "GitHub Actions"), ("GITLAB_USER_LOGIN", "GitLab CI"))


def actor(environ: Mapping[str, str] = os.environ) -> str:
    """Who is pausing or resuming: `octocat (GitHub Actions)`, else `alice@build-host`."""
    for variable, ci in CI_ACTORS:
        if environ.get(variable):
            return f"{environ[variable]} ({ci})"
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no login name (a container without a passwd entry)
        user = str(os.getuid()) if hasattr(os, "getuid") else "unknown"
    return f"{user}@{socket.gethostname()}"


@click.command("pause")
@click.option("--reason", default="", help="Why writes are paused; shown by plan, apply, status and state show.")
@config_option
@store_option
def command(reason: str, config_path: Path, store_url: str | None) -> None:
    """Pause writes to Salesforce for every runner of the store, until `sfsync resume`.

    An apply already running stops after its current chunk (its bookkeeping is finished); apply refuses
    to start (exit 5); plan and run still read and plan, and say the store is paused.
    """
    with open_command_store(store_url, config_path) as store:
        state = store.pause.pause(actor(), reason.strip())
    click.echo(f"Writes {state.describe()}. `sfsync resume` restarts them.")


@click.command("resume")
@config_option
@store_option
def resume(config_path: Path, store_url: str | None) -> None:
    """Restart writes to Salesforce after `sfsync pause`."""
    with open_command_store(store_url, config_path, create=False) as store:
        if store.pause.paused() is None:
            click.echo("Writes are not paused; nothing to resume.")
            return
        state = store.pause.resume(actor())
    click.echo(f"Writes {state.describe()}.")
