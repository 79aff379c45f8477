"""Two `sfsync apply` processes on one store, on SQLite and on PostgreSQL: exactly one runs.

The other exits 1 naming the holder (host, pid, operation, lock id), and no record is written twice.
The org answers queries slowly so that the winner still holds the lock when the loser asks for it.
A holder killed with SIGKILL leaves a lock that names it until `sfsync state unlock` (SQLite) or
that is freed with its session (PostgreSQL).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from sfsync.cli import run
from sfsync.localorg.testing import LocalOrgHandle, local_org
from unit.store.backends import empty_postgres, postgres_database

__all__ = ["local_org", "postgres_database"]
pytestmark = pytest.mark.org
ROOT = Path(__file__).resolve().parents[2]
SLOW_QUERIES = [{"match": {"endpoint": r"rest\.query.*"}, "action": "latency_ms:1500"}]


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'state' / 'sfsync.db'}"
    return empty_postgres(request.getfixturevalue("postgres_database"))


@pytest.fixture
def workdir(local_org: LocalOrgHandle, tmp_path: Path, store_url: str) -> Iterator[tuple[Path, dict[str, str]]]:
    local_org.reset()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "SF_INSTANCE_URL": local_org.instance_url,
        "SF_USERNAME": local_org.username,
        "SF_PASSWORD": local_org.password,
        "SF_SECURITY_TOKEN": local_org.security_token,
        "SF_CA_BUNDLE": str(local_org.ca_file),
        "SFSYNC_STORE": store_url,
        "NO_COLOR": "1",
    }
    (tmp_path / "sfsync.yaml").write_text((ROOT / "examples" / "quickstart" / "sfsync.yaml").read_text("utf-8"))
    for name, kind in (("companies", "company"), ("people", "person")):
        path = ROOT / "examples" / "data" / f"{name}.csv"
        assert run(["workspace", "load", str(path), "--object", kind, "--store", store_url]) == 0
    yield tmp_path, env
    local_org.reset()


def _apply(work: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "sfsync", "apply", "--auto-approve"],
        cwd=work,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _leads_per_email(local_org: LocalOrgHandle) -> Counter[str]:
    sf = local_org.simple_salesforce()
    rows = sf.query_all("SELECT Email FROM Lead WHERE Email != null")["records"]
    return Counter(str(row["Email"]).lower() for row in rows)


def test_two_applies_at_once_exactly_one_runs_and_names_the_other(
    local_org: LocalOrgHandle, workdir: tuple[Path, dict[str, str]]
) -> None:
    work, env = workdir
    before = _leads_per_email(local_org)
    local_org.control("faults", "PUT", SLOW_QUERIES)
    racers = [_apply(work, env) for _ in range(2)]
    outputs = [racer.communicate(timeout=300) for racer in racers]
    local_org.control("faults", "DELETE")
    codes = [racer.returncode for racer in racers]
    assert sorted(codes) == [0, 1], outputs
    winner, loser = (0, 1) if codes[0] == 0 else (1, 0)
    refusal = outputs[loser][1]
    assert "the store is locked" in refusal and "apply by" in refusal, refusal
    assert f"(pid {racers[winner].pid})" in refusal and socket.gethostname() in refusal
    assert "sfsync state unlock" in refusal and "Apply complete" in outputs[winner][0]
    after = _leads_per_email(local_org)
    assert max(after.values()) == 1 and sum(after.values()) > sum(before.values())
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        patch.chdir(work)
        assert run(["plan", "--detailed-exitcode"]) == 0  # the winner wrote everything, once


def test_a_killed_holders_lock_is_taken_over_by_the_next_operation(
    local_org: LocalOrgHandle, workdir: tuple[Path, dict[str, str]], capfd: pytest.CaptureFixture[str]
) -> None:
    """SQLite: its process is gone from this host; PostgreSQL: its session ended. No `state unlock` needed."""
    work, env = workdir
    local_org.control("faults", "PUT", SLOW_QUERIES)
    holder = _apply(work, env)
    deadline = time.monotonic() + 120
    while not _has_lock(env["SFSYNC_STORE"]) and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1.0)  # mid-plan: the org answers each query 1.5 s late
    holder.send_signal(signal.SIGKILL)
    holder.communicate(timeout=30)
    local_org.control("faults", "DELETE")
    assert _has_lock(env["SFSYNC_STORE"])  # the kill left the holder's row behind
    second = _apply(work, env)
    out, err = second.communicate(timeout=300)
    assert second.returncode == 0 and "the store is locked" not in err, (out, err)
    capfd.readouterr()
    assert max(_leads_per_email(local_org).values()) == 1


def _has_lock(store_url: str) -> bool:
    from sfsync.store import open_store

    with open_store(store_url) as store:
        return bool(store.locks.holders())
