"""The plan right after an apply does not read sfsync's own writes back (a dedicated login), over HTTPS.

Calls are counted by the local org (`GET calls`); people's edits are made as ada, another seeded user.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from engine_support import HEADER, LEADS, PHONE_LEADS, add_people, config_applied

from sfsync.catalogue import Kind
from sfsync.config import LoadedConfig, load_config
from sfsync.engine.applying.applier import apply_plan
from sfsync.engine.planning.planner import make_plan

pytestmark = pytest.mark.org

OBJECTS = ("Account", "Contact", "Lead", "Opportunity")
EXT_LEADS = LEADS.replace("write: true,", "write: true, external_id_field: Sfsync_Id__c,")


def _people(store):
    add_people(
        store,
        {"email": "grace@acme.example", "last_name": "Hopper", "title": "Admiral"},
        {"email": "new@initech.example", "last_name": "New", "title": "Boss"},
        {"email": "other@initech.example", "last_name": "Other", "title": "Deputy"},
    )


def _config(tmp_path: Path, body: str, login: str = "dedicated") -> LoadedConfig:
    path = tmp_path / f"{login}.yaml"
    path.write_text(HEADER + f"  integration_user: {login}\n" + textwrap.dedent(body), encoding="utf-8")
    return load_config(path)


def _applied(org, store, loaded):
    """Plan and apply with a config already applied once: the plan records its read, as every later one does."""
    config_applied(store, loaded)
    port = org.port()
    plan = make_plan(port, store, loaded)
    report = apply_plan(port, store, loaded, plan)
    assert report.counts().get("written", 0) >= 3 and not report.rejected, report.counts()
    return report


def _queries(org) -> dict[str, int]:
    """The read calls the org answered since the counters were cleared (logins and describes aside)."""
    calls = org.handle.control("calls")
    return {name: int(n) for name, n in calls.items() if n and ("query" in name or name.startswith("bulk."))}


def _reads(plan) -> dict[str, int]:
    return {name: plan.refresh[name]["read"] for name in OBJECTS}


def test_the_plan_after_an_apply_reads_no_own_write_in_one_query_per_object(org, store, tmp_path):
    _people(store)
    loaded = _config(tmp_path, LEADS)
    _applied(org, store, loaded)
    org.handle.control("calls", "DELETE")
    again = make_plan(org.port(), store, loaded)
    assert again.changes == ()
    assert _reads(again) == dict.fromkeys(OBJECTS, 0)
    assert _queries(org) == {"rest.query_all": len(OBJECTS)}


def test_bulk_reads_leave_own_writes_out_with_the_same_condition(org, store, tmp_path):
    _people(store)
    loaded = _config(tmp_path, LEADS.replace("write: true,", "write: true, api: bulk,"))
    _applied(org, store, loaded)
    org.handle.control("calls", "DELETE")
    again = make_plan(org.port(), store, loaded)
    assert again.changes == ()
    assert _reads(again) == dict.fromkeys(OBJECTS, 0)
    assert _queries(org)["bulk.query.create"] == len(OBJECTS)


def test_a_person_edit_after_apply_is_read(org, store, tmp_path):
    _people(store)
    loaded = _config(tmp_path, LEADS)
    report = _applied(org, store, loaded)
    created = next(r.sf_id for r in report.rows if r.sobject == "Lead" and r.action == "create")
    org.edit("Lead", created, Title="Set by hand")
    org.handle.control("calls", "DELETE")
    again = make_plan(org.port(), store, loaded)
    assert _reads(again) == {**dict.fromkeys(OBJECTS, 0), "Lead": 1}
    assert store.mirror.get("Lead", created).fields["Title"] == "Set by hand"
    assert _queries(org) == {"rest.query_all": len(OBJECTS)}


def test_a_shared_login_reads_own_writes_back(org, store, tmp_path):
    _people(store)
    loaded = _config(tmp_path, LEADS, "shared")
    # The write may land in the second the plan's read set the watermark at: the trailing window reads it.
    report = _applied(org, store, loaded)
    again = make_plan(org.port(), store, loaded)
    written = {r.sobject for r in report.rows if r.outcome == "written"}
    assert written and all(again.refresh[name]["read"] >= 1 for name in written), again.refresh


@pytest.mark.parametrize(
    ("body", "endpoint"),
    # A create goes as a Collections request, or as a composite one when it carries the next group's check.
    [(LEADS, r"rest\.(collections\.create|composite)"), (EXT_LEADS, r"rest\.(collections\.upsert|composite)")],
    ids=["create-intent", "upsert-without-intent"],
)
def test_after_a_lost_create_answer_the_next_plan_reads_and_links_the_record(org, store, tmp_path, body, endpoint):
    add_people(store, {"email": "new@initech.example", "last_name": "New", "title": "Boss"})
    person = store.workspace.find("person", "new@initech.example").id
    loaded = _config(tmp_path, body)
    config_applied(store, loaded)
    port = org.port()
    org.faults({"match": {"endpoint": endpoint}, "action": "commit_then_drop"})
    report = apply_plan(port, store, loaded, make_plan(port, store, loaded))
    org.faults()
    assert [r.outcome for r in report.rows if r.workspace_id == person] == ["unknown"]
    second = make_plan(port, store, loaded)
    assert second.refresh["Lead"]["read"] >= 1 and second.refresh["Lead"]["linked"] == 1
    assert not [c for c in second.changes if c.action == "create"]
    (link,) = store.links.for_record(Kind.PERSON, person)
    apply_plan(port, store, loaded, second)
    assert [r["Id"] for r in org.records("Lead", "new@initech.example")] == [link.sf_id]


def test_a_conflict_leaves_the_current_value_in_the_mirror_and_is_not_proposed_again(org, store, tmp_path):
    lead = org.create("Lead", LastName="Curie", Company="Radium", Email="marie@radium.example")
    add_people(store, {"email": "marie@radium.example", "title": "Physicist", "work_phone": "+1 555 0100"})
    loaded = _config(tmp_path, PHONE_LEADS)
    config_applied(store, loaded)
    port = org.port()
    plan = make_plan(port, store, loaded)
    (change,) = [c for c in plan.changes if c.sf_id == lead]
    assert {f.field for f in change.fields} == {"Title", "Phone"}
    org.edit("Lead", lead, Title="Director", Company="Radium Institute")
    report = apply_plan(port, store, loaded, plan)
    assert next(r for r in report.rows if r.sf_id == lead).dropped == ("Title",)
    mirrored = store.mirror.get("Lead", lead).fields
    assert (mirrored["Title"], mirrored["Phone"]) == ("Director", "+1 555 0100")
    assert mirrored["Company"] == "Radium Institute"  # not written by sfsync: re-read, then mirrored
    again = make_plan(port, store, loaded)
    assert again.refresh["Lead"]["read"] == 0
    assert not [c for c in again.changes if c.sf_id == lead]
    assert org.records("Lead", "marie@radium.example")[0]["Title"] == "Director"
