"""Apply's bookkeeping written as sets records what it recorded row by row, on both store backends.

The same plan is applied twice from the same org state, once with every store write made row by row
through SQLAlchemy (the reference) and once through the driver's bulk paths; the links, ledger, mirror,
intents, runs, row results and standing rejections then hold the same rows. Records sfsync created get
new Ids in each run, so an Id is compared by the workspace record linked to it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from engine_support import LEADS, add_companies, add_people

from sfsync.engine.applying.applier import apply_plan
from sfsync.engine.planning.planner import make_plan
from sfsync.localorg import seeding
from sfsync.store import Store, open_store
from unit.store.backends import empty_postgres, postgres_database, store_url  # noqa: F401 - fixtures
from unit.store.row_by_row import dump, row_by_row

pytestmark = pytest.mark.org

PEOPLE = 30  # one chunk per object on the REST path would be 200: these stay in one chunk


@pytest.fixture
def fresh_store(store_url: str, tmp_path: Path) -> Iterator[Callable[[], Store]]:  # noqa: F811
    """Makes an empty store on the backend under test (PostgreSQL: the database emptied, earlier stores closed)."""
    opened: list[Store] = []

    def fresh() -> Store:
        if store_url.startswith("sqlite"):
            opened.append(open_store(f"sqlite:///{tmp_path / f'store-{len(opened)}.db'}"))
            return opened[-1]
        for earlier in opened:
            earlier.close()
        opened.append(open_store(empty_postgres(store_url)))
        return opened[-1]

    yield fresh
    for item in opened:
        item.close()


def _apply(org: Any, store: Store, write_config: Any) -> dict[str, list[dict[str, Any]]]:
    add_companies(store, {"domain": "acme.example", "name": "Acme Corp", "intent_level": "High"})
    people = [
        {"email": f"p{n}@acme.example", "last_name": f"Person {n}", "title": "CTO", "company_domain": "acme.example"}
        for n in range(PEOPLE)
    ]
    add_people(store, *people)
    port, loaded = org.port(), write_config(LEADS)
    plan = make_plan(port, store, loaded)
    # After the plan: a person's edit on a planned update (a conflict, the rest written) and a Lead
    # that appeared for a planned create (not sent).
    updated = next(c for c in plan.changes if c.sf_id and c.sobject == "Lead")
    org.edit("Lead", str(updated.sf_id), Title="Chief of Staff")
    appeared = next(c for c in plan.changes if c.sf_id is None and c.workspace.label != updated.workspace.label)
    org.create("Lead", LastName="Early", Company="Acme", Email=appeared.workspace.label)
    report = apply_plan(port, store, loaded, plan)
    assert {"written", "conflict"} <= set(report.counts())
    # The plan's read is kept now (a store that never applied a config): which records share the watermark's
    # second depends on the clock.
    return _by_workspace(dump(store, volatile=("system_modstamp", "last_modified_date", "ids_at_stamp")))


def _by_workspace(tables: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """Each Salesforce Id named by the workspace record linked to it (created records differ per run)."""
    names = {row["sf_id"]: f"{row['kind']}:{row['workspace_id']}:{row['object']}" for row in tables["link"]}

    def named(value: Any) -> Any:
        if isinstance(value, str):
            return names.get(value, value)
        if isinstance(value, dict):
            return {k: named(v) for k, v in value.items() if k not in ("SystemModstamp", "LastModifiedDate")}
        if isinstance(value, list):
            return [named(v) for v in value]
        return value

    return {name: sorted((named(row) for row in rows), key=repr) if name != "row_result" else [named(r) for r in rows]
            for name, rows in tables.items()}  # fmt: skip


def _people_leads(org: Any) -> None:
    """A few of the people already Leads, made by a person with another Title (updates to plan)."""
    for n in range(0, PEOPLE, 3):
        org.create("Lead", LastName=f"Person {n}", Company="Acme", Email=f"p{n}@acme.example", Title="VP")


def test_set_based_bookkeeping_records_what_row_by_row_did(
    org: Any, local_org: Any, fresh_store: Callable[[], Store], write_config: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _people_leads(org)
    with monkeypatch.context() as patched:
        row_by_row(patched)
        expected = _apply(org, fresh_store(), write_config)
    seeding.reset(local_org.running.app.org)  # the org as before the first apply
    _people_leads(org)
    assert _apply(org, fresh_store(), write_config) == expected
    # Every person but the conflict linked, besides the org's own records the plan's kept read linked.
    assert len(expected["link"]) >= PEOPLE - 1 and expected["intent"] and expected["ledger"]
    assert any(row["outcome"] == "conflict" for row in expected["row_result"])
