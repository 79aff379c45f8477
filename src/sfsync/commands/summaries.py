"""Command lists in `--help` that show each command's whole summary.

click cuts a command's summary to fit one line of the list and ends it with "...", so the top-level
help read "Write to Salesforce what a plan holds: a saved one, or a...". A group of this class shows
the whole first sentence of each command's help, wrapped under its name instead.
"""

from __future__ import annotations

import click

WHOLE = 10_000  # long enough for any first sentence: click's limit, set so that nothing is cut


class SummaryGroup(click.Group):
    """A click group whose command list shows whole summaries."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=WHOLE)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)
