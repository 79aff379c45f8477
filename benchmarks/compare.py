"""Two versions of sfsync side by side on one API path, and the blind Bulk upsert, in one run.

    python benchmarks/compare.py --size 20000 before=/path/to/old/src after=src [--profile DIR] [--api rest]

Each `LABEL=SRC` is a source tree (the `src` directory of a checkout, or of `git archive REV src`),
run with this environment's Python and dependencies. For each, from the same org state (reset
between runs) and a fresh store loaded with the same workspace files: `plan -o plan.json`, then
`apply plan.json`, on the path `--api` names (Bulk by default). Then the blind upsert (`baselines.py
blind-bulk`). With `--profile`, each apply is run once more under cProfile from the same store and org
state, and its profile written to DIR. With `--plan-only`, only the first plans (neither apply nor the
blind upsert), each `--repeat` times from a fresh store, the versions taking turns (figures: the medians);
`--profile` then profiles one more first plan of each, and `--keep-plans DIR` keeps each version's first
plan file there (`plan-LABEL.json`), to compare the plans the versions made. With `--block-duplicate-leads`,
the org's Lead duplicate rule blocks on create (it alerts as seeded), for every run but the blind upsert.
Prints one JSON object: per version, plan and apply wall s, CPU s, peak RSS MiB, apply's API calls (in all
and by endpoint), the plan's API calls and its saved file's MiB, and apply / blind.
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
from sfsync_bench.measure import Measurement, run_measured
from sfsync_bench.org import BenchOrg, running_org
from sfsync_bench.runs import APPLY_EXIT_CODES, BASELINES, CONFIG

MIB = 2**20


def main() -> int:
    args = parse_arguments()
    dataset = datasets.generate(args.size, args.seed)
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix=f"sfsync-compare-{args.size}-") as scratch:
        root = Path(scratch)
        companies, people = datasets.write_workspace(dataset, root / "workspace")
        with running_org(root / "org", dataset.org_records()) as org:
            if args.plan_only:
                results = run_plans(org, args.versions, (companies, people), root, args)
                sys.stdout.write(json.dumps(results, indent=2) + "\n")
                return 0
            for label, src in args.versions:
                results[label] = run_version(org, label, src, (companies, people), root / label, args)
            org.reset()
            argv = [sys.executable, str(BASELINES), "blind-bulk", "--people", str(people)]
            blind = run_measured(org, "blind", [*argv, "--companies", str(companies)], root, org.environment())
    results["blind"] = {"wall_s": blind.seconds, "cpu_s": blind.cpu_seconds}
    for label, _src in args.versions:
        results[label]["apply_over_blind"] = results[label]["apply_wall_s"] / blind.seconds
    sys.stdout.write(json.dumps(results, indent=2) + "\n")
    return 0


def versions_parser(description: str) -> argparse.ArgumentParser:
    """The arguments every side-by-side run takes: the versions, the dataset's size and seed, the API path."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("versions", nargs="+", type=version, help="LABEL=SRC: a label and a source tree")
    parser.add_argument("--size", type=int, default=20_000, help="people in the dataset")
    parser.add_argument("--seed", type=int, default=7, help="the dataset generator's seed")
    parser.add_argument("--api", choices=("bulk", "rest"), default="bulk", help="the API path sfsync runs on")
    return parser


def parse_arguments() -> argparse.Namespace:
    parser = versions_parser(__doc__.split("\n", 1)[0])
    parser.add_argument("--profile", type=Path, help="also profile each apply (cProfile) into this directory")
    parser.add_argument("--plan-only", action="store_true", help="run only the first plans")
    parser.add_argument("--repeat", type=int, default=1, help="first plans per version with --plan-only")
    parser.add_argument(
        "--block-duplicate-leads", action="store_true", help="the org's Lead duplicate rule blocks on create"
    )
    parser.add_argument("--keep-plans", type=Path, help="with --plan-only, keep each version's first plan file here")
    return parser.parse_args()


def version(text: str) -> tuple[str, Path]:
    label, _, src = text.partition("=")
    if not label or not src:
        raise argparse.ArgumentTypeError(f"expected LABEL=SRC, got {text!r}")
    return label, Path(src).resolve()


def run_version(
    org: BenchOrg, label: str, src: Path, workspace: tuple[Path, Path], work: Path, args: argparse.Namespace
) -> dict[str, Any]:
    profile: Path | None = args.profile
    reset(org, args)
    work.mkdir(parents=True)
    (work / "sfsync.yaml").write_text(CONFIG.read_text("utf-8").replace("api: rest", f"api: {args.api}"), "utf-8")
    env = org.environment() | {"NO_COLOR": "1", "COLUMNS": "160", "PYTHONPATH": str(src)}
    sfsync = [sys.executable, "-m", "sfsync"]
    for path, kind in zip(workspace, ("company", "person"), strict=True):
        run_measured(org, f"load {kind}", [*sfsync, "workspace", "load", str(path), "--object", kind], work, env)
    plan = run_measured(org, "plan", [*sfsync, "plan", "-o", "plan.json"], work, env)
    shutil.copytree(work / ".sfsync", work / "store-as-planned")
    apply = run_measured(org, "apply", [*sfsync, "apply", "plan.json"], work, env, APPLY_EXIT_CODES)
    if profile is not None:
        reset(org, args)
        shutil.rmtree(work / ".sfsync")
        shutil.copytree(work / "store-as-planned", work / ".sfsync")
        profile.mkdir(parents=True, exist_ok=True)
        profiled = [sys.executable, "-m", "cProfile", "-o", str(profile / f"apply-{label}.prof"), "-m", "sfsync"]
        run_measured(org, "apply profiled", [*profiled, "apply", "plan.json"], work, env, APPLY_EXIT_CODES)
    calls = {"apply_calls": apply.total_calls, "apply_calls_by_kind": dict(sorted(apply.calls.items()))}
    planned = {"plan_calls": plan.total_calls, "plan_file_mib": (work / "plan.json").stat().st_size / MIB}
    return {**figures("plan", plan), **planned, **figures("apply", apply), **calls}


def reset(org: BenchOrg, args: argparse.Namespace) -> None:
    """The org as seeded, with its Lead duplicate rule blocking when asked (reset restores the seed's rules)."""
    org.reset()
    if args.block_duplicate_leads:
        org.block_duplicate_leads()


def run_plans(
    org: BenchOrg, versions: list[tuple[str, Path]], workspace: tuple[Path, Path], root: Path, args: argparse.Namespace
) -> dict[str, dict[str, Any]]:
    """First plans only, from a fresh store each, the versions taking turns round by round (so a change in
    the machine's load falls on all of them): the medians of `--repeat` runs, then one profiled each."""
    runs: dict[str, list[Measurement]] = {label: [] for label, _src in versions}
    reset(org, args)  # plans write nothing to the org: once is enough
    for round_ in range(args.repeat + (args.profile is not None)):
        for label, src in versions:
            run = _first_plan(org, label, src, workspace, root / label / str(round_), args, round_)
            if round_ < args.repeat:
                runs[label].append(run)
    return {
        label: {
            "plan_wall_s": statistics.median(run.seconds for run in measured),
            "plan_cpu_s": statistics.median(run.cpu_seconds for run in measured),
            "plan_cpu_s_each": [round(run.cpu_seconds, 2) for run in measured],
            "plan_peak_rss_mib": statistics.median(run.peak_rss_mib for run in measured),
            "plan_calls": statistics.median(run.total_calls for run in measured),
            "plan_file_mib": statistics.median(float(str(run.notes["plan_file_mib"])) for run in measured),
            "store_mib": statistics.median(float(str(run.notes["store_mib"])) for run in measured),
        }
        for label, measured in runs.items()
    }


def _first_plan(
    org: BenchOrg,
    label: str,
    src: Path,
    workspace: tuple[Path, Path],
    here: Path,
    args: argparse.Namespace,
    round_: int,
) -> Measurement:
    """One version's first plan from a fresh store (profiled in the round after the measured ones)."""
    env = org.environment() | {"NO_COLOR": "1", "COLUMNS": "160", "PYTHONPATH": str(src)}
    here.mkdir(parents=True)
    (here / "sfsync.yaml").write_text(CONFIG.read_text("utf-8").replace("api: rest", f"api: {args.api}"), "utf-8")
    sfsync = [sys.executable, "-m", "sfsync"]
    for path, kind in zip(workspace, ("company", "person"), strict=True):
        run_measured(org, f"load {kind}", [*sfsync, "workspace", "load", str(path), "--object", kind], here, env)
    if round_ == args.repeat:
        args.profile.mkdir(parents=True, exist_ok=True)
        sfsync = [sys.executable, "-m", "cProfile", "-o", str(args.profile / f"plan-{label}.prof"), "-m", "sfsync"]
    run = run_measured(org, "plan", [*sfsync, "plan", "-o", "plan.json"], here, env)
    store = sum(path.stat().st_size for path in (here / ".sfsync").rglob("*") if path.is_file())
    run = replace(
        run, notes={**run.notes, "plan_file_mib": (here / "plan.json").stat().st_size / MIB, "store_mib": store / MIB}
    )
    if round_ == 0 and args.keep_plans is not None:
        args.keep_plans.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(here / "plan.json", args.keep_plans / f"plan-{label}.json")
    shutil.rmtree(here)
    return run


def figures(name: str, run: Measurement) -> dict[str, float]:
    return {f"{name}_wall_s": run.seconds, f"{name}_cpu_s": run.cpu_seconds, f"{name}_peak_rss_mib": run.peak_rss_mib}


if __name__ == "__main__":
    sys.exit(main())
