"""sfsync side by side with the Salesforce floor and the usual alternatives: API calls, time, memory.

    python benchmarks/run.py [--sizes 1000,10000,100000] [--huge] [--no-startup] [--peer] [--markdown FILE]
                             [--json FILE]

First the CLI's start-up cost (`benchmarks/startup.py`: `--help` and the pre-commit hook's `validate`
beside the interpreter floor). Then, for each size: generate a dataset, start a local org seeded with
it, then run (each from the same org state) sfsync `plan` + `apply` + no-op `plan` on the REST and the
Bulk path (at 1,000,000 people the REST path's first plan only), a per-record sync and a blind Bulk
upsert written with simple-salesforce. Prints the runs
and the goals as tables. With `--peer`, also sfsync side by side with CumulusCI's `load_dataset`
(installed on first use into `benchmarks/.peers/`), counting the human values each overwrote and the
duplicates each created.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

import datasets
import startup
from rich.console import Console
from sfsync_bench.org import running_org
from sfsync_bench.peer import PeerComparison, run_peer
from sfsync_bench.peer_install import PeerUnavailable, cumulusci
from sfsync_bench.peer_report import peer_markdown, print_peer
from sfsync_bench.report import markdown, print_tables
from sfsync_bench.runs import SizeResult, Workspace, run_size

HUGE = 1_000_000
WIDTH = 160  # the runs table is wide; narrower terminals wrap lines rather than squeeze cells


def main() -> int:
    args = parse_arguments()
    console = Console(highlight=False, width=max(Console().width, WIDTH))
    console.print(machine())
    if args.peer:
        try:
            cumulusci()  # installed (once) before any dataset is made: a missing peer fails fast
        except PeerUnavailable as error:
            console.print(str(error), style="red", markup=False)
            return 2
    timings = [] if args.no_startup else startup.measure(args.startup_runs)
    if timings:
        startup.print_tables(timings, console)
    results: list[SizeResult] = []
    peers: list[tuple[int, PeerComparison]] = []
    for size in args.sizes + ([HUGE] if args.huge and HUGE not in args.sizes else []):
        console.print(f"[bold]size {size:,}[/]: generating, seeding the local org, running side by side …")
        result, peer = measure_size(size, args.seed, args.per_record_sample, args.peer)
        results.append(result)
        print_tables(results[-1:], console)
        if peer is not None:
            peers.append((size, peer))
            print_peer(size, peer, console)
    if len(results) > 1:
        print_tables(results, console)
    if args.markdown:
        startup_tables = f"{startup.markdown(timings)}\n" if timings else ""
        peer_text = f"\n{peer_markdown(peers)}" if peers else ""
        args.markdown.write_text(f"{machine()}\n\n{startup_tables}{markdown(results)}{peer_text}", "utf-8")
    if args.json:
        compared = dict(peers)
        measured = [asdict(r) | ({"peer": asdict(compared[r.size])} if r.size in compared else {}) for r in results]
        document = {"startup": startup.as_json(timings), "sizes": measured}
        args.json.write_text(json.dumps(document, indent=2, default=str) + "\n", "utf-8")
    return 0


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--sizes", type=sizes, default=[1_000, 10_000, 100_000], help="people per dataset, comma-separated"
    )
    parser.add_argument("--huge", action="store_true", help="also run 1,000,000 people")
    parser.add_argument("--no-startup", action="store_true", help="skip the CLI start-up benchmark")
    parser.add_argument(
        "--startup-runs", type=startup.runs_count, default=startup.DEFAULT_RUNS, help="start-up rounds (medians)"
    )
    parser.add_argument("--seed", type=int, default=7, help="the dataset generator's seed")
    parser.add_argument(
        "--per-record-sample",
        type=int,
        default=2_000,
        help="run the per-record sync over this many rows at most and scale its calls and times linearly",
    )
    parser.add_argument(
        "--peer", action="store_true", help="also run sfsync side by side with CumulusCI's load_dataset"
    )
    parser.add_argument("--markdown", type=Path, help="also write the tables as Markdown to this file")
    parser.add_argument("--json", type=Path, help="also write every measurement as JSON to this file")
    return parser.parse_args()


def sizes(text: str) -> list[int]:
    return [int(part.replace("_", "")) for part in text.split(",") if part.strip()]


def measure_size(size: int, seed: int, per_record_sample: int, peer: bool) -> tuple[SizeResult, PeerComparison | None]:
    dataset = datasets.generate(size, seed)
    with tempfile.TemporaryDirectory(prefix=f"sfsync-bench-{size}-") as scratch:
        root = Path(scratch)
        companies, people = datasets.write_workspace(dataset, root / "workspace")
        rows = sum(1 for _ in people.open(encoding="utf-8")) - 1
        workspace = Workspace(companies, people, rows)
        with running_org(root / "org", dataset.org_records()) as org:
            compared = run_peer(org, workspace, root / "peer") if peer else None
            return run_size(org, size, workspace, root, per_record_sample), compared


def machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    return (
        f"Machine: {os.cpu_count()} CPUs (nproc), {memory:.1f} GiB memory, Python {platform.python_version()} "
        f"on {platform.system()} {platform.machine()}; load average at start {load}"
    )


if __name__ == "__main__":
    sys.exit(main())
