"""`sfsync init`: write a commented starter config, trimmed to what the org has with `--from-org`.

With `--from-org` nothing is written until sfsync has connected and described the org: a run that
cannot connect exits 1 and leaves no file behind, so the next attempt does not need `--force`.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from sfsync.commands.options import config_option
from sfsync.config import load_config_text
from sfsync.config.email_mappings import EMAIL_OBJECT
from sfsync.errors import ConfigError, ExitCode, SfsyncError, UsageError
from sfsync.salesforce.port import ObjectDescribe
from sfsync.starter import MODE_OBJECTS, StarterOptions, starter_text
from sfsync.starter_auth import ORDER, AuthChoice, choose_auth, describe_choice


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
    type=click.Choice(list(ORDER)),
    default=None,
    help="How sfsync logs in (default: the method whose SF_* variables are set; jwt when none are).",
)
@click.option("--force", is_flag=True, help="Overwrite an existing config file.")
@config_option
def command(from_org: bool, mode: str, auth_method: str | None, force: bool, config_path: Path) -> int:
    """Write a starter sfsync.yaml (the -c path) with the default field mappings and a play.

    The connection reads SF_INSTANCE_URL and the auth method's SF_* variables (SF_USERNAME,
    SF_CLIENT_ID, SF_PRIVATE_KEY_FILE for jwt; SF_USERNAME, SF_PASSWORD, SF_SECURITY_TOKEN for
    password; …); SF_DOMAIN and SF_CA_BUNDLE are referenced when they are set. With --from-org, sfsync
    connects first, writes nothing when it cannot, and leaves out mappings of fields the integration
    user cannot see.
    """
    if config_path.exists() and not force:
        raise UsageError(f"{config_path} already exists; use --force to overwrite it")
    choice = choose_auth(os.environ, auth_method)
    click.echo(describe_choice(choice))
    options = StarterOptions(
        mode=mode,
        auth_method=choice.method,
        auth_lines=tuple(choice.lines),
        with_domain=bool(os.environ.get("SF_DOMAIN")),
        with_ca_bundle=bool(os.environ.get("SF_CA_BUNDLE")),
    )
    text = starter_text(options, _describes(options, choice, config_path) if from_org else None)
    try:
        config_path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot write {config_path}: {error.strerror}") from error
    click.echo(f"wrote {config_path}")
    return ExitCode.OK


def _describes(options: StarterOptions, choice: AuthChoice, config_path: Path) -> dict[str, ObjectDescribe | None]:
    """Connect with the starter's own connection section (not written yet), then describe the objects the
    mode writes and EmailMessage. Every way this can fail is a `UsageError` saying that nothing was written."""
    from sfsync.api.connection import connect_config
    from sfsync.salesforce.describe import describe_objects

    if choice.missing:
        raise UsageError(
            f"--from-org logs in with {choice.method}, which needs {', '.join(choice.missing)}: not set; "
            "nothing was written (--auth picks another method)"
        )
    loaded = load_config_text(starter_text(options), config_path)
    try:
        port = connect_config(loaded, os.environ, cached_describes=False)
        describes = describe_objects(port, [*MODE_OBJECTS[options.mode], EMAIL_OBJECT])
    except ConfigError as error:  # positions would name a file that does not exist: say what, not where
        reasons = "; ".join(f"{d.summary} ({d.hint})" if d.hint else d.summary for d in error.diagnostics.errors)
        raise UsageError(f"cannot connect with {choice.method}: {reasons}; nothing was written") from error
    except SfsyncError as error:
        raise UsageError(f"cannot connect with {choice.method}: {error}; nothing was written") from error
    identity = port.identity()
    click.echo(f"connected to {identity.instance_url} as {identity.username}")
    return describes
