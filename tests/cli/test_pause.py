"""`sfsync pause` stops writes for every runner of a PostgreSQL store: a second project's run and apply
write nothing, and an apply already writing stops after the chunk in flight, that chunk recorded."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_org import initech_leads

from sfsync.cli import run
from sfsync.engine.applying.runs import GUARDED_CHUNK
from sfsync.errors import ExitCode
from sfsync.localorg.testing import LocalOrgHandle, local_org  # noqa: F401 - the shared fixture
from sfsync.store import open_store
from sfsync.store.runs import Outcome
from unit.store.backends import empty_postgres, postgres_database

__all__ = ["postgres_database"]

pytestmark = [pytest.mark.org, pytest.mark.postgres]

# A chunk of creates that carries the next chunk's check is a composite request (engine/applying/pipeline).
CREATES = r"rest\.((collections|sobject)\.(create|upsert)|composite)"


@pytest.fixture
def shared_store(org_workdir: Path, postgres_database: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """One PostgreSQL store for every runner (SFSYNC_STORE), and a project writing Leads by itself."""
    url = empty_postgres(postgres_database)
    monkeypatch.setenv("SFSYNC_STORE", url)
    config = initech_leads().replace("person_object: leads}", "person_object: leads, auto_apply: all}")
    (org_workdir / "sfsync.yaml").write_text(config, encoding="utf-8")
    return url


def _people(workdir: Path, count: int) -> None:
    rows = "".join(f"p{n}@initech.example,Person{n}\n" for n in range(count))
    (workdir / "people.csv").write_text("email,last_name\n" + rows, encoding="utf-8")
    assert run(["workspace", "load", "people.csv", "--object", "person"]) == 0


def _lead_count(org: LocalOrgHandle) -> int:
    found = org.simple_salesforce().query("SELECT COUNT() FROM Lead WHERE Email LIKE '%initech.example'")
    return int(found["totalSize"])


def test_a_pause_from_one_runner_stops_the_other(
    shared_store: str,
    org_workdir: Path,
    local_org: LocalOrgHandle,  # noqa: F811
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _people(org_workdir, 2)
    elsewhere = tmp_path_factory.mktemp("ops")  # another machine's checkout: no config, the same store
    paused = subprocess.run(
        [sys.executable, "-m", "sfsync", "pause", "--reason", "incident 7", "--store", shared_store],
        cwd=elsewhere, env=dict(os.environ), capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert paused.returncode == 0 and "Writes paused by " in paused.stdout
    capsys.readouterr()
    assert run(["run", "--once"]) == 0
    assert "cycle 1 paused: 2 planned, 2 pending" in capsys.readouterr().out
    assert run(["apply", "--auto-approve"]) == ExitCode.PAUSED
    assert "(incident 7)" in capsys.readouterr().err
    assert _lead_count(local_org) == 0
    assert run(["resume"]) == 0
    assert run(["run", "--once"]) == 0
    assert "cycle 1 applied: 2 planned, 0 pending, 2 written" in capsys.readouterr().out
    assert _lead_count(local_org) == 2


def test_an_apply_in_flight_stops_after_its_chunk_when_paused(
    shared_store: str,
    org_workdir: Path,
    local_org: LocalOrgHandle,  # noqa: F811
) -> None:
    _people(org_workdir, GUARDED_CHUNK + 1)  # two chunks of creates: 199 (updates are guarded), then 1
    local_org.control("faults", "PUT", [{"match": {"endpoint": CREATES}, "action": "latency_ms:1500"}])
    command = [sys.executable, "-m", "sfsync", "apply", "--auto-approve"]
    apply = subprocess.Popen(command, cwd=org_workdir, env=dict(os.environ), stdout=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not any(name.startswith("rest.composite") for name in local_org.control("calls")):
            assert time.monotonic() < deadline and apply.poll() is None
            time.sleep(0.05)
        with open_store(shared_store) as store:  # the first chunk is in flight
            store.pause.pause("ops@elsewhere", "stop now")
        assert apply.wait(timeout=120) == ExitCode.PAUSED
    finally:
        local_org.control("faults", "DELETE")
        if apply.poll() is None:
            apply.kill()
        apply.wait(timeout=30)
    assert _lead_count(local_org) == GUARDED_CHUNK
    with open_store(shared_store) as store:
        last = store.runs.last("apply")
        assert last is not None and last.status == "interrupted" and last.finished_at is not None
        # the chunk in flight, all recorded
        assert store.runs.outcome_counts(last.id) == {Outcome.WRITTEN: GUARDED_CHUNK}
