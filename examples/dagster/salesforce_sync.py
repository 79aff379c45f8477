"""One sfsync cycle for an orchestrator, in a plain function: `definitions.py` wraps it in a Dagster asset,
and an Airflow task (or any scheduler that runs Python) can call it as it is. It needs sfsync only.

The environment says where everything is, as for `sfsync run --once`:

    SFSYNC_CONFIG   the config file (default: sfsync.yaml in the working directory)
    SFSYNC_STORE    the PostgreSQL store every runner shares: postgresql://USER:PASSWORD@HOST:5432/sfsync
    SF_*            whatever the config's `${VAR}`s name (the org's address and its login)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from sfsync import api


class SyncFailed(RuntimeError):
    """The cycle ended with a non-zero exit code; `cycle` is its log line (outcome, message, error code)."""

    def __init__(self, cycle: Mapping[str, Any], exit_code: int) -> None:
        self.cycle, self.exit_code = dict(cycle), exit_code
        code = f"{cycle['error_code']}: " if cycle.get("error_code") else ""
        super().__init__(f"sfsync cycle {cycle['outcome']} (exit {exit_code}): {code}{cycle['message']}")


def sync_salesforce(
    environ: Mapping[str, str] = os.environ, *, stop: Callable[[], bool] | None = None
) -> dict[str, Any]:
    """Run one cycle against the store `SFSYNC_STORE` names and return its log line, the JSON object
    `sfsync run --once --format json` prints: `outcome` (in_sync, planned, applied, paused, over_budget,
    stopped), `planned` and `pending` changes, `rows` by outcome, `api_used`/`api_max`, `run_id`.

    Raises `SyncFailed` when the cycle's exit code is not 0: 1 (Salesforce or the store failed the cycle,
    rows were rejected, or the lock is held by another runner), 4 (some rows' outcome unknown: the next
    cycle's read settles them), 5 (paused while applying), 130 (stopped). A cycle on a paused store only
    plans and succeeds; what it would write is its `pending`. The config's own errors raise
    `sfsync.errors.ConfigError`, positioned in the file.
    """
    store_url = environ.get("SFSYNC_STORE")
    if not store_url:
        raise ValueError("SFSYNC_STORE is not set: name the PostgreSQL store every runner shares")
    config = Path(environ.get("SFSYNC_CONFIG") or "sfsync.yaml")
    report = api.run_once(config, store_url=store_url, stop=stop)
    cycle = report.to_json()
    if report.exit_code != 0:
        raise SyncFailed(cycle, report.exit_code)
    return cycle
