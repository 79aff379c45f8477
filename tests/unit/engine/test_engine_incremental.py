"""Incremental plans equal plans derived from scratch, over random histories (hypothesis).

A history is a run of workspace loads, Salesforce edits (through the fake port), config changes and
applies on one real SQLite store, and plans of other configs (a pull request's) thrown away. After
every step the plan made with the derivation cache is compared with the plan a copy of the store
makes from scratch (its caches cleared, every object read again from the start): the same changes,
skips, play entries and diagnostics. So neither a cache, adopted or not, nor a read kept by a plan of
a config not applied yet may leave a plan other than the one the org and the workspace give.
`HYPOTHESIS_PROFILE=full` runs many more histories.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Set
from pathlib import Path
from typing import Any

import pytest
from engine_support import SFSYNC_FIELDS, config_applied
from fake_port import FakePort
from history_support import (
    CONFIGS,
    DOMAINS,
    EMAILS,
    STEPS,
    History,
    derived,
    salesforce_steps,
    workspace_steps,
    write_config,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sfsync.catalogue import Kind
from sfsync.engine.planning.planner import make_plan
from sfsync.store import open_store
from sfsync.store.derivations import DerivationsSection
from sfsync.store.workspace import WorkspaceSection

EXAMPLES = 400 if os.environ.get("HYPOTHESIS_PROFILE") == "full" else 12


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    start=st.lists(st.one_of(workspace_steps, salesforce_steps), max_size=8),
    steps=st.lists(STEPS, min_size=1, max_size=12),
    first=st.integers(0, len(CONFIGS) - 1),
    applied=st.booleans(),
)
def test_incremental_plans_equal_plans_from_scratch(
    start: list[tuple[Any, ...]], steps: list[tuple[Any, ...]], first: int, applied: bool
) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        store = open_store(f"sqlite:///{folder / 'sfsync.db'}")
        try:
            history = History(
                folder,
                store,
                FakePort({n: SFSYNC_FIELDS for n in ("Account", "Contact", "Lead")}),
                write_config(folder, first),
            )
            for step in start:  # a workspace and an org to begin with, so that edits meet people
                history.step(step)
            if applied:  # else plans stay speculative (nothing recorded) until the first apply
                config_applied(store, history.loaded)
            for step in steps:
                history.step(step)
                history.compare()
        finally:
            store.close()


def _history(folder: Path) -> History:
    """A store with a company, two people (one of them its) and a Contact of another person, applied config."""
    port = FakePort({n: SFSYNC_FIELDS for n in ("Account", "Contact", "Lead")})
    history = History(folder, open_store(f"sqlite:///{folder / 'sfsync.db'}"), port, write_config(folder, 1))
    for step in (("company", DOMAINS[0], "Acme"), ("person", EMAILS[0], "CTO", DOMAINS[0]),
                 ("person", EMAILS[4], None, None), ("seed", "Contact", EMAILS[1], "Boss")):  # fmt: skip
        history.step(step)
    config_applied(history.store, history.loaded)
    return history


def test_a_plan_in_which_nothing_moved_reads_no_record_ids_and_equals_the_one_before(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with tempfile.TemporaryDirectory() as name:
        history = _history(Path(name))
        try:
            before = make_plan(history.port, history.store, history.loaded)
            assert before.changes and before.skips
            monkeypatch.setattr(WorkspaceSection, "ordered", _refused)
            monkeypatch.setattr(DerivationsSection, "record_outputs", _refused)
            again = make_plan(history.port, history.store, history.loaded)
            assert derived(again) == derived(before)
            assert (again.derivation.people_derived, again.derivation.companies_derived) == (0, 0)
        finally:
            history.store.close()


def test_a_plan_after_one_edit_asks_for_the_ids_of_that_records_cluster_only(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[set[str]] = []
    ordered = WorkspaceSection.ordered

    def recording(section: WorkspaceSection, kind: Kind, ids: Set[str]) -> list[str]:
        asked.append(set(ids))
        return ordered(section, kind, ids)

    with tempfile.TemporaryDirectory() as name:
        history = _history(Path(name))
        try:
            make_plan(history.port, history.store, history.loaded)
            monkeypatch.setattr(WorkspaceSection, "ordered", recording)
            history.step(("person", EMAILS[4], "Boss", None))  # a person without a company: its own cluster
            plan = history.compare()  # equal to the plan from scratch
            assert [len(ids) for ids in asked if ids] == [1]
            assert (plan.derivation.people_derived, plan.derivation.companies_derived) == (1, 0)
        finally:
            history.store.close()


def _refused(*_args: object) -> list[str]:
    raise AssertionError("a plan in which nothing moved read every record")
