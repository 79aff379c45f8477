"""The `sfsync` command line and its single error boundary.

Commands live in `sfsync.commands.<verb>` and are imported only when they run (`sfsync.commands.lazy`),
so that `--help` and the pre-commit hook start without the engine, the store or the Salesforce client.
This module only assembles them and decides how every
failure reaches the user: expected errors as messages with exit 1, usage errors with exit 1 (2 is
reserved for "changes present"), interruptions with 130, and anything unexpected with one line, a
log file and exit 3. No traceback ever reaches the terminal.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from sfsync import __version__
from sfsync.commands import COMMANDS
from sfsync.commands.lazy import LazyGroup
from sfsync.errors import ConfigError, ExitCode, SfsyncError


@click.group(
    cls=LazyGroup,
    lazy_commands=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="sfsync")
def cli() -> None:
    """Keep a go-to-market workspace in sync with Salesforce, as code.

    sfsync never overwrites a value someone else owns and never creates a duplicate.
    """


def main(argv: list[str] | None = None) -> None:
    """Run the CLI and exit with the code of DESIGN §4."""
    sys.exit(run(argv))


def run(argv: list[str] | None = None) -> int:
    try:
        result = cli.main(args=argv, prog_name="sfsync", standalone_mode=False)
    except SfsyncError as error:
        _report(error)
        return error.exit_code
    except click.exceptions.Exit as exit_:
        return exit_.exit_code
    except click.ClickException as error:
        error.show()
        return ExitCode.ERROR
    except (KeyboardInterrupt, click.exceptions.Abort):
        click.echo("interrupted", err=True)
        return ExitCode.INTERRUPTED
    except Exception:  # the boundary: anything unexpected is a bug, reported without a traceback
        log = _write_crash_log()
        where = (
            f"details in {log}" if log else "no crash log could be written (set SFSYNC_LOG_DIR to a writable directory)"
        )
        click.echo(f"sfsync: internal error ({sys.exc_info()[1].__class__.__name__}); {where}", err=True)
        return ExitCode.INTERNAL
    return result if isinstance(result, int) else ExitCode.OK


def _report(error: SfsyncError) -> None:
    if isinstance(error, ConfigError):
        from sfsync.render.diagnostics import render_diagnostics
        from sfsync.render.text import wants_color

        click.echo(render_diagnostics(error.diagnostics, color=wants_color(sys.stderr)), err=True, nl=False)
        return
    click.echo(f"error: {error}", err=True)


def _write_crash_log() -> Path | None:
    """The crash log's path, in the log directory or else the temporary one; None when neither takes it."""
    import datetime as dt  # only a crash needs these
    import traceback

    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    name = f"crash-{stamp}-{os.getpid()}.log"
    last_resort = os.environ.get("TMPDIR", "/tmp")  # noqa: S108 - last resort for a crash log
    for directory in (Path(os.environ.get("SFSYNC_LOG_DIR", ".sfsync/logs")), Path(last_resort)):
        try:
            directory.mkdir(parents=True, exist_ok=True)
            (directory / name).write_text(f"sfsync {__version__}\n{traceback.format_exc()}", encoding="utf-8")
        except OSError:  # unwritable, full or missing: the user still gets the one line, never a traceback
            continue
        return directory / name
    return None
