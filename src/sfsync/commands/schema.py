"""`sfsync schema`: print the JSON Schema of sfsync.yaml (what `schema/sfsync.schema.json` holds)."""

from __future__ import annotations

import click

from sfsync.config import schema_text


@click.command("schema")
def command() -> None:
    """Print the JSON Schema (2020-12) of sfsync.yaml, for editors and other validators."""
    click.echo(schema_text(), nl=False)
