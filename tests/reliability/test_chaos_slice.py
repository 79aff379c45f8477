"""The bounded chaos slice CI runs (one seeded run of each variant), and the checker that judges every run.

`make chaos` plays the full campaign (`python -m tests.reliability.chaos --runs 200`); the same run
is here as a `slow` test, which runs only when selected with `-m slow`.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from .invariants import check
from .org_process import OrgProcess
from .scenario import VARIANTS
from .world import Variant, build_world

pytestmark = pytest.mark.org
ROOT = Path(__file__).resolve().parents[2]


def _chaos(tmp_path: Path, *args: str, timeout: float) -> tuple[list[dict[str, object]], str]:
    results = tmp_path / "results.json"
    command = [sys.executable, "-m", "tests.reliability.chaos", *args, "--json", str(results)]
    finished = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False)
    assert finished.returncode == 0, finished.stdout[-4000:] + finished.stderr[-4000:]
    return json.loads(results.read_text("utf-8")), finished.stdout


def test_the_bounded_slice_keeps_both_promises(tmp_path: Path) -> None:
    postgres = os.environ.get("SFSYNC_TEST_SKIP_POSTGRES") != "1"
    every = "2" if postgres else "0"
    runs, output = _chaos(tmp_path, "--runs", "5", "--people", "24", "--postgres-every", every, timeout=170)
    assert {str(run["variant"]) for run in runs} == {v.describe() for v in VARIANTS}
    assert {str(run["store"]) for run in runs} == ({"sqlite", "postgresql"} if postgres else {"sqlite"})
    for run in runs:
        findings = run["findings"]
        assert isinstance(findings, dict)
        assert findings == {"duplicates": [], "overwrites": [], "unwritten": []}, run
        assert run["converged"] and run["crashes"] == [] and int(str(run["reruns"])) <= 3, run
    assert sum(int(str(run["faults_fired"])) for run in runs) > 0
    assert "duplicates: 0" in output and "overwritten_human_values: 0" in output


@pytest.mark.slow
def test_the_full_chaos_run(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    if "slow" not in str(request.config.getoption("markexpr")):
        pytest.skip("the full chaos run: select it with -m slow, or run `make chaos`")
    runs, output = _chaos(tmp_path, "--runs", "200", timeout=4 * 3600)
    assert len(runs) == 200 and "duplicates: 0" in output and "overwritten_human_values: 0" in output


def test_the_checker_sees_duplicates_overwrites_and_unwritten_records(tmp_path: Path) -> None:
    world = build_world(random.Random(7), Variant("leads", "rest"), 12)
    person = world.in_scope[0]
    org = OrgProcess(tmp_path / "org")
    try:
        store = f"sqlite:///{tmp_path / 'state.db'}"
        values = {"Email": person.email, "LastName": "Human", "Company": "Human Co", "Title": "Set by hand"}
        first = org.create_as_human("Lead", values)
        world.human_made.add(("Lead", first))
        world.remember("Lead", first, values)
        assert check(org, store, world).duplicates == []
        org.control("records/Lead", "POST", {"values": {"Email": person.email, "LastName": "Again", "Company": "X"}})
        org.control(f"records/Lead/{first}", "PATCH", {"values": {"Title": "Changed by sync"}})
        findings = check(org, store, world)
    finally:
        org.stop()
    assert findings.duplicates == [f"2 records for {person.email}: " + findings.duplicates[0].split(": ", 1)[1]]
    assert findings.overwrites == [f"Lead {first}: Title 'Set by hand' became 'Changed by sync'"]
    assert any(f"no record for in-scope {p.email}" in findings.unwritten for p in world.in_scope[1:])
