"""One cycle of `sfsync run`: read Salesforce incrementally, plan, and apply what `sync.auto_apply` allows.

A cycle is `plan` and `apply --auto-approve` in one store lock, made of their own parts (`make_plan`,
`apply_plan`, the same checks, row results and exit codes), with three brakes: the store's pause (the
cycle only plans), the API budget (`sync.run.max_api_share`: no cycle starts past it, and apply stops
between chunks when it is reached), and a stop request (SIGTERM, Ctrl-C: the chunk in flight is finished
and recorded). Every cycle logs in to the org afresh, so a lost network or an expired session fails one
cycle and the next reconnects. Each cycle is a `cycle` run in the store's run log; its counts are what
`sfsync status` reports.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sfsync.api.auto_apply import auto_appliable, needs_apply
from sfsync.api.results import ApplyStatus, plan_exit_code
from sfsync.api.session import SyncSession, open_project_store, session_apply, session_plan, write_plan
from sfsync.config import LoadedConfig, load_config
from sfsync.config.run_settings import AutoApply
from sfsync.engine.plans.plan import Plan
from sfsync.errors import ConfigError, ExitCode, LockedError, RemoteError, SfsyncError
from sfsync.salesforce.port import Limits, SalesforcePort
from sfsync.store import Store

APPLIED = ("written", "linked")


@dataclass
class CycleReport:
    """What one cycle did. `outcome`: `in_sync`, `planned` (drift left for a person), `applied`, `paused`,
    `over_budget`, `stopped`, `locked` or `failed`; `pending` is the drift: planned changes not written;
    `sources`: each declared source's rows `read` and `rejected` by the cycle's plan."""

    number: int
    outcome: str = "failed"
    planned: int = 0
    pending: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    sources: dict[str, dict[str, int]] = field(default_factory=dict)
    api_used: int | None = None
    api_max: int | None = None
    seconds: float = 0.0
    message: str = ""
    error_code: str = ""
    plan_file: str | None = None
    run_id: str | None = None
    exit_code: int = ExitCode.OK

    def counts(self) -> dict[str, int]:
        """The integers the run log keeps for the cycle (`sfsync status` reads them back); a source's are
        `sources.NAME.read` and `sources.NAME.rejected` (a source's name holds no dot)."""
        api = {"api_used": self.api_used, "api_max": self.api_max}
        sources = {f"sources.{name}.{fact}": n for name, facts in self.sources.items() for fact, n in facts.items()}
        return {"planned": self.planned, "pending": self.pending, **self.rows, **sources} | {
            k: v for k, v in api.items() if v is not None
        }

    def to_json(self) -> dict[str, Any]:
        return {"event": "cycle", **{k: v for k, v in self.__dict__.items() if k != "exit_code"}}

    def line(self) -> str:
        rows = ", ".join(f"{n} {outcome}" for outcome, n in sorted(self.rows.items()))
        api = f"; API {self.api_used}/{self.api_max}" if self.api_used is not None else ""
        parts = [f"cycle {self.number} {self.outcome}: {self.planned} planned, {self.pending} pending"]
        parts += [rows] if rows else []
        sources = "".join(
            f"; source {name}: {facts.get('read', 0)} rows read, {facts.get('rejected', 0)} rejected"
            for name, facts in self.sources.items()
        )
        code = f"{self.error_code}: " if self.error_code else ""
        tail = f" — {code}{self.message}" if self.message else ""
        return ", ".join(parts) + f"{sources}{api}; {self.seconds:.1f}s{tail}"


@dataclass(frozen=True)
class CycleSettings:
    """What every cycle of one run is given: the config file, the store (None: the config's `store:`),
    where a plan left for a person is saved, and `auto_apply` in place of the config's `sync.auto_apply`."""

    config_path: Path
    store_url: str | None = None
    plan_out: Path | None = None  # None: the project's state directory, `.sfsync/run-plan.json` beside the config
    auto_apply: AutoApply | None = None


LONGEST_BACKOFF = 3600.0


def run_cycles(
    settings: CycleSettings, every: float, stop: Callable[[], bool], log: Callable[[CycleReport], None]
) -> None:
    """Cycle after cycle, `every` seconds apart, until `stop()`; each report goes to `log` as it ends. After
    a cycle refused for the API limit (REQUEST_LIMIT_EXCEEDED) the wait doubles, up to an hour, until a
    cycle gets through again."""
    wait, number = every, 0
    while not stop():
        number += 1
        report = run_cycle(settings, number, stop)
        log(report)
        limited = report.error_code == "REQUEST_LIMIT_EXCEEDED"
        wait = min(max(wait * 2, every), LONGEST_BACKOFF) if limited else every
        _sleep(wait, stop)


def _sleep(seconds: float, stop: Callable[[], bool]) -> None:
    deadline = time.monotonic() + seconds
    while not stop() and time.monotonic() < deadline:
        time.sleep(min(0.1, max(deadline - time.monotonic(), 0)))


def run_cycle(settings: CycleSettings, number: int, stop: Callable[[], bool]) -> CycleReport:
    """One cycle; a failed cycle is reported (and logged) like any other. Only a config error in the first
    cycle is raised, to be shown at its place in the file."""
    report = CycleReport(number)
    started = time.monotonic()
    try:
        loaded = load_config(settings.config_path)
        with open_project_store(loaded, settings.store_url) as store, store.locks.acquire("run"):
            _locked_cycle(settings, loaded, store, report, stop)
    except ConfigError:
        if number == 1:  # a config wrong from the start is shown at its file:line:col, and the run ends
            raise
        report.outcome, report.message, report.exit_code = "failed", "the config has errors: run `sfsync validate`", 1
    except SfsyncError as error:
        report.outcome = "locked" if isinstance(error, LockedError) else "failed"
        report.message, report.exit_code = str(error), error.exit_code
        report.error_code = error.code if isinstance(error, RemoteError) else ""
    report.seconds = round(time.monotonic() - started, 3)
    return report


def _locked_cycle(
    settings: CycleSettings, loaded: LoadedConfig, store: Store, report: CycleReport, stop: Callable[[], bool]
) -> None:
    """The cycle under the store lock, recorded as a `cycle` run whatever happens."""
    from sfsync.api.connection import connect_config

    run = store.runs.start("cycle")
    report.run_id = run.id
    try:
        session = SyncSession(loaded, store, connect_config(loaded, os.environ))
        _plan_and_apply(settings, session, report, stop)
    except SfsyncError as error:
        report.outcome, report.message, report.exit_code = "failed", str(error), error.exit_code
        report.error_code = error.code if isinstance(error, RemoteError) else ""
    finally:
        store.runs.finish(run.id, report.outcome, report.counts())


def _plan_and_apply(
    settings: CycleSettings, session: SyncSession, report: CycleReport, stop: Callable[[], bool]
) -> None:
    loaded, store, port = session.loaded, session.store, session.port
    budget = ApiBudget(port, loaded.config.sync.run.max_api_share, report)
    if budget.spent():
        report.outcome, report.message = "over_budget", budget.describe()
        return
    plan = session_plan(session)
    report.planned = report.pending = len(plan.changes)
    report.sources = {name: {"read": r.rows, "rejected": r.rejected} for name, r in plan.fingerprint.sources.items()}
    paused = store.pause.paused()
    mode = AutoApply.NONE if paused else settings.auto_apply or loaded.config.sync.auto_apply
    part = auto_appliable(plan, mode)
    if mode is AutoApply.NONE or not plan.appliable or not needs_apply(part) or stop() or budget.spent():
        _planned_only(settings, store, plan, report, paused.describe() if paused else "", stop, budget)
        return
    applied = session_apply(session, part, stop=lambda: stop() or budget.spent())
    report.rows = applied.counts()
    report.pending = len(plan.changes) - sum(report.rows.get(outcome, 0) for outcome in APPLIED)
    report.outcome = "applied"
    report.exit_code = applied.exit_code
    if applied.status is ApplyStatus.PAUSED:
        report.outcome, report.message = "paused", f"writes {applied.paused_by}"
    elif applied.interrupted:
        report.outcome = "over_budget" if budget.spent() else "stopped"
        report.message = budget.describe() if budget.spent() else "stopped on request after the chunk in flight"
    budget.note()


def _planned_only(
    settings: CycleSettings,
    store: Store,
    plan: Plan,
    report: CycleReport,
    paused: str,
    stop: Callable[[], bool],
    budget: ApiBudget,
) -> None:
    """Nothing applied: the plan is saved for a person (`sfsync apply FILE` takes it while it is fresh)."""
    path = settings.plan_out or settings.config_path.parent / ".sfsync" / "run-plan.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_plan(plan, path, store.plan_key.key())
    report.plan_file = str(path)
    report.exit_code = plan_exit_code(plan, detailed=False)
    report.outcome = "planned" if plan.has_writes else "in_sync"
    if paused:
        report.outcome, report.message = "paused", f"writes {paused}"
    elif stop():
        report.outcome, report.message = "stopped", "stopped on request before applying"
    elif budget.spent():
        report.outcome, report.message = "over_budget", budget.describe()
    budget.note()


class ApiBudget:
    """The org's daily API requests as Salesforce last reported them (`Sforce-Limit-Info` on every answer,
    `/limits` when none was seen yet), against the share `sync.run.max_api_share` a run may use."""

    def __init__(self, port: SalesforcePort, share: float, report: CycleReport) -> None:
        self._port, self._share, self._report = port, share, report

    def spent(self) -> bool:
        limits = self.note()
        return limits.maximum > 0 and limits.used >= self._share * limits.maximum

    def note(self) -> Limits:
        limits = self._port.limits()
        self._report.api_used, self._report.api_max = limits.used, limits.maximum
        return limits

    def describe(self) -> str:
        return (
            f"API budget: {self._report.api_used} of {self._report.api_max} daily requests used, at or past "
            f"sync.run.max_api_share {self._share}; the next cycle tries again"
        )
