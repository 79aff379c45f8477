"""A person creating the record sfsync is about to create, while apply runs: sfsync links it, never a second one.

The org has no duplicate rule (nothing on the server stops a second Lead with the same email): only
apply's check of each create chunk's keys, right before the chunk is sent, keeps the promise. The
person's Lead lands while an earlier chunk (a Bulk job, or a Collections request) is being sent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sfsync.catalogue import Kind
from sfsync.config import load_config
from sfsync.engine.applying.applier import apply_plan
from sfsync.engine.planning.planner import make_plan
from sfsync.localorg.testing import LocalOrgHandle, local_org
from sfsync.store import open_store
from sfsync.store.loader import load_workspace

from .test_apply_races import PersonAtTheKeyboard, _port
from .world import Variant

__all__ = ["local_org"]
pytestmark = pytest.mark.org

COMPANY = '{"domain": "race.example", "name": "Race Co", "intent_level": "High"}\n'


def _leads(org: LocalOrgHandle, email: str) -> list[dict[str, Any]]:
    soql = f"SELECT Id, LastName, CreatedById FROM Lead WHERE Email = '{email}'"  # noqa: S608 - the test's own
    return [dict(r) for r in org.simple_salesforce().query_all(soql)["records"]]


def _race(org: LocalOrgHandle, tmp_path: Path, api: str, people: int, call: str, extra: str = "") -> dict[str, Any]:
    """Plan `people` new Leads, then apply while a person creates the Lead of the last create planned at the
    first `call`."""
    org.reset()
    org.control("duplicate-rules", "PUT", [])
    rows = ["email,first_name,last_name,title,work_phone,company_domain"]
    rows += [f"p{n}@race.example,P,Person{n},,,race.example" for n in range(people)]
    (tmp_path / "people.csv").write_text("\n".join(rows) + "\n", "utf-8")
    (tmp_path / "companies.jsonl").write_text(COMPANY, "utf-8")
    config = tmp_path / "sfsync.yaml"
    text = Variant("leads", api).config().replace("${SF_CA_BUNDLE}", str(org.ca_file))
    config.write_text(text.replace("sync:\n", f"sync:\n{extra}", 1), "utf-8")
    with open_store(f"sqlite:///{tmp_path / 'sfsync.db'}") as store:
        for name, kind in (("companies.jsonl", "company"), ("people.csv", "person")):
            load_workspace(store, tmp_path / name, Kind(kind), lambda rejection: pytest.fail(str(rejection)))
        port, loaded = _port(org), load_config(config)
        plan = make_plan(port, store, loaded)
        creates = [c for c in plan.changes if c.action.value == "create"]
        assert len(creates) == people
        last = creates[-1].workspace.label  # in the last chunk, whatever the plan's order

        def create() -> None:
            values = {"Email": last, "LastName": "Typed by hand", "Company": "Hand Co"}
            assert org.control("records/Lead", "POST", {"as": "ada@acme.local", "values": values})["success"]

        person = PersonAtTheKeyboard(port, call, create)
        report = apply_plan(person, store, loaded, plan)  # type: ignore[arg-type]
        assert person.edited
        row = next(r for r in report.rows if r.workspace_label == last)
        apply_plan(port, store, loaded, make_plan(port, store, loaded))  # the next run links the person's Lead
        (found,) = _leads(org, last)
        person_id = store.workspace.find(Kind.PERSON, last)
        assert person_id is not None
        link = store.links.for_record(Kind.PERSON, person_id.id)
    org.reset()
    return {"row": row, "lead": found, "links": link}


def test_a_lead_made_while_an_earlier_bulk_job_runs_is_linked_not_created_again(
    local_org: LocalOrgHandle, tmp_path: Path
) -> None:
    """Three creates in jobs of one: the person's Lead for the third lands while the first job is sent."""
    found = _race(local_org, tmp_path, "bulk", 3, "bulk_write", "  bulk_create_job_size: 1\n")
    row, lead = found["row"], found["lead"]
    assert (row.outcome, row.sf_id) == ("conflict", None), row
    assert "appeared in Salesforce since the plan" in row.message
    assert lead["LastName"] == "Typed by hand"
    assert [link.sf_id for link in found["links"]] == [lead["Id"]]


def test_a_lead_made_while_an_earlier_collection_is_sent_is_linked_not_created_again(
    local_org: LocalOrgHandle, tmp_path: Path
) -> None:
    """205 creates over REST: the person's Lead for the last (second chunk) lands while the first is sent."""
    found = _race(local_org, tmp_path, "rest", 205, "send_write")
    row, lead = found["row"], found["lead"]
    assert row.outcome == "conflict" and "appeared in Salesforce since the plan" in row.message, row
    assert lead["LastName"] == "Typed by hand"
    assert [link.sf_id for link in found["links"]] == [lead["Id"]]
