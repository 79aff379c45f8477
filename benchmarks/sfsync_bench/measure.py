"""One measured run: a subprocess's wall time, its own peak RSS, and the API calls the org counted.

Every contender (sfsync and both baselines) runs as a child process, so its peak RSS (its own `VmHWM`,
read while it runs) never includes the local org, which serves from the harness process.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sfsync_bench.org import BenchOrg

KIB = 1024
WATCH_SECONDS = 0.05  # how often a child's high-water mark is read


@dataclass(frozen=True)
class Measurement:
    """What one run cost. `calls` is per endpoint; `extrapolated_from` > 0 when scaled up from a sample.

    `cpu_seconds` is the child's own CPU time and `org_cpu_seconds` the local org's (the harness
    process serves the org and does nothing else meanwhile): both hold up when the machine is busy,
    where wall time does not.
    """

    label: str
    seconds: float
    cpu_seconds: float
    org_cpu_seconds: float
    peak_rss_mib: float
    calls: Mapping[str, int]
    exit_code: int
    output: str = ""
    extrapolated_from: int = 0
    notes: Mapping[str, object] = field(default_factory=dict)

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())


def run_measured(
    org: BenchOrg, label: str, argv: Sequence[str], cwd: Path, env: Mapping[str, str], ok: Sequence[int] = (0,)
) -> Measurement:
    """Run `argv` in `cwd`; fail loudly on an exit code outside `ok`, since a broken run measures nothing."""
    org.clear_calls()
    log = cwd / f"{label.replace(' ', '_')}.log"
    with log.open("w", encoding="utf-8") as out:
        started, org_started = time.perf_counter(), time.process_time()
        child = subprocess.Popen(list(argv), cwd=cwd, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT)
        status, usage, peak_kib = _wait_watching(child.pid)
        seconds, org_cpu = time.perf_counter() - started, time.process_time() - org_started
    child.returncode = os.waitstatus_to_exitcode(status)
    output = log.read_text("utf-8", errors="replace")
    if child.returncode not in ok:
        raise RuntimeError(f"{label}: `{' '.join(argv)}` exited {child.returncode}:\n{output[-3000:]}")
    cpu = usage.ru_utime + usage.ru_stime
    measured = Measurement(label, seconds, cpu, org_cpu, peak_kib / KIB, org.calls(), child.returncode, output)
    _progress(measured)
    return measured


def _wait_watching(pid: int) -> tuple[int, Any, int]:
    """Wait for the child, reading its own high-water mark (`VmHWM`, KiB) as it runs, and the sum of what it and
    its own children hold while it has any (`_tree_kib`).

    `ru_maxrss` from `wait4` is no measure of the child alone: Linux carries the parent's peak into a child
    across fork (or vfork) and exec, so every child of a harness that serves a large org would report at least
    the harness's size. `VmHWM` belongs to the child's own address space, made at exec. It only grows, so the
    last reading is the peak up to a few milliseconds before exit; `ru_maxrss` stands in when no reading was had
    (a child that ended at once).
    """
    peak = 0
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            return status, usage, peak or usage.ru_maxrss
        peak = max(peak, _status_kib(pid, "VmHWM:"), _tree_kib(pid))
        time.sleep(WATCH_SECONDS)


def _tree_kib(pid: int) -> int:
    """What the child and the processes it started hold now (`VmRSS`, summed), while it has any: a plan
    that derives in several processes is measured whole. Pages a fork still shares count in each process,
    so the sum errs high, never low."""
    helpers = _descendants(pid)
    if not helpers:
        return 0
    return sum(_status_kib(p, "VmRSS:") for p in (pid, *helpers))


def _descendants(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as listed:
            children = [int(p) for p in listed.read().split()]
    except OSError:
        return []
    return [*children, *(grand for child in children for grand in _descendants(child))]


def _status_kib(pid: int, field: str) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _progress(m: Measurement) -> None:
    """One line per run as it ends: a long run (1,000,000 people) shows what it measured so far, and what it
    measured stays in the log if it is stopped before its tables."""
    print(
        f"  {time.strftime('%H:%M:%S')} {m.label}: {m.seconds:.1f} s wall, {m.cpu_seconds:.1f} CPU s, "
        f"org {m.org_cpu_seconds:.1f} CPU s, "
        f"{m.peak_rss_mib:.0f} MiB, {m.total_calls} calls, load {os.getloadavg()[0]:.1f}",
        file=sys.stderr,
        flush=True,
    )


def scaled(measurement: Measurement, done: int, total: int) -> Measurement:
    """A run over the first `done` of `total` rows, scaled linearly (calls and times; not memory)."""
    if done >= total or done == 0:
        return measurement
    factor = total / done
    return replace(
        measurement,
        seconds=measurement.seconds * factor,
        cpu_seconds=measurement.cpu_seconds * factor,
        org_cpu_seconds=measurement.org_cpu_seconds * factor,
        calls={name: round(n * factor) for name, n in measurement.calls.items()},
        extrapolated_from=done,
    )
