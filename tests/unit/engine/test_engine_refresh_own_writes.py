"""The read pass leaves sfsync's own writes out (dedicated login), and apply's mirror makes that safe.

Over a fake that records `LastModifiedById`: the port's writes are sfsync's, `seed`/`edit` a person's.
The fake evaluates the read's whole filter, `LastModifiedById != …` included.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path
from typing import Any

import pytest
from engine_support import HEADER, LEADS, PHONE_LEADS, SFSYNC_FIELDS, add_people, config_applied
from fake_port import FakePort

from sfsync.catalogue import Kind
from sfsync.config import LoadedConfig, load_config
from sfsync.engine.applying.applier import apply_plan
from sfsync.engine.planning.planner import make_plan
from sfsync.engine.reading.refresh import TRAILING_WINDOW, own_writes_user, read_query
from sfsync.salesforce.query import Ne, Query
from sfsync.salesforce.soql import compile_query
from sfsync.store.mirror import Watermark
from sfsync.store.runs import Outcome, RowResult

SFSYNC_USER = FakePort().identity().user_id
PERSON = "005000000000002AAA"


class AuditedPort(FakePort):
    """The fake with `LastModifiedById` kept on every save, and the SOQL of every read."""

    def __init__(self) -> None:
        super().__init__({name: SFSYNC_FIELDS for name in ("Account", "Contact", "Lead")})
        self.actor = PERSON

    @property
    def soql(self) -> list[str]:
        """What the adapter would have sent for each query so far."""
        return [compile_query(query) for query in self.queries]

    def _write(self, *args: Any, **kwargs: Any) -> Any:
        self.actor = SFSYNC_USER
        try:
            return super()._write(*args, **kwargs)
        finally:
            self.actor = PERSON

    def _touch(self, sobject: str, record_id: str) -> None:
        super()._touch(sobject, record_id)
        self.records[sobject][record_id]["LastModifiedById"] = self.actor


@pytest.fixture
def port() -> AuditedPort:
    return AuditedPort()


def _lead(port: AuditedPort) -> str:
    """A Lead a person made, so every object the plan reads has a watermark from the first plan."""
    for sobject, values in (("Account", {"Name": "Radium", "Website": "radium.example"}), ("Opportunity", {})):
        port.seed(sobject, **values)
    port.seed("Contact", LastName="Someone", Email="someone@radium.example")
    return port.seed("Lead", LastName="Curie", Company="Radium", Email="marie@radium.example")


def with_login(tmp_path: Path, body: str, login: str) -> LoadedConfig:
    """A config whose `connection.integration_user` is `login`."""
    path = tmp_path / f"{login}.yaml"
    path.write_text(HEADER + f"  integration_user: {login}\n" + textwrap.dedent(body), encoding="utf-8")
    return load_config(path)


def _apply_fresh_plan(port, store, loaded):
    config_applied(store, loaded)  # the plan records its read, as every plan after the first apply does
    report = apply_plan(port, store, loaded, make_plan(port, store, loaded))
    assert not report.rejected and report.counts().get("written", 0) >= 1, report.counts()
    return report


def test_the_next_plan_reads_none_of_sfsync_own_writes(port, store, write_config):
    _lead(port)
    add_people(
        store,
        {"email": "marie@radium.example", "title": "Physicist"},
        {"email": "new@radium.example", "last_name": "New"},
    )
    loaded = write_config(LEADS)
    _apply_fresh_plan(port, store, loaded)
    port.queries.clear()
    again = make_plan(port, store, loaded)
    assert again.changes == ()
    assert {name: counts["read"] for name, counts in again.refresh.items()} == dict.fromkeys(
        ("Account", "Contact", "Lead", "Opportunity"), 0
    )
    assert len(port.soql) == 4
    assert all(f" AND LastModifiedById != '{SFSYNC_USER}'" in soql for soql in port.soql), port.soql


def test_a_person_edit_after_apply_is_read(port, store, write_config):
    lead = _lead(port)
    add_people(store, {"email": "marie@radium.example", "title": "Physicist"})
    loaded = write_config(LEADS)
    _apply_fresh_plan(port, store, loaded)
    port.edit("Lead", lead, Title="Director")
    again = make_plan(port, store, loaded)
    assert again.refresh["Lead"]["read"] == 1
    assert store.mirror.get("Lead", lead).fields["Title"] == "Director"


def test_bulk_reads_leave_own_writes_out_too(port, store, write_config):
    _lead(port)
    add_people(store, {"email": "marie@radium.example", "title": "Physicist"})
    loaded = write_config(LEADS.replace("write: true,", "write: true, api: bulk,"))
    _apply_fresh_plan(port, store, loaded)
    port.queries.clear()
    before = port.calls["bulk_query"]
    again = make_plan(port, store, loaded)
    assert port.calls["bulk_query"] - before == 4
    assert again.refresh["Lead"]["read"] == 0
    assert all(f"LastModifiedById != '{SFSYNC_USER}'" in soql for soql in port.soql), port.soql


def test_a_shared_login_reads_own_writes_back(port, store, tmp_path):
    _lead(port)
    add_people(
        store,
        {"email": "marie@radium.example", "title": "Physicist"},
        {"email": "new@radium.example", "last_name": "New"},
    )
    shared = with_login(tmp_path, LEADS, "shared")
    _apply_fresh_plan(port, store, shared)
    port.queries.clear()
    again = make_plan(port, store, shared)
    assert again.refresh["Lead"]["read"] == 2
    assert port.soql and not [soql for soql in port.soql if "LastModifiedById !=" in soql]


def test_a_lost_create_answer_is_read_back_and_linked(port, store, write_config):
    _lead(port)
    add_people(store, {"email": "new@radium.example", "last_name": "New"})
    person = store.workspace.find("person", "new@radium.example").id
    loaded = write_config(LEADS)
    port.drop_next_writes = 1  # the creates' call: Salesforce saved the Lead, the answer was lost
    report = apply_plan(port, store, loaded, make_plan(port, store, loaded))
    assert [r.outcome for r in report.rows if r.workspace_id == person] == ["unknown"]
    port.queries.clear()
    second = make_plan(port, store, loaded)
    assert port.soql and not [soql for soql in port.soql if "LastModifiedById !=" in soql]
    assert second.refresh["Lead"]["linked"] == 1
    assert second.changes == ()
    assert [link.object for link in store.links.for_record(Kind.PERSON, person)] == ["Lead"]
    assert len([r for r in port.live("Lead") if r["Email"] == "new@radium.example"]) == 1


def test_own_writes_are_read_back_while_a_write_may_be_unrecorded(port, store, write_config):
    config = write_config(LEADS).config
    assert own_writes_user(port, store, config) == SFSYNC_USER
    run = store.runs.start("apply")  # a crash leaves it running
    assert own_writes_user(port, store, config) is None
    store.runs.record([RowResult(run.id, "Lead", "update", Outcome.UNKNOWN, "00Q000000000001")])
    store.runs.finish(run.id, "failed", {"unknown": 1})
    assert own_writes_user(port, store, config) is None
    clean = store.runs.start("apply")
    store.runs.finish(clean.id, "succeeded", {})
    assert own_writes_user(port, store, config) == SFSYNC_USER
    store.intents.open(Kind.PERSON, "p1", "Lead", "digest")
    assert own_writes_user(port, store, config) is None


@pytest.mark.parametrize("login", ["shared", "admin"])
def test_only_a_dedicated_login_leaves_own_writes_out(port, store, tmp_path, login):
    assert own_writes_user(port, store, with_login(tmp_path, LEADS, login).config) is None


def test_the_incremental_query():
    stamp = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    mark = Watermark("Lead", stamp, frozenset())
    assert read_query("Lead", ["Id"], None) == Query("Lead", ("Id",), include_deleted=True)
    since = stamp - TRAILING_WINDOW  # the trailing window: late commits and the watermark's own second
    assert read_query("Lead", ["Id"], mark) == Query("Lead", ("Id",), since=since, include_deleted=True)
    assert read_query("Lead", ["Id"], mark, "005x'y") == Query(
        "Lead", ("Id",), Ne("LastModifiedById", "005x'y"), since=since, include_deleted=True
    )
    assert compile_query(read_query("Lead", ["Id"], mark, "005x'y")) == (
        "SELECT Id FROM Lead WHERE (SystemModstamp >= 2026-01-02T02:54:05+00:00 AND LastModifiedById != '005x\\'y')"
    )


def test_a_conflict_leaves_the_current_value_in_the_mirror_and_is_not_proposed_again(port, store, write_config):
    lead = _lead(port)
    add_people(store, {"email": "marie@radium.example", "title": "Physicist", "work_phone": "+1 555 0100"})
    loaded = write_config(PHONE_LEADS)
    config_applied(store, loaded)
    plan = make_plan(port, store, loaded)
    (change,) = plan.changes
    assert {f.field for f in change.fields} == {"Title", "Phone"}
    port.edit("Lead", lead, Title="Director", Company="Radium Institute")  # Company: not written by sfsync
    report = apply_plan(port, store, loaded, plan)
    assert report.rows[0].dropped == ("Title",)
    assert port.records["Lead"][lead]["LastModifiedById"] == SFSYNC_USER
    mirrored = store.mirror.get("Lead", lead).fields
    assert (mirrored["Title"], mirrored["Phone"], mirrored["Company"]) == (
        "Director",
        "+1 555 0100",
        "Radium Institute",
    )
    again = make_plan(port, store, loaded)
    assert again.refresh["Lead"]["read"] == 0
    assert again.changes == ()
