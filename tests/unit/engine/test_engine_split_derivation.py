"""A plan derived in several processes is the plan of one process, byte for byte, and so is its cache.

Random workspaces and orgs (hypothesis, `history_support.py`) on a real SQLite file: the same store
copied twice, one copy planned in one process, the other in 2 or 3 (`SPLIT_FROM` lowered so that
a handful of records split); their plans' JSON and their derivation caches must be equal. Then what
the split must survive: a share whose process fails, a record removed after the route was written.
"""

from __future__ import annotations

import copy
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from engine_support import SFSYNC_FIELDS, config_applied
from fake_port import FakePort
from history_support import (
    CONFIGS,
    DOMAINS,
    EMAILS,
    History,
    copy_store,
    derived,
    salesforce_steps,
    workspace_steps,
    write_config,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sfsync.catalogue import Kind
from sfsync.engine.applying.applier import apply_plan
from sfsync.engine.planning import shares, split_derivation
from sfsync.engine.planning.planner import make_plan
from sfsync.engine.plans.codec import encode
from sfsync.errors import UsageError
from sfsync.store import Store, open_store
from unit.store.backends import postgres_database, store_url

__all__ = ["postgres_database", "store_url"]  # the backends' fixtures
EXAMPLES = 200 if os.environ.get("HYPOTHESIS_PROFILE") == "full" else 10
pytestmark = pytest.mark.skipif(split_derivation.processes({"SFSYNC_PROCESSES": "2"}) < 2, reason="no fork here")


MERGED: list[int] = []  # the parts of each split put together (none: every plan fell back to one process)


@pytest.fixture(autouse=True)
def _small_plans_split(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(split_derivation, "SPLIT_FROM", 1)
    merge = shares.merge

    def counted(work: Path, parts: int, sink: Any) -> None:
        MERGED.append(parts)
        merge(work, parts, sink)

    monkeypatch.setattr(shares, "merge", counted)


def _planned(history: History, name: str, processes: int, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    """A copy of the history's store planned in `processes` processes: the plan's JSON, the cache's rows."""
    monkeypatch.setenv("SFSYNC_PROCESSES", str(processes))
    store = copy_store(history.folder / "sfsync.db", history.folder / name)
    try:
        plan = make_plan(history.port, store, history.loaded)
        return _json(plan), store.derivations.cached()
    finally:
        store.close()


def _json(plan: Any) -> Any:
    form = encode(plan)
    form["fingerprint"].pop("created_at", None)  # the moment each plan was made
    return json.dumps(form, sort_keys=True, default=str)


def _history(folder: Path, config: int, steps: list[tuple[Any, ...]], url: str | None = None) -> History:
    port = FakePort({n: SFSYNC_FIELDS for n in ("Account", "Contact", "Lead")})
    store = open_store(url or f"sqlite:///{folder / 'sfsync.db'}")
    history = History(folder, store, port, write_config(folder, config))
    for step in steps:
        history.step(step)
    config_applied(history.store, history.loaded)  # recorded plans: never speculative, so they may split
    return history


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    steps=st.lists(st.one_of(workspace_steps, workspace_steps, salesforce_steps), min_size=1, max_size=14),
    config=st.integers(0, len(CONFIGS) - 1),
    processes=st.sampled_from((2, 3)),
)
def test_a_plan_derived_in_several_processes_is_the_plan_of_one(
    steps: list[tuple[Any, ...]], config: int, processes: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    with tempfile.TemporaryDirectory() as name:
        history = _history(Path(name), config, steps)
        try:
            alone = _planned(history, "alone.db", 1, monkeypatch)
            MERGED.clear()
            split = _planned(history, "split.db", processes, monkeypatch)
            assert split == alone
            records = json.loads(split[0])["derivation"]
            assert ([processes] if records["people"] or records["companies"] else []) == MERGED  # not fallen back
        finally:
            history.store.close()


def _crowded(folder: Path, url: str | None = None) -> History:
    """Contacts mode, companies with people (whose visits create their Account), people on their own."""
    steps: list[tuple[Any, ...]] = [("company", domain, domain.split(".")[0].title()) for domain in DOMAINS]
    steps += [("person", email, "CTO", DOMAINS[i % len(DOMAINS)]) for i, email in enumerate(EMAILS)]
    steps += [("seed", "Contact", EMAILS[1], "Boss"), ("seed", "Account", DOMAINS[1], None)]
    return _history(folder, 0, steps, url)


def test_on_each_backend_a_plan_split_is_the_plan_of_one(
    store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    history = _crowded(tmp_path, store_url)
    try:
        found = []
        for processes in (1, 3):
            monkeypatch.setenv("SFSYNC_PROCESSES", str(processes))
            history.store.derivations.clear()  # from scratch each time: every record derived
            for sobject in ("Account", "Contact", "Lead", "Opportunity"):
                history.store.mirror.reset_watermark(sobject)
            MERGED.clear()
            plan = make_plan(history.port, history.store, history.loaded)
            found.append((derived(plan), history.store.derivations.cached(), list(MERGED)))
        (alone, alone_cache, _), (split, split_cache, merged) = found
        assert (split, split_cache, merged) == (alone, alone_cache, [3])
        assert plan.changes
    finally:
        history.store.close()


@pytest.mark.parametrize("processes", [2, 3, 4])
def test_a_company_and_its_people_derive_in_one_share(processes: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Split apart, two people of one company would each create its Account (a duplicate)."""
    with tempfile.TemporaryDirectory() as name:
        history = _crowded(Path(name))
        try:
            alone = _planned(history, "alone.db", 1, monkeypatch)
            MERGED.clear()
            assert _planned(history, "split.db", processes, monkeypatch) == alone
            assert [processes] == MERGED
            keys = [change["key"] for change in json.loads(alone[0])["changes"]]
            assert len([k for k in keys if k.startswith("Account/")]) == 2 and len(keys) == len(set(keys))
        finally:
            history.store.close()


def _applied(history: History, name: str, processes: int, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, ...]:
    """A copy of the history's store, planned, applied (its settling derivation split too) and planned
    again, in `processes` processes: the cache after apply and the plan after it."""
    monkeypatch.setenv("SFSYNC_PROCESSES", str(processes))
    store = copy_store(history.folder / "sfsync.db", history.folder / name)
    port = copy.deepcopy(history.port)
    try:
        apply_plan(port, store, history.loaded, make_plan(port, store, history.loaded))
        settled = store.derivations.cached()
        return settled, derived(make_plan(port, store, history.loaded))
    finally:
        store.close()


def test_apply_settles_the_cache_in_several_processes_as_in_one(monkeypatch: pytest.MonkeyPatch) -> None:
    with tempfile.TemporaryDirectory() as name:
        history = _crowded(Path(name))
        try:
            alone = _applied(history, "alone.db", 1, monkeypatch)
            MERGED.clear()
            assert _applied(history, "split.db", 3, monkeypatch) == alone
            assert MERGED == [3, 3]  # the first plan, and apply's settling (the next plan derives nothing)
            assert alone[0] and not alone[1][0]  # a cache of something, and nothing left to write after
        finally:
            history.store.close()


def test_a_share_that_fails_is_derived_again_in_the_first_process(monkeypatch: pytest.MonkeyPatch) -> None:
    derive_share = shares.derive_share

    def failing(*args: Any) -> None:
        if args[5] == 1:  # the share of the second process (forked: it runs this patched module too)
            raise RuntimeError("share lost")
        derive_share(*args)

    with tempfile.TemporaryDirectory() as name:
        history = _crowded(Path(name))
        try:
            alone = _planned(history, "alone.db", 1, monkeypatch)
            monkeypatch.setattr(shares, "derive_share", failing)
            MERGED.clear()
            fallen_back = _planned(history, "split.db", 2, monkeypatch)
            assert fallen_back == alone
            assert not MERGED
            assert json.loads(alone[0])["changes"]  # the comparison is of a plan that writes something
        finally:
            history.store.close()


def test_a_failure_in_the_first_process_stops_the_others_and_is_the_plans(monkeypatch: pytest.MonkeyPatch) -> None:
    derive_share = shares.derive_share
    children: list[int] = []
    fork = split_derivation._fork

    def forked(*args: Any) -> int:
        children.append(fork(*args))
        return children[-1]

    def failing(*args: Any) -> None:
        if args[5] == 0:  # the first process's own share: what one process would have raised
            raise RuntimeError("the first share failed")
        time.sleep(30)  # a share still running: stopped, not waited for
        derive_share(*args)

    with tempfile.TemporaryDirectory() as name:
        history = _crowded(Path(name))
        try:
            monkeypatch.setattr(shares, "derive_share", failing)
            monkeypatch.setattr(split_derivation, "_fork", forked)
            monkeypatch.setenv("SFSYNC_PROCESSES", "3")
            started = time.monotonic()
            with pytest.raises(RuntimeError, match="the first share failed"):
                make_plan(history.port, history.store, history.loaded)
            assert len(children) == 2 and time.monotonic() - started < 20
            for pid in children:  # reaped already: no process of the plan is left
                with pytest.raises(ChildProcessError):
                    os.waitpid(pid, os.WNOHANG)
        finally:
            history.store.close()


def test_a_record_removed_after_the_route_is_passed_over(monkeypatch: pytest.MonkeyPatch) -> None:
    write_route = split_derivation._write_route
    removed: list[str] = []

    def then_removed(store: Store, work: Path, parts: int) -> Any:
        counts = write_route(store, work, parts)
        person = next(r for r in store.workspace.records(Kind.PERSON) if r.key == EMAILS[0])
        store.workspace.remove(Kind.PERSON, person.id)  # committed: every share's process sees it gone
        removed.append(person.id)
        return counts

    with tempfile.TemporaryDirectory() as name:
        history = _crowded(Path(name))
        try:
            monkeypatch.setattr(split_derivation, "_write_route", then_removed)
            monkeypatch.setenv("SFSYNC_PROCESSES", "3")
            store = copy_store(history.folder / "sfsync.db", history.folder / "split.db")
            try:
                split = make_plan(history.port, store, history.loaded)
                assert removed
                store.derivations.clear()  # the same store, now without the person, derived from scratch
                monkeypatch.setenv("SFSYNC_PROCESSES", "1")
                assert derived(split) == derived(make_plan(history.port, store, history.loaded))
            finally:
                store.close()
            assert split.changes and removed[0] not in _json(split)
        finally:
            history.store.close()


def test_the_processes_come_from_the_environment_or_the_cpus() -> None:
    assert split_derivation.processes({"SFSYNC_PROCESSES": "3"}) == 3
    cpus = min(split_derivation.MOST_PROCESSES, len(os.sched_getaffinity(0)))
    assert split_derivation.processes({}) == cpus
    for bad in ("0", "two", "-1", "1.5"):
        with pytest.raises(UsageError, match="SFSYNC_PROCESSES"):
            split_derivation.processes({"SFSYNC_PROCESSES": bad})
