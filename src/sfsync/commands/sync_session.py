"""What plan, apply and refresh share: the config, the store under its lock, and the connected org."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console

from sfsync.commands.store_option import open_command_store
from sfsync.config import LoadedConfig, load_config
from sfsync.engine.plans.file import PlanSpool, open_plan, spool_plan, write_plan_file
from sfsync.engine.plans.plan import Plan
from sfsync.engine.progress import Progress
from sfsync.errors import UsageError
from sfsync.render.events import EventSink
from sfsync.render.plan_schema import plan_problems
from sfsync.render.progress import EventProgress, progress_display
from sfsync.salesforce.port import SalesforcePort
from sfsync.store import Store

if TYPE_CHECKING:  # the sources (SQLAlchemy Core for SQL ones) are imported when a config declares some
    from sfsync.sources import SourceReads


@contextmanager
def progress_for(sink: EventSink | None) -> Iterator[Progress]:
    """NDJSON `progress` events when streaming events, else bars on stderr for a person at a terminal."""
    if sink is not None:
        yield EventProgress(sink)
        return
    with progress_display(sys.stderr) as bars:
        yield bars


@dataclass(frozen=True)
class SyncSession:
    loaded: LoadedConfig
    store: Store
    port: SalesforcePort


@contextmanager
def sync_session(config_path: Path, store_url: str | None, operation: str) -> Iterator[SyncSession]:
    """Load the config, open the store, hold its lock for `operation`, and connect to the org."""
    loaded = load_config(config_path)
    from sfsync.commands.org_connection import connect_config

    with open_command_store(store_url, config_path) as store, store.locks.acquire(operation):
        yield SyncSession(loaded, store, connect_config(loaded, os.environ))


def read_declared_sources(store: Store, loaded: LoadedConfig) -> SourceReads:
    """The hook before every plan (`plan`, `apply` without a plan file, each `run` cycle): each source of
    the config read into the workspace, each rejected row and each source's count on stderr. Stamp the
    plan with the result (`reads.stamp(plan)`) so its fingerprint holds what was read."""
    from sfsync.sources import SourceReads, read_sources

    if not loaded.config.sources:
        return SourceReads()
    reads = read_sources(store, loaded, os.environ, lambda rejection: click.echo(str(rejection), err=True))
    for name, read in reads.reads.items():
        click.echo(f"source {name}: {read.rows} rows read, {read.rejected} rejected", err=True)
    return reads


def console(*, err: bool = False) -> Console:
    """Rich on the real stream: colour only on a terminal, none with NO_COLOR (rich reads it)."""
    return Console(file=sys.stderr if err else sys.stdout, highlight=False, soft_wrap=True)


def read_plan(path: Path, *, store: Store | None = None) -> Plan:
    """A saved plan, its records read from the file as they are used, each checked against the schema.

    With `store` (apply): read from a private copy, refused unless the store sealed it and it is, byte
    for byte, what was saved (one pass over the copy, before anything is sent), and refused when it is
    of format 1.
    """
    opened = open_plan(path, check_head=_checked(path), legacy=store is None, held=store is not None)
    if isinstance(opened, Plan):
        return opened
    if store is not None:
        opened.check_sealed(store.plan_key.key(), store.meta.version().lineage)
    return opened.plan(check=_checked(path))


def _checked(path: Path) -> Callable[[str, Any], None]:
    def check(part: str, value: Any) -> None:
        problems = plan_problems(value, part)
        if problems:  # a damaged plan must not reach apply or the renderers
            raise UsageError(f"malformed plan {path}: " + "; ".join(sorted(problems)[:3]))

    return check


PLAN_FILE_MODE = 0o600


def write_plan(plan: Plan, path: Path, key: bytes | None, spool: PlanSpool | None = None) -> None:
    """Save the plan, sealed with `key`, its records copied from `spool` (made here when not given).

    A plan names people and what sfsync would write about them: the file is mode 0600 whatever the
    umask, and a file already there is made 0600 before anything is written into it.
    """
    records = spool if spool is not None else spool_plan(plan, path.parent)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PLAN_FILE_MODE)
        with os.fdopen(descriptor, "wb") as file:
            if hasattr(os, "fchmod"):  # not on Windows, whose files have no such mode
                os.fchmod(descriptor, PLAN_FILE_MODE)
            write_plan_file(file, plan, records, key)
    except OSError as error:
        raise UsageError(f"cannot write the plan to {path}: {error.strerror}") from error
    finally:
        if spool is None:
            records.discard()
