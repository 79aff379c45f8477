"""`sfsync doctor`: the connection and every permission sfsync needs, each ✓ or ✗ with where to grant it;
then whether the org's duplicate rules guard what sfsync creates, a warning (`!`) where they do not."""

from __future__ import annotations

import json
import os
from contextlib import ExitStack
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import click

from sfsync.commands.options import config_option, format_option
from sfsync.commands.store_option import open_command_store, store_option
from sfsync.config import load_config
from sfsync.errors import ExitCode, RemoteError
from sfsync.store.errors import StoreError

if TYPE_CHECKING:
    from sfsync.store import Store
from sfsync.salesforce.duplicate_guards import DuplicateGuard
from sfsync.salesforce.permissions import Check
from sfsync.salesforce.readiness import Readiness, assess, unreachable

SECTIONS = (("system", "System permissions"), ("object", "Object permissions"), ("field", "Field-level security"))
MARKS = {True: "✓", False: "✗", None: "?"}
WARNING_MARKS = {True: "✓", False: "!", None: "?"}


@click.command("doctor")
@format_option("A report for people, or one JSON document.")
@config_option
@store_option
def command(output: str, config_path: Path, store_url: str | None) -> int:
    """Check the connection and every required permission of the integration user.

    Lists system permissions, object access (Read on Account, Contact, Lead and Opportunity; Create
    and Edit on the objects the mode writes) and field-level access for every mapped field and every
    field an exclusion or play filters on; for each one missing, says where to grant it. Exits 1 when
    anything required is missing. Then warns, for each object the mode creates, when no active duplicate
    rule blocks a duplicate on create (Setup → Duplicate Management → Duplicate Rules). With
    `sync.email.write`, says which object emails are written as and why, from the store when there is one
    (an Enhanced Email refusal an apply remembered).
    """
    loaded = load_config(config_path)
    integration_user = str(loaded.config.connection.integration_user)
    from sfsync.api.connection import connect_config

    try:
        port = connect_config(loaded, os.environ, cached_describes=False)
        port.identity()  # a session login makes its first call here: an unreachable org is said as such
    except RemoteError as error:
        readiness = unreachable(error, integration_user)
    else:
        from sfsync.engine.planning.email_objects import email_access

        with ExitStack() as stack:
            store = _existing_store(stack, store_url, config_path) if loaded.config.sync.email.write else None
            emails = partial(email_access, loaded.config, store=store) if loaded.config.sync.email.write else None
            readiness = assess(port, loaded.config, integration_user, emails)
    if output == "json":
        click.echo(json.dumps(readiness.to_json(), indent=2))
    else:
        click.echo(render(readiness), nl=False)
    return ExitCode.OK if readiness.ready else ExitCode.ERROR


def _existing_store(stack: ExitStack, store_url: str | None, config_path: Path) -> Store | None:
    """The store, when there is one (doctor never makes one): what earlier applies learnt of the org."""
    try:
        return stack.enter_context(open_command_store(store_url, config_path, create=False))
    except StoreError:
        return None


def render(readiness: Readiness) -> str:
    lines = ["Connection", *_connection(readiness)]
    for kind, title in SECTIONS:
        checks = [c for c in readiness.checks if c.kind == kind]
        if checks:
            lines.append(title)
            lines.extend(line for check in checks for line in _check(check))
    if readiness.guards:
        lines.append("Duplicate rules (warnings: what only the org can refuse)")
        lines.extend(line for guard in readiness.guards for line in _guard(guard))
    missing = len(readiness.missing)
    if readiness.ready:
        unknown = sum(1 for c in readiness.checks if c.ok is None)
        lines.append(
            "Ready: every required permission is granted."
            if not unknown
            else f"Ready, but {unknown} permission{'s' if unknown != 1 else ''} could not be checked."
        )
    elif readiness.connection_error and not missing:
        lines.append("Not connected: fix the connection, then run `sfsync doctor` again.")
    else:
        lines.append(f"{missing} required permission{'s are' if missing != 1 else ' is'} missing.")
    if readiness.warnings:
        count = len(readiness.warnings)
        lines.append(
            f"{count} object{'s' if count != 1 else ''} sfsync creates {'are' if count != 1 else 'is'} not "
            "confirmed guarded by a blocking duplicate rule (see docs/reliability.md)."
        )
    return "\n".join(lines) + "\n"


def _connection(readiness: Readiness) -> list[str]:
    who = readiness.identity
    if who is None:
        code = f" ({readiness.connection_code})" if readiness.connection_code else ""
        return [f"  ✗ could not connect{code}: {readiness.connection_error}"]
    profile = f', profile "{readiness.profile}"' if readiness.profile else ""
    return [
        f"  ✓ connected to {who.instance_url} as {who.username}",
        f"  ✓ org {who.org_id}, user {who.user_id}{profile}, API v{who.api_version}",
    ]


def _guard(guard: DuplicateGuard) -> list[str]:
    lines = [f"  {WARNING_MARKS[guard.ok]} {guard.sobject}: {guard.detail}"]
    if guard.fix:
        lines.append(f"      → {guard.fix}")
    return lines


def _check(check: Check) -> list[str]:
    lines = [f"  {MARKS[check.ok]} {check.name}"]
    if check.detail and check.ok is not True:
        lines.append(f"      {check.detail}")
    if check.grant:
        lines.append(f"      → {check.grant}")
    return lines
