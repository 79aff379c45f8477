"""Command lists in `--help` that show each command's whole summary.

click cuts a command's summary to fit one line of the list and ends it with "...", so the top-level
help read "Write to Salesforce what a plan holds: a saved one, or a...". A group of this class shows
the whole first sentence of each command's help, wrapped under its name instead.
"""

from __future__ import annotations

from collections.abc import Iterator

import click

WHOLE = 10_000  # long enough for any first sentence: click's limit, set so that nothing is cut


class SummaryGroup(click.Group):
    """A click group whose command list shows whole summaries."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = list(self.summaries(ctx))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def summaries(self, ctx: click.Context) -> Iterator[tuple[str, str]]:
        """(name, whole summary) of each command the list shows, in the list's order."""
        for name in self.list_commands(ctx):
            summary = self.summary_of(ctx, name)
            if summary is not None:
                yield name, summary

    def summary_of(self, ctx: click.Context, name: str) -> str | None:
        """The command's whole summary; None for a hidden command (or none of that name)."""
        command = self.get_command(ctx, name)
        return None if command is None or command.hidden else command.get_short_help_str(limit=WHOLE)
