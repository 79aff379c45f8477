"""One module per command; `registered_commands` is the list the CLI assembles."""

from __future__ import annotations

import importlib

import click

# Each entry names a module of this package that defines a click command or group called `command`.
COMMAND_MODULES: tuple[str, ...] = (
    "validate",
    "fmt",
    "schema",
    "workspace",
    "state",
    "doctor",
    "init",
    "localorg",
    "plan",
    "show",
    "apply",
    "refresh",
)


def registered_commands() -> list[click.Command]:
    return [importlib.import_module(f"sfsync.commands.{name}").command for name in COMMAND_MODULES]
