"""`sfsync init`: write a commented starter config, trimmed to what the org has with `--from-org`."""

from __future__ import annotations

import os
from pathlib import Path

import click

from sfsync.commands.options import config_option
from sfsync.config import load_config
from sfsync.errors import ExitCode, UsageError
from sfsync.salesforce.port import ObjectDescribe
from sfsync.starter import MODE_OBJECTS, StarterOptions, starter_text


@click.command("init")
@click.option("--from-org", is_flag=True, help="Connect (with the SF_* variables) and keep only what the org has.")
@click.option(
    "--mode",
    type=click.Choice(list(MODE_OBJECTS)),
    default="contacts_and_accounts",
    show_default=True,
    help="Create people as Contacts with their Accounts, or as Leads.",
)
@click.option(
    "--auth",
    "auth_method",
    type=click.Choice(["jwt", "password", "refresh_token", "session", "sfdx_url"]),
    default="jwt",
    show_default=True,
    help="How sfsync logs in; the config reads the secrets from SF_* environment variables.",
)
@click.option("--force", is_flag=True, help="Overwrite an existing config file.")
@config_option
def command(from_org: bool, mode: str, auth_method: str, force: bool, config_path: Path) -> int:
    """Write a starter sfsync.yaml (the -c path) with the default field mappings.

    The connection reads SF_INSTANCE_URL and the auth method's SF_* variables; SF_DOMAIN and
    SF_CA_BUNDLE are referenced when they are set. With --from-org, sfsync connects first and leaves
    out mappings of fields the integration user cannot see.
    """
    if config_path.exists() and not force:
        raise UsageError(f"{config_path} already exists; use --force to overwrite it")
    options = StarterOptions(
        mode=mode,
        auth_method=auth_method,
        with_domain=bool(os.environ.get("SF_DOMAIN")),
        with_ca_bundle=bool(os.environ.get("SF_CA_BUNDLE")),
    )
    text = starter_text(options, _describes(options, config_path) if from_org else None)
    config_path.write_text(text, encoding="utf-8")
    click.echo(f"wrote {config_path}")
    return ExitCode.OK


def _describes(options: StarterOptions, config_path: Path) -> dict[str, ObjectDescribe | None]:
    """Connect with the starter's own connection section, then describe the objects the mode writes.

    The untrimmed starter is written first, so a connection problem is reported at its line (and the
    file is still a valid start).
    """
    from sfsync.salesforce.connect import connect
    from sfsync.salesforce.describe import describe_objects

    config_path.write_text(starter_text(options), encoding="utf-8")
    loaded = load_config(config_path)
    port = connect(loaded, os.environ, cached_describes=False)
    return describe_objects(port, MODE_OBJECTS[options.mode])
