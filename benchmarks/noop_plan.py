"""The no-op re-plan of versions of sfsync side by side: the plan right after apply, when nothing moved.

    python benchmarks/noop_plan.py --size 100000 before=/path/to/old/src after=src [--repeat 3] [--api rest]

One store is loaded, planned and applied by the last version given, on the path `--api` names (Bulk by
default). Then each version plans again from its own copy of that store (a re-plan records its cache's
state, so no run sees another's), the versions taking turns round by round, `--repeat` times; with
`--profile DIR`, one more round under cProfile. The org is not written to in between. Prints one JSON
object: per version, the medians of the re-plan's wall s, CPU s, peak RSS MiB and calls, and the writes
the re-plan still has (0 when the apply was whole).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import datasets
from compare import versions_parser
from sfsync_bench.measure import Measurement, run_measured
from sfsync_bench.org import BenchOrg, running_org
from sfsync_bench.runs import APPLY_EXIT_CODES, CONFIG, NOOP_EXIT_CODES, read_plan


def main() -> int:
    args = parse_arguments()
    dataset = datasets.generate(args.size, args.seed)
    with tempfile.TemporaryDirectory(prefix=f"sfsync-compare-noop-{args.size}-") as scratch:
        root = Path(scratch)
        workspace = datasets.write_workspace(dataset, root / "workspace")
        with running_org(root / "org", dataset.org_records()) as org:
            applied = applied_store(org, args.versions[-1][1], workspace, root / "applied", args.api)
            runs: dict[str, list[Measurement]] = {label: [] for label, _src in args.versions}
            for round_ in range(args.repeat + (args.profile is not None)):
                for label, src in args.versions:
                    here = root / label / str(round_)
                    shutil.copytree(applied, here)
                    profile = args.profile / f"noop-{label}.prof" if round_ == args.repeat else None
                    run = replan(org, src, here, profile)
                    if profile is None:
                        runs[label].append(run)
                    shutil.rmtree(here)
    sys.stdout.write(json.dumps({label: medians(measured) for label, measured in runs.items()}, indent=2) + "\n")
    return 0


def parse_arguments() -> argparse.Namespace:
    parser = versions_parser(__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=3, help="re-plans per version")
    parser.add_argument("--profile", type=Path, help="also profile one re-plan of each (cProfile) into this directory")
    return parser.parse_args()


def _environment(org: BenchOrg, src: Path) -> dict[str, str]:
    return org.environment() | {"NO_COLOR": "1", "COLUMNS": "160", "PYTHONPATH": str(src)}


def applied_store(org: BenchOrg, src: Path, workspace: tuple[Path, Path], work: Path, api: str) -> Path:
    """A work folder (config and store) after the first plan and its apply."""
    org.reset()
    work.mkdir(parents=True)
    (work / "sfsync.yaml").write_text(CONFIG.read_text("utf-8").replace("api: rest", f"api: {api}"), "utf-8")
    env, sfsync = _environment(org, src), [sys.executable, "-m", "sfsync"]
    for path, kind in zip(workspace, ("company", "person"), strict=True):
        run_measured(org, f"load {kind}", [*sfsync, "workspace", "load", str(path), "--object", kind], work, env)
    run_measured(org, "plan", [*sfsync, "plan", "-o", "plan.json"], work, env)
    run_measured(org, "apply", [*sfsync, "apply", "plan.json"], work, env, APPLY_EXIT_CODES)
    return work


def replan(org: BenchOrg, src: Path, here: Path, profile: Path | None) -> Measurement:
    """One re-plan in `here`, with the writes it still has in its notes."""
    sfsync = [sys.executable, "-m", "sfsync"]
    if profile is not None:
        profile.parent.mkdir(parents=True, exist_ok=True)
        sfsync = [sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "sfsync"]
    argv = [*sfsync, "plan", "--detailed-exitcode", "-o", "noop.json"]
    run = run_measured(org, "no-op plan", argv, here, _environment(org, src), NOOP_EXIT_CODES)
    counts = read_plan(here / "noop.json").get("counts", {})
    return replace(run, notes={**run.notes, "writes": sum(c["create"] + c["update"] for c in counts.values())})


def medians(measured: list[Measurement]) -> dict[str, Any]:
    return {
        "noop_wall_s": statistics.median(run.seconds for run in measured),
        "noop_cpu_s": statistics.median(run.cpu_seconds for run in measured),
        "noop_cpu_s_each": [round(run.cpu_seconds, 2) for run in measured],
        "noop_peak_rss_mib": statistics.median(run.peak_rss_mib for run in measured),
        "noop_calls": statistics.median(run.total_calls for run in measured),
        "noop_writes": max(int(str(run.notes["writes"])) for run in measured),
    }


if __name__ == "__main__":
    sys.exit(main())
