"""What plan, apply and refresh share: the config, the store under its lock, and the connected org."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console

from sfsync.commands.store_option import open_command_store
from sfsync.config import LoadedConfig, load_config
from sfsync.engine.plans.file import plan_document, plan_file_chunks
from sfsync.engine.plans.json_form import plan_from_json
from sfsync.engine.plans.plan import Plan
from sfsync.engine.plans.seal import check_seal
from sfsync.engine.progress import Progress
from sfsync.errors import UsageError
from sfsync.render.events import EventSink
from sfsync.render.plan_schema import plan_problems
from sfsync.render.progress import EventProgress, progress_display
from sfsync.salesforce.port import SalesforcePort
from sfsync.store import Store


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


def console(*, err: bool = False) -> Console:
    """Rich on the real stream: colour only on a terminal, none with NO_COLOR (rich reads it)."""
    return Console(file=sys.stderr if err else sys.stdout, highlight=False, soft_wrap=True)


def read_plan(path: Path, *, store: Store | None = None) -> Plan:
    """A saved plan; with `store` (apply), refused unless its seal is that store's seal of its content."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot read the plan {path}: {error.strerror}") from error
    document = plan_document(text)
    del text  # a large plan's text is not kept alongside its parsed form
    plan = plan_from_json(document)  # another format_version: said first
    if store is not None:
        check_seal(document, store.plan_key.key(), store.meta.version().lineage)
    problems = plan_problems(document)
    if problems:  # a damaged plan must not reach apply or the renderers
        raise UsageError(f"malformed plan {path}: " + "; ".join(sorted(problems)[:3]))
    return plan


PLAN_FILE_MODE = 0o600


def write_plan(plan_json: Mapping[str, Any], path: Path) -> None:
    """Save the plan's JSON form (`plan_to_json`), written piece by piece, readable by its owner only.

    A plan names people and what sfsync would write about them: the file is mode 0600 whatever the
    umask, and a file already there is made 0600 before anything is written into it.
    """
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PLAN_FILE_MODE)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            if hasattr(os, "fchmod"):  # not on Windows, whose files have no such mode
                os.fchmod(descriptor, PLAN_FILE_MODE)
            for chunk in plan_file_chunks(plan_json):
                file.write(chunk)
    except OSError as error:
        raise UsageError(f"cannot write the plan to {path}: {error.strerror}") from error
