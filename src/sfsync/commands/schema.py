"""`sfsync schema`: print the JSON Schema of sfsync.yaml (what `schema/sfsync.schema.json` holds)."""

from __future__ import annotations

import click


@click.command("schema")
def command() -> None:
    """Print the JSON Schema (2020-12) of sfsync.yaml, for editors and other validators."""
    from sfsync.config import schema_text  # builds the config models: not for `schema --help`

    click.echo(schema_text(), nl=False)
