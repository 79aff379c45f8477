"""sfsync side by side with CumulusCI's `load_dataset`, the tool a Salesforce team would install instead.

For each org state, from the same reset org: sfsync on the REST path (`plan` + `apply`, a fresh
store loaded from the workspace files) and CumulusCI (`cci task run load_dataset`, `etl_upsert` on
Lead by Email over REST, every workspace row). The org states:

- *as seeded*: the benchmark's org, which holds 2% of the people as two Leads (a duplicate someone
  else made);
- *duplicate Leads merged first*: the same org after a person merged each such pair (CumulusCI's
  Email key refuses an org holding two Leads with one email, so this is the state it can load).

Each run is measured like every other (wall and CPU time, peak RSS, the org's API call counters),
and the org's Leads and Contacts are read before and after it to count what it did (`effects`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from sfsync_bench import peer_install, peer_project, snapshots
from sfsync_bench.effects import Effects, PersonRecord, effects
from sfsync_bench.measure import Measurement, run_measured
from sfsync_bench.org import BenchOrg
from sfsync_bench.runs import SfsyncRuns, Workspace, run_sfsync

CCI_EXIT_CODES = (0, 1)  # 1: the task stopped on an error (recorded as the outcome); the run still measures
OUTCOME_CHARACTERS = 80


@dataclass(frozen=True)
class ContenderRun:
    """One tool's run on one org state: its cost, how it ended, and what it did to the people."""

    tool: str
    org_state: str
    calls: Mapping[str, int]
    seconds: float
    cpu_seconds: float
    org_cpu_seconds: float
    peak_rss_mib: float
    outcome: str
    effects: Effects

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())


@dataclass(frozen=True)
class PeerComparison:
    rows: int  # workspace rows CumulusCI loads (repeats included, as a data file holds them)
    merged_leads: int  # Leads merged away to make the second org state
    runs: tuple[ContenderRun, ...]


OrgState = tuple[str, Callable[[BenchOrg], int] | None]
ORG_STATES: tuple[OrgState, ...] = (
    ("as seeded", None),
    ("duplicate Leads merged first", snapshots.merge_duplicate_leads),
)


def run_peer(org: BenchOrg, workspace: Workspace, scratch: Path) -> PeerComparison:
    cci = peer_install.cumulusci()
    project = scratch / "cumulusci"
    rows = peer_project.write_project(project, workspace.people, workspace.companies, org.connection.api_version)
    runs: list[ContenderRun] = []
    merged = 0
    for number, (state, change) in enumerate(ORG_STATES):
        runs.append(_sfsync_on(org, state, change, workspace, scratch / f"peer-sfsync-{number}"))
        org.reset()
        merged = change(org) if change is not None else merged
        runs.append(_cci_on(org, state, cci, project, scratch / f"cci-home-{number}"))
    return PeerComparison(rows, merged, tuple(runs))


def _sfsync_on(
    org: BenchOrg, state: str, change: Callable[[BenchOrg], int] | None, workspace: Workspace, work: Path
) -> ContenderRun:
    before: list[PersonRecord] = []

    def prepare(reset: BenchOrg) -> None:
        if change is not None:
            change(reset)
        before.extend(snapshots.people(reset))

    runs = run_sfsync(org, "rest", workspace, work, prepare)
    return _sfsync_run(state, runs, effects(before, snapshots.people(org)))


def _cci_on(org: BenchOrg, state: str, cci: Path, project: Path, home: Path) -> ContenderRun:
    """CumulusCI on the org as it is now; its keychain files go to `home`, new for every run."""
    before = snapshots.people(org)
    argv, env = peer_project.load_dataset_argv(cci), peer_project.environment(org, home)
    measured = run_measured(org, f"cumulusci {home.name}", argv, project, env, CCI_EXIT_CODES)
    return _cci_run(state, measured, effects(before, snapshots.people(org)))


def _sfsync_run(state: str, runs: SfsyncRuns, done: Effects) -> ContenderRun:
    plan, apply = runs.plan, runs.apply
    assert apply is not None, "the peer comparison runs sfsync's apply"
    calls = {name: plan.calls.get(name, 0) + apply.calls.get(name, 0) for name in {**plan.calls, **apply.calls}}
    return ContenderRun(
        "sfsync REST plan + apply",
        state,
        calls,
        runs.sync_seconds,
        plan.cpu_seconds + apply.cpu_seconds,
        plan.org_cpu_seconds + apply.org_cpu_seconds,
        max(plan.peak_rss_mib, apply.peak_rss_mib),
        str(apply.notes.get("summary", "")),
        done,
    )


def _cci_run(state: str, m: Measurement, done: Effects) -> ContenderRun:
    outcome = cli_outcome(m.output, m.exit_code)
    return ContenderRun(
        f"CumulusCI {peer_install.CUMULUSCI_VERSION} load_dataset",
        state,
        m.calls,
        m.seconds,
        m.cpu_seconds,
        m.org_cpu_seconds,
        m.peak_rss_mib,
        outcome,
        done,
    )


def cli_outcome(output: str, exit_code: int) -> str:
    """How a `cci` run ended: `completed`, or its `Error:` message on one line, without the rows some
    messages list (`Duplicate values for upsert key: (('00Q…', 'a@b.example'), …)`), cut short."""
    if exit_code == 0:
        return "completed"
    lines = output.splitlines()
    start = next((n for n, line in enumerate(lines) if line.startswith("Error:")), None)
    if start is None:
        return f"exited {exit_code}"
    message: list[str] = []
    for line in lines[start:]:
        if line.startswith("Run this command for more information"):
            break
        message.append(line.strip())
    text = re.sub(r"\s+", " ", " ".join(message)).removeprefix("Error:").strip()
    text = re.split(r" \(\(| \[\(", text, maxsplit=1)[0]
    return text if len(text) <= OUTCOME_CHARACTERS else text[: OUTCOME_CHARACTERS - 1].rstrip() + "…"
