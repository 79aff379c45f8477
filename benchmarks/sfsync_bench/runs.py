"""The runs side by side for one dataset: sfsync on each API path, and the two baselines.

Every run starts from the same org (`reset`) and, for sfsync, a fresh store loaded from the same
workspace files. sfsync runs through its real CLI: `plan -o plan.json`, `apply plan.json`, then
`plan --detailed-exitcode` again (the no-op re-plan). From `REST_PLAN_ONLY_FROM` people on, the REST
path runs its first plan only: its apply would take most of an hour there (a Collections call per 200
people), and its calls goal is stated at 100,000.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sfsync.engine.plans.file import PlanFile, open_plan
from sfsync.engine.plans.json_form import plan_to_json
from sfsync_bench.floor import Workload
from sfsync_bench.measure import Measurement, run_measured, scaled
from sfsync_bench.org import ROOT, BenchOrg

SFSYNC = Path(sys.executable).with_name("sfsync")
CONFIG = ROOT / "benchmarks" / "sfsync.yaml"
BASELINES = ROOT / "benchmarks" / "baselines.py"
APPLY_EXIT_CODES = (0, 1)  # 1: some rows were rejected (recorded); the run still measures
NOOP_EXIT_CODES = (0, 2)  # 2: the re-plan still has writes (reported as such)
REST_PLAN_ONLY_FROM = 1_000_000


@dataclass(frozen=True)
class Workspace:
    companies: Path
    people: Path
    rows: int  # lines in the people file: what a per-record script loops over


@dataclass(frozen=True)
class SfsyncRuns:
    """One API path: the first plan, its apply, the no-op re-plan, and what the plan said it had to do
    (apply and the re-plan are None when only the first plan ran)."""

    api: str
    load_seconds: float
    plan: Measurement
    apply: Measurement | None
    noop: Measurement | None
    workload: Workload
    noop_writes: int
    noop_objects: int
    plan_file_mib: float = 0.0  # the saved first plan (compressed)

    @property
    def void(self) -> str:
        """Why apply's figures say nothing about a full sync (it did not run, or stopped half-way), or ""."""
        if self.apply is None:
            return f"{self.api.upper()} path ran its first plan only"
        stopped = str(self.apply.notes.get("summary", "")).startswith("error:")
        return f"{self.api.upper()} apply stopped half-way" if stopped else ""

    @property
    def sync_calls(self) -> int:
        return self.plan.total_calls + (self.apply.total_calls if self.apply else 0)

    @property
    def sync_seconds(self) -> float:
        return self.plan.seconds + (self.apply.seconds if self.apply else 0.0)


@dataclass(frozen=True)
class SizeResult:
    size: int
    rest: SfsyncRuns
    bulk: SfsyncRuns
    per_record: Measurement
    blind: Measurement


def run_size(org: BenchOrg, size: int, workspace: Workspace, scratch: Path, per_record_sample: int) -> SizeResult:
    rest = run_sfsync(org, "rest", workspace, scratch / "rest", plan_only=size >= REST_PLAN_ONLY_FROM)
    bulk = run_sfsync(org, "bulk", workspace, scratch / "bulk")
    per_record = run_baseline(org, "per-record", workspace, scratch, per_record_sample)
    blind = run_baseline(org, "blind-bulk", workspace, scratch, None)
    return SizeResult(size, rest, bulk, per_record, blind)


def run_sfsync(
    org: BenchOrg,
    api: str,
    workspace: Workspace,
    work: Path,
    prepare: Callable[[BenchOrg], object] | None = None,
    *,
    plan_only: bool = False,
) -> SfsyncRuns:
    """`prepare` runs on the reset org before sfsync starts (a change to the org's state, a snapshot);
    `plan_only`: the first plan, neither apply nor the re-plan."""
    org.reset()
    if prepare is not None:
        prepare(org)
    work.mkdir(parents=True)
    (work / "sfsync.yaml").write_text(CONFIG.read_text("utf-8").replace("api: rest", f"api: {api}"), "utf-8")
    env = org.environment() | {"NO_COLOR": "1", "COLUMNS": "160"}
    load_seconds = 0.0
    for path, kind in ((workspace.companies, "company"), (workspace.people, "person")):
        argv = [str(SFSYNC), "workspace", "load", str(path), "--object", kind]
        load = run_measured(org, f"load {kind}", argv, work, env)
        load_seconds += load.seconds
    plan = run_measured(org, f"{api} plan", [str(SFSYNC), "plan", "-o", "plan.json"], work, env)
    plan_file_mib = (work / "plan.json").stat().st_size / 2**20
    first = read_plan(work / "plan.json")
    if plan_only:
        return SfsyncRuns(api, load_seconds, plan, None, None, workload_of(first), 0, 0, plan_file_mib)
    apply = run_measured(org, f"{api} apply", [str(SFSYNC), "apply", "plan.json"], work, env, APPLY_EXIT_CODES)
    argv = [str(SFSYNC), "plan", "--detailed-exitcode", "-o", "noop.json"]
    noop = run_measured(org, f"{api} no-op plan", argv, work, env, NOOP_EXIT_CODES)
    again = read_plan(work / "noop.json")
    noop_writes = sum(c["create"] + c["update"] for c in again.get("counts", {}).values())
    objects = len(again.get("refresh", {}))
    return SfsyncRuns(
        api, load_seconds, plan, _with_tail(apply), noop, workload_of(first), noop_writes, objects, plan_file_mib
    )


def run_baseline(org: BenchOrg, kind: str, workspace: Workspace, scratch: Path, sample: int | None) -> Measurement:
    org.reset()
    argv = [sys.executable, str(BASELINES), kind, "--people", str(workspace.people)]
    argv += ["--companies", str(workspace.companies)]
    limit = sample if sample is not None and sample < workspace.rows else None
    if limit is not None:
        argv += ["--limit", str(limit)]
    measured = run_measured(org, kind, argv, scratch, org.environment())
    outcomes = json.loads(measured.output.strip().splitlines()[-1])
    measured = replace(measured, notes=outcomes)
    return scaled(measured, limit, workspace.rows) if limit is not None else measured


def workload_of(plan: Mapping[str, Any]) -> Workload:
    """What the first plan read and will write, per object: the floor's input."""
    refresh: Mapping[str, Mapping[str, int]] = plan.get("refresh", {})
    counts: Mapping[str, Mapping[str, int]] = plan.get("counts", {})
    writes = {obj: c["create"] + c["update"] for obj, c in counts.items() if c["create"] + c["update"]}
    operations = {obj: (c["create"] > 0) + (c["update"] > 0) for obj, c in counts.items()}
    # The benchmark's config keeps the default `write_guard: conditional`: every REST update is guarded.
    guarded = {obj: c["update"] for obj, c in counts.items() if c["update"]}
    read = {obj: r.get("read", 0) for obj, r in refresh.items()}
    return Workload(len(refresh), read, writes, operations, guarded)


def read_plan(path: Path) -> dict[str, Any]:
    """The saved plan's header: its counts and refresh, read without its records."""
    opened = open_plan(path)
    return dict(opened.head) if isinstance(opened, PlanFile) else plan_to_json(opened)


def _with_tail(apply: Measurement) -> Measurement:
    """Keep the apply's last lines (its summary, or why it stopped) for the table's outcome column."""
    lines = [line.strip() for line in apply.output.strip().splitlines() if line.strip()]
    return replace(apply, notes={"summary": lines[-1] if lines else ""})
