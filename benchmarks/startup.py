"""CLI start-up cost: whole-process CPU time of `sfsync --help` and of the pre-commit hook's `validate`.

    .venv/bin/python benchmarks/startup.py [--runs 15] [--markdown FILE] [--json FILE]

Each contender is a fresh process, timed by the operating system's own accounting of the finished
child (user + system CPU, `getrusage(RUSAGE_CHILDREN)` before and after `subprocess.run`): start-up,
imports and the command's work, everything a person waits for. The contenders run side by side, one
of each per round, so that a machine that slows down during the run slows all of them alike; each
figure is the median of the rounds. The interpreter's own start (`python -c pass`) and the import of
the package alone (`python -c "import sfsync"`) are measured alongside as the floor the commands
cannot go below. `benchmarks/run.py` runs this first.

The children run as an installed package does, from bytecode: `PYTHONDONTWRITEBYTECODE` is left out of
their environment, so the warm-up round writes the `__pycache__` files every later round reads (with it
set and no cache written yet, every round compiled each imported module of sfsync from its source).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from rich.console import Console
from sfsync_bench.report import Goal, goal_status, markdown_table, rich_table

ROOT = Path(__file__).resolve().parents[1]
SFSYNC = Path(sys.executable).with_name("sfsync")
QUICKSTART = "examples/quickstart/sfsync.yaml"
DEFAULT_RUNS = 15
WIDTH = 110  # the commands' cells stay on one line
COLUMNS = ("command", "CPU s (median)", "min", "max", "above the floor")
GOAL_COLUMNS = ("goal", "value", "target", "status")
FLOOR = "python -c pass (the interpreter floor)"
# Bytecode as an installed package has it (the module docstring): written by the warm-up round.
CHILD_ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


@dataclass(frozen=True)
class Contender:
    """One command measured; `goal` is its CPU time limit in seconds (None: measured for reference)."""

    label: str
    argv: tuple[str, ...]
    goal: float | None = None


@dataclass(frozen=True)
class Timing:
    """A contender's whole-process CPU seconds, one per round."""

    contender: Contender
    samples: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)


def contenders(python: str = sys.executable, sfsync: str = str(SFSYNC)) -> list[Contender]:
    return [
        Contender(FLOOR, (python, "-c", "pass")),
        Contender('python -c "import sfsync"', (python, "-c", "import sfsync")),
        Contender("sfsync --help", (sfsync, "--help"), goal=0.2),
        Contender(f"sfsync validate {QUICKSTART} (pre-commit)", (sfsync, "validate", QUICKSTART), goal=0.3),
        Contender(f"sfsync fmt --check {QUICKSTART} (pre-commit)", (sfsync, "fmt", "--check", QUICKSTART)),
    ]


def cpu_seconds(argv: Sequence[str], cwd: Path = ROOT) -> float:
    """The user + system CPU time of one run of `argv` (and of any process it waited for)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        list(argv), cwd=cwd, env=CHILD_ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:  # a command that failed measured nothing worth reporting
        raise RuntimeError(f"`{' '.join(argv)}` exited {done.returncode}: {done.stderr.decode(errors='replace')}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(
    runs: int = DEFAULT_RUNS,
    measured: Sequence[Contender] | None = None,
    timer: Callable[[Sequence[str]], float] = cpu_seconds,
) -> list[Timing]:
    """`runs` rounds of one run of each contender, after one warm-up round (the OS file cache) not counted."""
    chosen = list(measured or contenders())
    for contender in chosen:
        timer(contender.argv)
    samples: list[list[float]] = [[] for _ in chosen]
    for _ in range(runs):
        for contender, taken in zip(chosen, samples, strict=True):
            taken.append(timer(contender.argv))
    return [Timing(contender, tuple(taken)) for contender, taken in zip(chosen, samples, strict=True)]


def floor_of(timings: Sequence[Timing]) -> float:
    return next((t.median for t in timings if t.contender.label == FLOOR), 0.0)


def goals(timings: Sequence[Timing]) -> list[Goal]:
    """Each goal as whole-process CPU seconds (the floor included: it is what a person waits for)."""
    return [_goal(t, t.contender.goal) for t in timings if t.contender.goal is not None]


def _goal(timing: Timing, limit: float) -> Goal:
    name = f"{timing.contender.label.removesuffix(' (pre-commit)')}: CPU s"
    return Goal(name, timing.median, f"≤ {limit}", timing.median <= limit)


def rows(timings: Sequence[Timing]) -> list[tuple[str, ...]]:
    floor = floor_of(timings)
    return [
        (
            t.contender.label,
            f"{t.median:.3f}",
            f"{min(t.samples):.3f}",
            f"{max(t.samples):.3f}",
            "" if t.contender.label == FLOOR else f"{t.median - floor:.3f}",
        )
        for t in timings
    ]


def goal_rows(timings: Sequence[Timing]) -> list[tuple[str, ...]]:
    return [(g.name, f"{g.value:.3f}", g.target, goal_status(g)) for g in goals(timings) if g.value is not None]


def print_tables(timings: Sequence[Timing], console: Console) -> None:
    runs = len(timings[0].samples) if timings else 0
    console.print(rich_table(f"CLI startup (whole-process CPU, median of {runs} runs)", COLUMNS, rows(timings)))
    console.print(rich_table("CLI startup goals", GOAL_COLUMNS, goal_rows(timings)))


def markdown(timings: Sequence[Timing]) -> str:
    return f"{markdown_table(COLUMNS, rows(timings))}\n{markdown_table(GOAL_COLUMNS, goal_rows(timings))}"


def as_json(timings: Sequence[Timing]) -> list[dict[str, object]]:
    return [asdict(t) | {"median": t.median} for t in timings]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=runs_count, default=DEFAULT_RUNS, help="rounds, at least 15 (medians)")
    parser.add_argument("--markdown", type=Path, help="also write the tables as Markdown to this file")
    parser.add_argument("--json", type=Path, help="also write every sample as JSON to this file")
    args = parser.parse_args()
    timings = measure(args.runs)
    print_tables(timings, Console(highlight=False, width=max(Console().width, WIDTH)))
    if args.markdown:
        args.markdown.write_text(markdown(timings), "utf-8")
    if args.json:
        args.json.write_text(json.dumps(as_json(timings), indent=2) + "\n", "utf-8")
    return 0


def runs_count(text: str) -> int:
    """A median of fewer than 15 runs moves with one slow or lucky run: refused."""
    runs = int(text)
    if runs < DEFAULT_RUNS:
        raise argparse.ArgumentTypeError(f"at least {DEFAULT_RUNS} runs")
    return runs


if __name__ == "__main__":
    sys.exit(main())
