from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sfsync.errors import LockedError
from sfsync.store import Store, StoreError, open_store
from sfsync.store.locks import HolderInfo

RACER = """
import pathlib, sys, time
from sfsync.errors import LockedError
from sfsync.store import open_store

url, go, release = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
store = open_store(url)
print("ready", flush=True)
while not go.exists():
    time.sleep(0.01)
try:
    with store.locks.acquire("apply"):
        print("acquired", flush=True)
        while not release.exists():
            time.sleep(0.01)
except LockedError as error:
    print(f"refused: {error}", flush=True)
    sys.exit(9)
finally:
    store.close()
"""


def test_a_second_acquirer_is_refused_with_the_holder_named(store: Store) -> None:
    holder = HolderInfo("ci-runner-7", 4242, "deploy")
    with store.locks.acquire("apply", holder) as lock:
        with pytest.raises(LockedError) as caught:
            store.locks.acquire("apply")
        message = str(caught.value)
        for part in (lock.holder.id, "ci-runner-7", "4242", "deploy", "apply", "since", "sfsync state unlock"):
            assert part in message
        assert [h.id for h in store.locks.holders()] == [lock.holder.id]
    assert store.locks.holders() == []
    with store.locks.acquire("refresh"):
        pass


def test_unlock_breaks_a_dead_lock_and_refuses_an_unknown_id(store: Store) -> None:
    lock = store.locks.acquire("apply", HolderInfo("gone-host", 1, "nobody"))
    if lock._conn is not None:
        lock._conn.invalidate()  # PostgreSQL: the holder's session ended with the process
    released = store.locks.unlock(lock.holder.id)
    assert released.host == "gone-host"
    with pytest.raises(StoreError, match="no lock with id"):
        store.locks.unlock(lock.holder.id)
    with store.locks.acquire("apply"):
        pass
    if lock._conn is None:
        lock.release()  # releasing a lock that was broken is harmless


def test_postgresql_takes_over_a_row_whose_advisory_lock_is_free(postgres_database: str) -> None:
    from unit.store.backends import empty_postgres

    url = empty_postgres(postgres_database)
    with open_store(url) as first:
        stale = first.locks.acquire("apply", HolderInfo("dead-host", 99, "ghost"))
        assert stale._conn is not None
        stale._conn.invalidate()  # the holder's session dies without cleaning up its row
        with first.locks.acquire("apply") as fresh:
            assert [h.id for h in first.locks.holders()] == [fresh.holder.id]


def _racer(tmp_path: Path, url: str, go: Path, release: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", RACER, url, str(go), str(release)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_processes_racing_for_the_lock_exactly_one_wins(store_url: str, tmp_path: Path) -> None:
    open_store(store_url).close()
    go, release = tmp_path / "go", tmp_path / "release"
    racers = [_racer(tmp_path, store_url, go, release) for _ in range(2)]
    try:
        for racer in racers:
            assert racer.stdout is not None and racer.stdout.readline().strip() == "ready"
        go.touch()
        deadline = time.monotonic() + 30
        while all(r.poll() is None for r in racers) and time.monotonic() < deadline:
            time.sleep(0.02)
        release.touch()
        outputs = [r.communicate(timeout=30) for r in racers]
    finally:
        for racer in racers:
            if racer.poll() is None:
                racer.kill()
    codes = sorted(r.returncode for r in racers)
    assert codes == [0, 9], outputs
    winner = racers[[r.returncode for r in racers].index(0)]
    loser_out = outputs[[r.returncode for r in racers].index(9)][0]
    assert f"pid {winner.pid}" in loser_out
    assert socket.gethostname() in loser_out
    assert "apply" in loser_out


def test_holder_info_describes_this_process() -> None:
    info = HolderInfo.current()
    assert info.pid == os.getpid() and info.host == socket.gethostname() and info.user


def _dead_pid() -> int:
    """The pid of a process of this host that has exited (and been reaped)."""
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, check=True)
    return int(child.stdout)


def test_a_lock_whose_process_died_on_this_host_is_taken_over(store: Store) -> None:
    dead = store.locks.acquire("plan", HolderInfo(socket.gethostname(), _dead_pid(), "ci"))
    if dead._conn is not None:
        dead._conn.invalidate()  # PostgreSQL: the process's session ended with it
    with store.locks.acquire("apply") as lock:
        assert [h.id for h in store.locks.holders()] == [lock.holder.id]


def test_a_lock_of_a_live_process_or_another_host_is_not_taken_over(store: Store) -> None:
    for holder in (HolderInfo(socket.gethostname(), os.getpid(), "ci"), HolderInfo("other-host", _dead_pid(), "ci")):
        with store.locks.acquire("plan", holder), pytest.raises(LockedError):
            store.locks.acquire("apply")
