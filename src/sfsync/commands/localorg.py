"""`sfsync localorg serve`: a Salesforce-compatible org on localhost over HTTPS; `sfsync localorg env`: how
a shell points sfsync at it."""

from __future__ import annotations

import logging
import shlex
import tempfile
from pathlib import Path

import click

from sfsync.commands.summaries import SummaryGroup


@click.group(name="localorg", cls=SummaryGroup)
def command() -> None:
    """Run the local Salesforce-compatible org used by demos, tests and benchmarks."""


@command.command(name="serve")
@click.option(
    "--port",
    type=int,
    default=8443,
    show_default=True,
    envvar="SFSYNC_LOCALORG_PORT",
    help="Port on 127.0.0.1 (0 picks a free one); also read from SFSYNC_LOCALORG_PORT.",
)
@click.option(
    "--seed",
    "seed_path",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help="Seed file (users, permissions, custom fields, records). Default: the seed shipped with sfsync.",
)
@click.option(
    "--faults",
    "faults_path",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help="Fault plan (YAML or JSON) injected into matching requests.",
)
@click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Data directory for org.db, the certificate and connection.json (default: a new temporary one).",
)
@click.option("-v", "--verbose", is_flag=True, help="Log every request.")
def serve(port: int, seed_path: Path | None, faults_path: Path | None, data_dir: Path | None, verbose: bool) -> None:
    """Serve the org until interrupted; connection details go to DATA/connection.json."""
    from sfsync.localorg.faults import load_fault_file
    from sfsync.localorg.seed import DEFAULT_SEED, load_seed
    from sfsync.localorg.server import create

    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING, format="%(message)s")
    seed = load_seed(seed_path or DEFAULT_SEED)
    faults = load_fault_file(faults_path) if faults_path else []
    directory = data_dir or Path(tempfile.mkdtemp(prefix="sfsync-localorg-"))
    running = create(directory, seed, port=port, faults=faults)
    connection = running.connection
    click.echo(f"local org serving at {connection.instance_url}")
    click.echo(f"  connection details: {Path(connection.data_dir) / 'connection.json'}")
    click.echo(f"  CA file:            {connection.ca_file}  (e.g. REQUESTS_CA_BUNDLE={connection.ca_file})")
    click.echo(f"  username:           {connection.username}")
    click.echo("  password, security token and a ready access token are in connection.json")
    click.echo(f'  environment:        eval "$(sfsync localorg env --data {shlex.quote(str(directory))})"')
    click.echo("press Ctrl-C to stop")
    try:
        running.serve_forever()
    finally:
        running.server.server_close()


@command.command(name="env")
@click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="The data directory the org serves from (serve's --data).",
)
@click.option(
    "--wait",
    "wait_seconds",
    type=click.FloatRange(min=0),
    default=30,
    show_default=True,
    help="Seconds to wait for an org that is still starting.",
)
def env(data_dir: Path, wait_seconds: float) -> None:
    """Print `export SF_…=…` lines for the org serving from DATA: eval "$(sfsync localorg env --data DIR)".

    They are the local org's own credentials, for the variables the example configs read.
    """
    from sfsync.localorg.environment import export_lines, running_connection

    for line in export_lines(running_connection(data_dir, wait_seconds)):
        click.echo(line)
