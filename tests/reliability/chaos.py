"""The chaos run: `python -m tests.reliability.chaos --runs 200` (what `make chaos` does).

Starts one local org, plays `--runs` seeded scenarios (see `scenario.py`) one after the other and
prints the figures: runs, faults injected, kills, human edits, duplicates, the `racing-creates` runs by
duplicate rule (`racing.py`), overwritten human values, edits raced in flight per path, unwritten
records and the re-runs needed to converge. Exits 1 when any
run broke a promise (a race on REST with `--write-guard conditional` included), crashed or did not
converge. The same `--first-seed` and `--runs` replay the same scenarios.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

from .findings import Findings
from .org_process import OrgProcess
from .run_result import RunResult
from .scenario import Campaign, run_scenario

POSTGRES_ADMIN = os.environ.get("SFSYNC_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.reliability.chaos", description=__doc__)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--people", type=int, default=80, help="people per run (companies: a quarter of that)")
    parser.add_argument("--large-every", type=int, default=50, help="one run in N has --large-people people")
    parser.add_argument("--large-people", type=int, default=2000)
    parser.add_argument("--postgres-every", type=int, default=5, help="one run in N stores in PostgreSQL; 0: never")
    parser.add_argument("--postgres-url", default=POSTGRES_ADMIN, help="an admin connection to make databases")
    parser.add_argument("--json", type=Path, help="also write every run's result to this file")
    parser.add_argument("--keep", action="store_true", help="keep the run directories (printed at the end)")
    parser.add_argument("--workers", type=int, default=1, help="campaigns in parallel, each with its own org")
    parser.add_argument("--write-guard", choices=("conditional", "recheck"), default="conditional")
    parser.add_argument(
        "--update-latency-ms", type=int, default=0, help="delay every update request by this much (the race's window)"
    )
    parser.add_argument("--paths", default="rest,bulk", help="the write paths played: rest, bulk or both")
    parser.add_argument("--twists", default="", help="play only the variants with these twists (comma-separated)")
    parser.add_argument("--stride", type=int, default=1, help=argparse.SUPPRESS)  # a worker's step between seeds
    return parser.parse_args(argv)


def campaign_of(options: argparse.Namespace) -> Campaign:
    paths = tuple(p.strip() for p in str(options.paths).split(",") if p.strip())
    twists = tuple(t.strip() for t in str(options.twists).split(",") if t.strip())
    return Campaign(options.write_guard, options.update_latency_ms, paths, twists)


def one_in(n: int, key: str) -> bool:
    """True for about one key in `n`, always the same for the same key (so whatever the --workers)."""
    return random.Random(key).randrange(n) == 0


class Stores:
    """A fresh store per run: a SQLite file in the run's directory, or a new PostgreSQL database."""

    def __init__(self, postgres_every: int, admin_url: str) -> None:
        self.postgres_every, self.admin_url = postgres_every, admin_url
        self.databases: list[str] = []
        if postgres_every and not self._reachable():
            print(f"PostgreSQL is not reachable at {admin_url}: every run uses SQLite", flush=True)
            self.postgres_every = 0

    def _reachable(self) -> bool:
        import psycopg

        try:
            psycopg.connect(self.admin_url, connect_timeout=5).close()
        except psycopg.OperationalError:
            return False
        return True

    def for_run(self, seed: int) -> Callable[[Path], str]:
        if self.postgres_every and one_in(self.postgres_every, f"store-{seed}"):
            return lambda _work: self._database()
        return lambda work: f"sqlite:///{work / 'state' / 'sfsync.db'}"

    def _database(self) -> str:
        import psycopg

        name = f"sfsync_chaos_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.admin_url, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        self.databases.append(name)
        return self.admin_url.rsplit("/", 1)[0] + "/" + name

    def drop_all(self) -> None:
        if not self.databases:
            return
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True, connect_timeout=5) as admin:
            for name in self.databases:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def running_org(base: Path) -> Iterator[OrgProcess]:
    org = OrgProcess(base / "org")
    try:
        yield org
    finally:
        org.stop()


def campaign(options: argparse.Namespace, base: Path) -> list[RunResult]:
    results: list[RunResult] = []
    stores = Stores(options.postgres_every, options.postgres_url)
    try:
        with running_org(base) as org:
            for index in range(options.runs):
                seed = options.first_seed + index * options.stride
                large = options.large_every and one_in(options.large_every, f"size-{seed}")
                people = options.large_people if large else options.people
                try:
                    result = run_scenario(org, base, seed, people, stores.for_run(seed), campaign_of(options))
                except Exception as error:  # a run that cannot even be set up is reported, not fatal
                    result = RunResult(seed, "?", "?", people, 0, [], crashes=[f"harness: {error!r}"[:2000]])
                results.append(result)
                print(line(result), flush=True)
                if result.ok and not options.keep:
                    shutil.rmtree(base / f"run-{seed}", ignore_errors=True)
                elif not result.ok:
                    print("    " + "\n    ".join(problems(result)), flush=True)
    finally:
        stores.drop_all()
    return results


def line(result: RunResult) -> str:
    status = "ok" if result.ok else "FAILED"
    racing = (
        f" racing creates {result.racing_creates} (rule {result.duplicate_rule}) "
        f"race duplicates {len(result.findings.race_duplicates)}"
        if result.duplicate_rule
        else ""
    )
    return (
        f"seed {result.seed:>4} {result.variant:<33} {result.store:<10} people {result.people:>5} "
        f"faults {result.faults_fired:>3} kills {result.kills} edits {result.human_edits:>3} "
        f"raced {len(result.findings.raced)} re-runs {result.reruns} {result.seconds:>6.1f}s {status}{racing}"
    )


def racing_figures(results: Sequence[RunResult]) -> dict[str, dict[str, object]]:
    """The `racing-creates` runs by duplicate rule: a blocking rule on Email must leave no duplicate at all;
    without one, the duplicates the race created are the residual, per path, with the person-to-sfsync gaps
    (whole seconds, from `CreatedDate`)."""
    found: dict[str, dict[str, object]] = {}
    for rule, name in (("block", "blocking_rule_on_email"), ("none", "no_duplicate_rule")):
        runs = [r for r in results if r.duplicate_rule == rule]
        if not runs:
            continue
        gaps = [gap for r in runs for gap in r.findings.race_gaps]
        found[name] = {
            "runs": len(runs),
            "person_creates_during_apply": sum(r.racing_creates for r in runs),
            "duplicates": sum(len(r.findings.duplicates) for r in runs),
            "duplicates_created_by_race": {
                path: sum(len(r.findings.race_duplicates) for r in runs if r.path == path) for path in _paths(runs)
            },
            "race_gap_seconds": [min(gaps), max(gaps)] if gaps else [],
        }
    return found


def figures(results: Sequence[RunResult]) -> dict[str, object]:
    reruns = Counter(r.reruns for r in results if r.converged)
    return {
        "runs": len(results),
        "variants": dict(Counter(r.variant for r in results)),
        "stores": dict(Counter(r.store for r in results)),
        "people": sum(r.people for r in results),
        "in_scope_people": sum(r.in_scope for r in results),
        "faults_injected": sum(r.faults_fired for r in results),
        "fault_kinds": dict(Counter(name.split(":")[0] for r in results for name in r.faults)),
        "sigkills": sum(r.kills for r in results),
        "dead_locks_broken": sum(r.unlocks for r in results),
        "human_values_guarded": sum(r.human_values for r in results),
        "human_edits_between_and_during_apply": sum(r.human_edits for r in results),
        "duplicates": sum(len(r.findings.duplicates) for r in results),
        "emails_written": sum(r.findings.emails_written for r in results),
        "email_pass_faults": sum(r.email_faults for r in results),
        "email_pass_sigkills": sum(r.email_kills for r in results),
        "racing_creates": racing_figures(results),
        "overwritten_human_values": sum(len(r.findings.overwrites) for r in results),
        "raced_in_flight": {
            path: sum(len(r.findings.raced) for r in results if r.path == path) for path in _paths(results)
        },
        "unwritten_in_scope_records": sum(len(r.findings.unwritten) for r in results),
        "internal_errors": sum(len(r.crashes) for r in results),
        "not_converged": sum(not r.converged for r in results),
        "reruns_needed": {str(k): reruns[k] for k in sorted(reruns)},
        "max_reruns": max((r.reruns for r in results if r.converged), default=0),
        "seconds": round(sum(r.seconds for r in results), 1),
    }


def _paths(results: Sequence[RunResult]) -> list[str]:
    return sorted({r.path for r in results if r.path} | {"rest"})


def problems(result: RunResult) -> list[str]:
    raced = [f"raced past the write guard: {found}" for found in result.findings.raced] if result.guarded else []
    found = [*result.crashes, *result.notes, *raced, *result.findings.duplicates]
    return [*found, *result.findings.overwrites, *result.findings.unwritten]


def report(results: Sequence[RunResult]) -> str:
    lines = ["", "Chaos figures:"]
    lines += [f"  {name}: {value}" for name, value in figures(results).items()]
    for result in results:
        if not result.ok:
            lines.append(f"  seed {result.seed} ({result.variant}): " + " | ".join(problems(result)[:5]))
    return "\n".join(lines)


def in_parallel(options: argparse.Namespace, base: Path) -> list[RunResult]:
    """`--workers` campaigns as child processes, seeds interleaved; their results, in seed order."""
    children = []
    for worker in range(options.workers):
        runs = len(range(worker, options.runs, options.workers))
        arguments = [*sys.argv[1:], "--workers", "1", "--stride", str(options.workers), "--runs", str(runs)]
        arguments += ["--first-seed", str(options.first_seed + worker), "--json", str(base / f"worker-{worker}.json")]
        children.append(subprocess.Popen([sys.executable, "-m", "tests.reliability.chaos", *arguments]))
    for child in children:
        child.wait()
    results = []
    for worker in range(options.workers):
        path = base / f"worker-{worker}.json"
        results += [run_result(raw) for raw in json.loads(path.read_text("utf-8"))] if path.exists() else []
    return sorted(results, key=lambda r: r.seed)


def run_result(raw: dict[str, Any]) -> RunResult:
    raw = dict(raw)
    raw["findings"] = Findings(**raw["findings"])
    return RunResult(**raw)


def main(argv: Sequence[str] | None = None) -> int:
    options = parse(sys.argv[1:] if argv is None else argv)
    base = Path(tempfile.mkdtemp(prefix="sfsync-chaos-"))
    started = time.monotonic()
    results: list[RunResult] = []
    try:
        results = in_parallel(options, base) if options.workers > 1 else campaign(options, base)
    finally:
        kept = options.keep or not all(r.ok for r in results)
        if not kept:
            shutil.rmtree(base, ignore_errors=True)
    if options.json:
        options.json.write_text(json.dumps([asdict(r) for r in results], indent=2, default=str), "utf-8")
    if options.stride > 1:  # a worker: the parent reports
        return 0
    print(report(results))
    print(f"  wall clock: {time.monotonic() - started:.0f}s" + (f"; run directories in {base}" if kept else ""))
    return 0 if results and all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
