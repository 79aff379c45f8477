"""sfsync as a library, for orchestrators (Dagster, Airflow, a Kubernetes job) and for the CLI itself.

    from sfsync import api

    plan = api.plan("sfsync.yaml", out="plan.json")      # what apply would write
    result = api.apply("plan.json", config_path="sfsync.yaml")
    report = api.run_once("sfsync.yaml", store_url="postgresql://…", auto_apply="all")

`plan`, `apply` and `run_once` are what `sfsync plan`, `sfsync apply` and `sfsync run --once` do, with the
same store lock, checks, row results and exit codes; the commands only parse options and render. Secrets
come from the environment, as the config's `${VAR}`s say; `store_url` overrides the config's `store:`.

Errors are `sfsync.errors` types, each with its `exit_code`: `ConfigError` (the config, with every
diagnostic and its file:line:col), `UsageError` (the config file missing, a plan file missing, unreadable
or malformed),
`LockedError` (another operation holds the store), `RemoteError` (Salesforce refused a login or a
request; `code` is Salesforce's), `StalePlanError` and `ForeignPlanError` (a saved plan apply refuses),
`PausedError` (apply on a paused store). What happens to a row (rejected, unknown) is not an error: it is
in the result. `run_once` raises only `ConfigError` (and `UsageError` for an `auto_apply` it does not
know); every other failure is in its report, as `sfsync run` logs it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sfsync.api.cycle import CycleReport, CycleSettings, run_cycle
from sfsync.api.pause import refuse_when_paused
from sfsync.api.results import ApplyResult, ApplyStatus, plan_exit_code
from sfsync.api.session import (
    read_plan,
    refuse_moved_sources,
    session_apply,
    session_plan,
    sync_session,
    write_plan,
)
from sfsync.config.run_settings import AutoApply
from sfsync.engine.plans.file import PlanSpool
from sfsync.engine.plans.plan import Plan
from sfsync.engine.progress import SILENT, Progress
from sfsync.errors import UsageError

__all__ = [
    "ApplyResult",
    "ApplyStatus",
    "AutoApply",
    "CycleReport",
    "Plan",
    "apply",
    "plan",
    "plan_exit_code",
    "run_once",
]

Review = Callable[[Plan], bool]
"""Shown a fresh plan before anything is written; False declines it (nothing is written)."""


def plan(
    config_path: str | Path,
    *,
    store_url: str | None = None,
    full_refresh: bool = False,
    out: str | Path | None = None,
    progress: Progress | None = None,
) -> Plan:
    """Refresh from Salesforce and plan, as `sfsync plan` does: read-only towards Salesforce, and with a config
    that is not the applied one and reads otherwise, nothing is recorded in the store (`Plan.recorded`).

    With `out` the plan is saved there (mode 0600), sealed by the store: `apply(out, …)` takes it while
    nothing it was made from has moved. The plan's `appliable` says whether it can be applied at all;
    `plan_exit_code(plan)` is the exit code `sfsync plan` would give.
    """
    saved = Path(out) if out is not None else None
    near = saved.parent if saved is not None and saved.parent.is_dir() else None  # big spools beside the file
    spool = PlanSpool(near)  # the records, written as they are ordered; freed with the plan that reads them
    with sync_session(Path(config_path), store_url, "plan") as session:
        made = session_plan(session, full_refresh=full_refresh, progress=progress or SILENT, spool=spool)
        key = session.store.plan_key.key() if saved is not None else b""
    if saved is not None:
        write_plan(made, saved, key, spool)  # only the saved file carries the seal: it is what apply reads
    return made


def apply(
    plan_or_path: Plan | str | Path | None,
    *,
    config_path: str | Path,
    store_url: str | None = None,
    review: Review | None = None,
    stop: Callable[[], bool] | None = None,
    progress: Progress | None = None,
) -> ApplyResult:
    """Write to Salesforce what a plan holds, and never more, as `sfsync apply` does, under the store lock.

    `plan_or_path` is a saved plan's file (refused unless this store sealed it and it is unedited), a
    `Plan` value, or None: then a fresh plan is made under the same lock, shown to `review` when given,
    and written only if it has no errors (else `status` `not_appliable`) and `review(plan)` returned True
    (else `cancelled`).
    Any plan is refused (`StalePlanError`) when the store, org, describes or config moved since it was
    made, and (`ForeignPlanError`) when it holds a change sfsync does not make from this config. A field
    changed in Salesforce since the plan is skipped as a conflict, never overwritten.

    A paused store raises `PausedError` before anything is sent; a pause recorded meanwhile, or `stop()`
    turning true, ends the apply after the chunk in flight, that chunk recorded (`status` `paused` or
    `interrupted`). The result's `exit_code` is `sfsync apply`'s.
    """
    with sync_session(Path(config_path), store_url, "apply") as session:
        refuse_when_paused(session.store)  # under the lock; the gate in session_apply sees a later pause
        if plan_or_path is None:
            chosen = session_plan(session, progress=progress or SILENT)
            approved = review is None or review(chosen)  # a plan with errors is shown too, never applied
            if not chosen.appliable:
                return ApplyResult(ApplyStatus.NOT_APPLIABLE)
            if not approved:
                return ApplyResult(ApplyStatus.CANCELLED)
        else:
            chosen = (
                plan_or_path if isinstance(plan_or_path, Plan) else read_plan(Path(plan_or_path), store=session.store)
            )
            refuse_moved_sources(session.loaded, chosen)
        return session_apply(session, chosen, stop=stop or _never, progress=progress or SILENT)


def run_once(
    config_path: str | Path,
    *,
    store_url: str | None = None,
    auto_apply: AutoApply | str | None = None,
    plan_out: str | Path | None = None,
    stop: Callable[[], bool] | None = None,
) -> CycleReport:
    """One cycle of `sfsync run`: under the store lock, log in afresh, read Salesforce since the last read,
    plan, and apply what `auto_apply` allows (None: the config's `sync.auto_apply`; `none` only plans and
    saves the plan to `plan_out`, else `.sfsync/run-plan.json` beside the config).

    A paused store is only planned; a cycle past `sync.run.max_api_share` of the org's daily API budget does
    not start. The cycle is recorded in the store's run log whatever happens, and failures (Salesforce,
    the network, the store's lock) are in the report (`outcome` `failed` or `locked`, `error_code`), not
    raised: only a `ConfigError` is. `report.exit_code` is what `sfsync run --once` exits with.
    """
    mode = _auto_apply(auto_apply)
    out = Path(plan_out) if plan_out is not None else None
    return run_cycle(CycleSettings(Path(config_path), store_url, out, mode), 1, stop or _never)


def _auto_apply(value: AutoApply | str | None) -> AutoApply | None:
    try:
        return AutoApply(value) if value is not None else None
    except ValueError:
        choices = ", ".join(mode.value for mode in AutoApply)
        raise UsageError(f"auto_apply {value!r} is not one of {choices}") from None


def _never() -> bool:
    return False
