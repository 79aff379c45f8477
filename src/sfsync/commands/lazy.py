"""Commands imported only when they run: click's lazy-loading group.

Importing every command module at start would import everything they use (the store's SQLAlchemy,
simple-salesforce, the engine, the renderers) for `sfsync --help` and for the pre-commit hook's
`sfsync validate`. A `LazyGroup` knows each command by name, by where it is defined and by its
summary; it imports a command's module only when that command is asked for, and lists the commands
in `--help` from the summaries alone.

Invariant: a `LazyCommand`'s summary is the command's own `get_short_help_str(limit=WHOLE)` (the
first sentence of its help), so the listing reads exactly as if the command were loaded.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import click

from sfsync.commands.summaries import SummaryGroup


@dataclass(frozen=True)
class LazyCommand:
    """A command not imported yet: `target` is "module:attribute", `summary` its line in the list."""

    target: str
    summary: str

    def load(self) -> click.Command:
        module_name, _, attribute = self.target.partition(":")
        command = getattr(importlib.import_module(module_name), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{self.target} is not a click command")
        return command


class LazyGroup(SummaryGroup):
    """A group whose `lazy_commands` are imported on first use; their summaries list without importing."""

    def __init__(self, *args: Any, lazy_commands: Mapping[str, LazyCommand] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands: Mapping[str, LazyCommand] = lazy_commands or {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        lazy = self.lazy_commands.get(cmd_name)
        if lazy is not None:
            return lazy.load()
        return super().get_command(ctx, cmd_name)

    def summary_of(self, ctx: click.Context, name: str) -> str | None:
        lazy = self.lazy_commands.get(name)
        return lazy.summary if lazy is not None else super().summary_of(ctx, name)
