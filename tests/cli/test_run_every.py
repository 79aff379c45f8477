"""`sfsync run --every 1s` as a process against the local org: it survives a REQUEST_LIMIT_EXCEEDED and an
expired session (the next cycle logs in again), a SIGTERM in the middle of an apply stops it with that
chunk's bookkeeping complete and the next chunk never sent, and a pause recorded by another runner of its
PostgreSQL store stops its writes until that runner resumes them."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cli_org import initech_leads

from sfsync.cli import run
from sfsync.engine.applying.runs import GUARDED_CHUNK
from sfsync.localorg.testing import LocalOrgHandle, local_org  # noqa: F401 - the shared fixture
from sfsync.store import open_store
from sfsync.store.runs import Outcome
from unit.store.backends import empty_postgres, postgres_database

__all__ = ["postgres_database"]

pytestmark = pytest.mark.org

PEOPLE = "email,last_name\npeter@initech.example,Gibbons\nmilton@initech.example,Waddams\n"
READS = r"rest\.query"
CREATES = r"rest\.(collections|sobject)\.(create|upsert)"
# A chunk's write: a Collections call, or the composite call that carries the next chunk's check.
WRITES = r"rest\.((collections|sobject)\.(create|upsert)|composite)"


class Cycles:
    """The run's NDJSON lines, read on a thread as the process writes them."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.seen: list[dict[str, Any]] = []
        self._lines: queue.Queue[str] = queue.Queue()
        assert process.stdout is not None
        stdout = process.stdout
        threading.Thread(target=lambda: [self._lines.put(line) for line in stdout], daemon=True).start()

    def until(self, wanted: Callable[[dict[str, Any]], bool], timeout: float = 60) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                event: dict[str, Any] = json.loads(self._lines.get(timeout=0.5))
            except queue.Empty:
                continue
            self.seen.append(event)
            if wanted(event):
                return event
        pytest.fail(f"no such cycle within {timeout}s; saw {self.seen}")


def _faults(org: LocalOrgHandle, endpoint: str, action: str) -> None:
    org.control("faults", "PUT", [{"match": {"endpoint": endpoint}, "action": action, "every_nth": 1}])


def _calls_to(org: LocalOrgHandle, pattern: str) -> int:
    import re

    return sum(n for name, n in org.control("calls").items() if re.fullmatch(pattern, name))


def test_run_every_survives_limits_and_expiry_and_stops_cleanly_on_sigterm(
    org_workdir: Path,
    local_org: LocalOrgHandle,  # noqa: F811
) -> None:
    config = initech_leads().replace("person_object: leads}", "person_object: leads, auto_apply: all}")
    (org_workdir / "sfsync.yaml").write_text(config, encoding="utf-8")
    (org_workdir / "people.csv").write_text(PEOPLE, encoding="utf-8")
    assert run(["workspace", "load", "people.csv", "--object", "person"]) == 0
    _faults(local_org, READS, "request_limit_exceeded")
    command = [sys.executable, "-m", "sfsync", "run", "--every", "1s", "--format", "json"]
    process = subprocess.Popen(command, cwd=org_workdir, env=dict(os.environ), stdout=subprocess.PIPE, text=True)
    try:
        cycles = Cycles(process)
        limited = cycles.until(lambda e: e["error_code"] == "REQUEST_LIMIT_EXCEEDED")
        assert limited["outcome"] == "failed" and "Limit exceeded" in limited["message"]
        _faults(local_org, READS, "expire_session")
        expired = cycles.until(lambda e: e["error_code"] == "INVALID_SESSION_ID")
        assert expired["outcome"] == "failed"
        local_org.control("faults", "PUT", [{"match": {"endpoint": CREATES}, "action": "latency_ms:1500"}])
        deadline = time.monotonic() + 60
        while _calls_to(local_org, CREATES) == 0:  # the create is in flight: Salesforce answers in 1.5s
            assert time.monotonic() < deadline and process.poll() is None
            time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
        last = cycles.until(lambda e: e["outcome"] in ("applied", "stopped"))
    finally:
        local_org.control("faults", "DELETE")
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
    assert last["rows"] == {"written": 2}  # the chunk in flight was finished and recorded
    leads = local_org.simple_salesforce().query_all("SELECT Id, Email FROM Lead WHERE Email LIKE '%initech.example'")
    ids = {r["Id"] for r in leads["records"]}
    with open_store("sqlite:///sfsync.db") as store:
        apply = store.runs.last("apply")
        assert apply is not None and apply.status == "succeeded" and apply.finished_at is not None
        written = {r.sf_id for r in store.runs.results(apply.id) if r.outcome is Outcome.WRITTEN}
        assert written == ids and len(ids) == 2
        assert all(store.ledger.values("Lead", sf_id) for sf_id in ids)
        assert [c.status for c in store.runs.recent("cycle", 10)][:1] == [last["outcome"]]
        assert all(c.finished_at is not None for c in store.runs.recent("cycle", 10))


def _looping(workdir: Path, *options: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "sfsync", "run", "--every", "1s", "--format", "json", *options]
    return subprocess.Popen(command, cwd=workdir, env=dict(os.environ), stdout=subprocess.PIPE, text=True)


def _stopped(process: subprocess.Popen[str], org: LocalOrgHandle) -> None:
    org.control("faults", "DELETE")
    if process.poll() is None:
        process.kill()
    process.wait(timeout=30)


def _project(workdir: Path, people: int) -> None:
    config = initech_leads().replace("person_object: leads}", "person_object: leads, auto_apply: all}")
    (workdir / "sfsync.yaml").write_text(config, encoding="utf-8")
    rows = "".join(f"p{n}@initech.example,Person{n}\n" for n in range(people))
    (workdir / "people.csv").write_text("email,last_name\n" + rows, encoding="utf-8")
    assert run(["workspace", "load", "people.csv", "--object", "person"]) == 0


def _lead_ids(org: LocalOrgHandle) -> set[str]:
    found = org.simple_salesforce().query_all("SELECT Id FROM Lead WHERE Email LIKE '%initech.example'")
    return {r["Id"] for r in found["records"]}


def test_sigterm_during_the_first_of_two_chunks_records_it_whole_and_sends_no_other(
    org_workdir: Path,
    local_org: LocalOrgHandle,  # noqa: F811
) -> None:
    _project(org_workdir, GUARDED_CHUNK + 2)  # two chunks of creates (applying/runs): GUARDED_CHUNK, then 2
    local_org.control("faults", "PUT", [{"match": {"endpoint": WRITES}, "action": "latency_ms:1500"}])
    process = _looping(org_workdir)
    try:
        cycles = Cycles(process)
        deadline = time.monotonic() + 120
        while _calls_to(local_org, WRITES) == 0:  # the first chunk is in flight
            assert time.monotonic() < deadline and process.poll() is None
            time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=120) == 0
        last = cycles.until(lambda e: e["outcome"] in ("applied", "stopped"))
        assert _calls_to(local_org, WRITES) == 1  # the second chunk was never sent
    finally:
        _stopped(process, local_org)
    assert (last["outcome"], last["rows"], last["pending"]) == ("stopped", {"written": GUARDED_CHUNK}, 2)
    ids = _lead_ids(local_org)
    with open_store("sqlite:///sfsync.db") as store:
        apply = store.runs.last("apply")
        assert apply is not None and apply.status == "interrupted" and apply.finished_at is not None
        recorded = [r.sf_id for r in store.runs.results(apply.id) if r.outcome is Outcome.WRITTEN]
        assert len(recorded) == len(ids) == GUARDED_CHUNK and set(recorded) == ids  # the chunk whole, none missing
        (cycle,) = store.runs.recent("cycle", 10)
        assert (cycle.status, cycle.finished_at is not None) == ("stopped", True)


@pytest.mark.postgres
def test_a_pause_by_another_runner_of_the_postgres_store_stops_the_loop_writing_until_resumed(
    org_workdir: Path,
    local_org: LocalOrgHandle,  # noqa: F811
    postgres_database: str,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = empty_postgres(postgres_database)
    monkeypatch.setenv("SFSYNC_STORE", url)
    _project(org_workdir, 2)
    elsewhere = tmp_path_factory.mktemp("ops")  # another machine's checkout: no config, the same store

    def other_runner(*argv: str) -> None:
        done = subprocess.run(
            [sys.executable, "-m", "sfsync", *argv, "--store", url],
            cwd=elsewhere, env=dict(os.environ), capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr

    other_runner("pause", "--reason", "incident 7")
    process = _looping(org_workdir)
    try:
        cycles = Cycles(process)
        cycles.until(lambda e: e["outcome"] == "paused")
        second = cycles.until(lambda e: e["outcome"] == "paused")  # cycle after cycle, nothing written
        assert (second["pending"], second["rows"], "incident 7" in second["message"]) == (2, {}, True)
        assert _lead_ids(local_org) == set()
        other_runner("resume")
        applied = cycles.until(lambda e: e["outcome"] == "applied")
        assert applied["rows"] == {"written": 2}
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
    finally:
        _stopped(process, local_org)
    assert len(_lead_ids(local_org)) == 2
    assert not (org_workdir / "sfsync.db").exists()  # every cycle used the shared store
