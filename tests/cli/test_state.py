from __future__ import annotations

import json
from pathlib import Path

import pytest

from sfsync.cli import run
from sfsync.store import open_store
from sfsync.store.locks import HolderInfo
from unit.store.backends import postgres_database, store_url

__all__ = ["postgres_database", "store_url"]

DATA = Path(__file__).parents[2] / "tests" / "data" / "workspace"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SFSYNC_STORE", raising=False)


def test_show_prints_lineage_serial_counts_and_last_run(store_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    with open_store(store_url) as store:
        lineage = store.meta.version().lineage
        store.meta.record_applied_config("d1", "{}")
        run_ = store.runs.start("apply")
        store.runs.finish(run_.id, "succeeded", {"written": 3})
    run(["workspace", "load", str(DATA / "companies-good.jsonl"), "--object", "company", "--store", store_url])
    capsys.readouterr()
    assert run(["state", "show", "--store", store_url]) == 0
    text = capsys.readouterr().out
    assert f"lineage:   {lineage}\n" in text
    assert "serial:    2\n" in text  # the applied config, then the workspace load
    assert "workspace: 3 companies, 0 people\n" in text
    assert "last run:  apply succeeded" in text and "(written 3)" in text and run_.id in text
    assert "lock:      none\n" in text
    assert run(["state", "show", "--store", store_url, "--format", "json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["lineage"], summary["serial"], summary["workspace"]) == (lineage, 2, {"company": 3, "person": 0})
    assert summary["last_run"]["counts"] == {"written": 3}
    assert (summary["last_run"]["operation"], summary["last_run"]["outcome"]) == ("apply", "succeeded")


def test_show_hides_a_password_in_the_store_url(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["state", "show", "--store", "postgresql://sfsync:s3cret@127.0.0.1:1/none"]) == 1
    err = capsys.readouterr().err
    assert "s3cret" not in err and "***" in err


def test_unlock_breaks_a_dead_lock(store_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    with open_store(store_url) as store:
        lock = store.locks.acquire("apply", HolderInfo("ci-runner-3", 4711, "deploy"))
        if lock._conn is not None:
            lock._conn.invalidate()  # the holder died: its PostgreSQL session is gone
    assert run(["state", "show", "--store", store_url]) == 0
    assert f"lock:      lock {lock.holder.id}: apply by deploy@ci-runner-3 (pid 4711)" in capsys.readouterr().out
    assert run(["state", "unlock", lock.holder.id, "--store", store_url]) == 0
    assert capsys.readouterr().out.startswith(f"released lock {lock.holder.id}: apply by deploy@ci-runner-3")
    assert run(["state", "unlock", lock.holder.id, "--store", store_url]) == 1
    assert capsys.readouterr().err == f"error: no lock with id {lock.holder.id}\n"
    with open_store(store_url) as store, store.locks.acquire("apply"):
        pass
