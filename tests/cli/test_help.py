"""`--help` for a new user: whole command summaries, help text on every option, every exit code of apply."""

from __future__ import annotations

import re

import click
import pytest

from sfsync.cli import cli, run
from sfsync.errors import ExitCode


def _subcommands(group: click.Group) -> dict[str, click.Command]:
    """The group's commands through click's own interface (the CLI loads its commands on use)."""
    ctx = click.Context(group)
    found = {name: group.get_command(ctx, name) for name in group.list_commands(ctx)}
    return {name: command for name, command in found.items() if command is not None}


def _commands(group: click.Group, path: tuple[str, ...] = ("sfsync",)) -> list[tuple[tuple[str, ...], click.Command]]:
    found: list[tuple[tuple[str, ...], click.Command]] = [(path, group)]
    for name, command in sorted(_subcommands(group).items()):
        if isinstance(command, click.Group):
            found.extend(_commands(command, (*path, name)))
        else:
            found.append(((*path, name), command))
    return found


def _first_sentence(command: click.Command) -> str:
    words = (command.help or "").partition("\n\n")[0].split()
    return " ".join(words[: next(i + 1 for i, w in enumerate(words) if w.endswith("."))])


@pytest.mark.parametrize(
    "group", [(), ("state",), ("workspace",), ("localorg",)], ids=lambda g: " ".join(g) or "sfsync"
)
def test_help_lists_each_command_with_its_whole_summary(
    group: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run([*group, "--help"]) == 0
    listing = capsys.readouterr().out.partition("Commands:")[2]
    assert "..." not in listing
    flat = " ".join(listing.split())
    parent = cli if not group else _subcommands(cli)[group[0]]
    assert isinstance(parent, click.Group)
    for name, command in _subcommands(parent).items():
        assert f"{name} {_first_sentence(command)}" in flat


def test_every_option_has_help_text() -> None:
    missing = [
        f"{' '.join(path)} {'/'.join(param.opts)}"
        for path, command in _commands(cli)
        for param in command.params
        if isinstance(param, click.Option) and not (param.help or "").strip()
    ]
    assert missing == []


def test_apply_help_lists_every_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["apply", "--help"]) == 0
    codes = capsys.readouterr().out.partition("Exit codes:")[2]
    for code in (ExitCode.OK, ExitCode.ERROR, ExitCode.INTERNAL, ExitCode.UNKNOWN_OUTCOME, ExitCode.INTERRUPTED):
        assert re.search(rf"^\s+{code}\s+\w", codes, re.MULTILINE), code
