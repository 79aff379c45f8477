"""What plan, apply, refresh and each run cycle share: the config, the store under its lock, the connected
org, the one way a fresh plan is made, and saved plans read and written.

Every fresh plan, whether `sfsync plan`, `apply` without a file, a `run` cycle or `sfsync.api`, is made by
`session_plan`: what a plan needs before `make_plan` is done there once, for all of them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sfsync.api.pause import PauseGate, with_pause_notice
from sfsync.api.results import ApplyResult
from sfsync.config import LoadedConfig, load_config, resolve_store_url
from sfsync.engine.applying.applier import apply_plan
from sfsync.engine.planning.planner import make_plan
from sfsync.engine.plans.file import PlanSpool, open_plan, spool_plan, write_plan_file
from sfsync.engine.plans.plan import Plan
from sfsync.engine.progress import SILENT, Progress
from sfsync.errors import UsageError
from sfsync.render.plan_schema import plan_problems
from sfsync.salesforce.port import SalesforcePort
from sfsync.store import Store, open_store

if TYPE_CHECKING:  # the sources (SQLAlchemy Core for SQL ones) are imported when a config declares some
    from sfsync.sources import SourceReads


@dataclass(frozen=True)
class SyncSession:
    """A loaded config, its store (locked by whoever opened the session) and the org logged in to."""

    loaded: LoadedConfig
    store: Store
    port: SalesforcePort


def open_project_store(loaded: LoadedConfig, store_url: str | None) -> Store:
    """The store `store_url` names, else the config's `store:` (its `${VAR}`s from the environment)."""
    return open_store(store_url or resolve_store_url(loaded, os.environ))


@contextmanager
def sync_session(config_path: Path, store_url: str | None, operation: str) -> Iterator[SyncSession]:
    """Load the config, open the store, hold its lock for `operation`, and connect to the org."""
    loaded = load_config(config_path)
    from sfsync.api.connection import connect_config  # the Salesforce client, once the config is good

    with open_project_store(loaded, store_url) as store, store.locks.acquire(operation):
        yield SyncSession(loaded, store, connect_config(loaded, os.environ))


def session_plan(
    session: SyncSession, *, full_refresh: bool = False, progress: Progress = SILENT, spool: PlanSpool | None = None
) -> Plan:
    """A fresh plan in the session, with the pause notice when writes are paused: the one way every caller
    plans, so what planning needs first is done here for all of them: the config's sources are read into
    the workspace, and the plan's fingerprint holds what was read."""
    reads = read_declared_sources(session.store, session.loaded)
    plan = make_plan(
        session.port, session.store, session.loaded, full_refresh=full_refresh, progress=progress, spool=spool
    )
    return reads.stamp(with_pause_notice(plan, session.store))


def read_declared_sources(store: Store, loaded: LoadedConfig) -> SourceReads:
    """Each source of the config read into the workspace; each rejected row and each source's count go to
    stderr (they are the operator's, like `workspace load`'s rejections)."""
    from sfsync.sources import SourceReads, read_sources

    if not loaded.config.sources:
        return SourceReads()
    reads = read_sources(store, loaded, os.environ, lambda rejection: _say(str(rejection)))
    for name, read in reads.reads.items():
        _say(f"source {name}: {read.rows} rows read, {read.rejected} rejected")
    return reads


def refuse_moved_sources(loaded: LoadedConfig, plan: Plan) -> None:
    """A plan made earlier is stale once a source it read moved (a file edited, a row beyond its cursor)."""
    if loaded.config.sources or plan.fingerprint.sources:
        from sfsync.sources import refuse_moved_sources as refuse

        refuse(loaded, plan, os.environ)


def _say(line: str) -> None:
    print(line, file=sys.stderr)  # sys.stderr looked up now: a test runner may have replaced it


def session_apply(
    session: SyncSession, plan: Plan, *, stop: Callable[[], bool] = lambda: False, progress: Progress = SILENT
) -> ApplyResult:
    """Apply `plan` in the session; it stops after the chunk in flight when `stop()` turns true or the store
    is paused meanwhile (asked before every chunk, the first included). Raises what `apply_plan` raises
    for a plan it refuses (`StalePlanError`, `ForeignPlanError`), before anything is sent."""
    gate = PauseGate(session.store, stop)
    report = apply_plan(session.port, session.store, session.loaded, plan, stop=gate, progress=progress)
    return ApplyResult.of(report, gate.pause.describe() if gate.pause is not None else "")


def read_plan(path: Path, *, store: Store | None = None) -> Plan:
    """A saved plan, its records read from the file as they are used, each checked against the schema.

    With `store` (apply): read from a private copy, refused unless the store sealed it and it is, byte
    for byte, what was saved (one pass over the copy, before anything is sent), and refused when it is
    of format 1. Its header is checked against the schema; its records are not again: the seal proves
    each is one this store's sfsync encoded, and each is still decoded into its type as it is read.
    """
    opened = open_plan(path, check_head=_checked(path), legacy=store is None, held=store is not None)
    if isinstance(opened, Plan):
        return opened
    if store is not None:
        opened.check_sealed(store.plan_key.key(), store.meta.version().lineage)
        return opened.plan()
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
