"""A person editing a record while apply runs: apply re-reads each field just before writing it.

The person's edit lands at a chosen moment of the apply (while the creates of the same batch are
sent, while a refused update waits to be sent again, while an earlier chunk of updates is written);
the field must be kept as a conflict, never overwritten.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from sfsync.catalogue import Kind
from sfsync.config import load_config
from sfsync.engine.applying.applier import apply_plan
from sfsync.engine.planning.planner import make_plan
from sfsync.localorg.testing import LocalOrgHandle, local_org
from sfsync.salesforce.adapter import SalesforceAdapter
from sfsync.salesforce.auth import Credentials
from sfsync.salesforce.retry import RetryPolicy
from sfsync.store import Store, open_store
from sfsync.store.loader import load_workspace

from .world import COMPANIES, PEOPLE, Variant

__all__ = ["local_org"]
pytestmark = pytest.mark.org


class PersonAtTheKeyboard:
    """The engine's port, with a person who edits a record the moment a chosen call is made."""

    def __init__(self, port: SalesforceAdapter, call: str, edit: Callable[[], None]) -> None:
        self._port, self._call, self._edit = port, call, edit
        self.edited = False

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._port, name)
        if name != self._call:
            return method

        def with_edit(*args: Any, **kwargs: Any) -> Any:
            if not self.edited:
                self.edited = True
                self._edit()
            return method(*args, **kwargs)

        return with_edit


class PersonDuringBackoff(PersonAtTheKeyboard):
    """The person edits right after Salesforce turned an update away (503), before it is sent again."""

    def __init__(self, port: SalesforceAdapter, call: str, edit: Callable[[], None]) -> None:
        super().__init__(port, call, edit)
        send = port.session.request

        def request(method: str, url: str, *args: Any, **kwargs: Any) -> Any:
            response = send(method, url, *args, **kwargs)
            # A Collections update is a PATCH, a composite request of guarded updates a POST.
            if method.upper() in ("PATCH", "POST") and response.status_code == 503 and not self.edited:
                self.edited = True
                self._edit()
            return response

        port.session.request = request  # type: ignore[method-assign]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._port, name)


@pytest.fixture
def world(local_org: LocalOrgHandle, tmp_path: Path) -> Iterator[tuple[Store, Any]]:
    local_org.reset()
    config = tmp_path / "sfsync.yaml"
    config.write_text(Variant("leads", "rest").config().replace("${SF_CA_BUNDLE}", str(local_org.ca_file)), "utf-8")
    (tmp_path / "people.csv").write_text(PEOPLE, "utf-8")
    (tmp_path / "companies.jsonl").write_text(COMPANIES, "utf-8")
    store = open_store(f"sqlite:///{tmp_path / 'sfsync.db'}")
    for name, kind in (("companies.jsonl", "company"), ("people.csv", "person")):
        load_workspace(store, tmp_path / name, Kind(kind), lambda rejection: pytest.fail(str(rejection)))
    yield store, load_config(config)
    store.close()
    local_org.reset()


def _port(org: LocalOrgHandle) -> SalesforceAdapter:
    credentials = Credentials(
        method="password",
        instance_url=org.instance_url,
        ca_bundle=str(org.ca_file),
        username=org.username,
        password=org.password,
        security_token=org.security_token,
        timeout_seconds=10.0,
    )
    return SalesforceAdapter(credentials, retry=RetryPolicy(attempts=3, initial_wait=0.2, max_wait=0.2, jitter=0))


def _alan(org: LocalOrgHandle) -> dict[str, Any]:
    soql = "SELECT Id, Title, Phone FROM Lead WHERE Email = 'alan@bletchley.example'"
    (record,) = org.simple_salesforce().query(soql)["records"]
    return dict(record)


# Guarded updates go as composite requests, `write_guard: recheck` ones as Collections: both refused.
REFUSE_UPDATES = [
    {"match": {"endpoint": r"rest\.(collections\.update|composite)"}, "action": "http_503", "every_nth": 1}
]


@pytest.mark.parametrize(
    ("person_class", "faults"),
    [(PersonAtTheKeyboard, []), (PersonDuringBackoff, REFUSE_UPDATES)],
    ids=["while-the-batch-creates-are-sent", "while-a-refused-update-waits-to-be-retried"],
)
def test_a_value_a_person_sets_during_apply_is_kept(
    local_org: LocalOrgHandle, world: tuple[Store, Any], person_class: type, faults: list[dict[str, Any]]
) -> None:
    store, loaded = world
    port = _port(local_org)
    plan = make_plan(port, store, loaded)
    assert {(c.action.value, c.workspace.label) for c in plan.changes} == {
        ("update", "alan@bletchley.example"),
        ("create", "joan@bletchley.example"),
    }
    alan = _alan(local_org)["Id"]

    def edit() -> None:
        body = {"as": "ada@acme.local", "values": {"Title": "Director"}}
        assert local_org.control(f"records/Lead/{alan}", "PATCH", body)["success"]
        if faults:  # the refusal was the last: the retried write gets through
            local_org.control("faults", "DELETE")

    if faults:
        local_org.control("faults", "PUT", faults)
    person = person_class(port, "send_write", edit)
    report = apply_plan(person, store, loaded, plan)  # type: ignore[arg-type]
    assert person.edited
    assert _alan(local_org)["Title"] == "Director", report
    apply_plan(port, store, loaded, make_plan(port, store, loaded))  # the next run writes what is left
    after = _alan(local_org)
    assert after["Title"] == "Director" and after["Phone"] == "+1 555 0101"


def test_a_value_set_while_an_earlier_chunk_is_sent_is_kept(local_org: LocalOrgHandle, tmp_path: Path) -> None:
    """Two chunks of updates: the person edits a record of the second while the first is being written."""
    local_org.reset()
    rows = ["email,first_name,last_name,title,company_domain"]
    for n in range(230):
        values = {"Email": f"p{n}@chunks.example", "LastName": f"Person{n}", "Company": "Chunks"}
        local_org.control("records/Lead", "POST", {"as": "ada@acme.local", "values": values})
        rows.append(f"p{n}@chunks.example,P,Person{n},Title {n},chunks.example")
    (tmp_path / "people.csv").write_text("\n".join(rows) + "\n", "utf-8")
    company = {"domain": "chunks.example", "name": "Chunks", "intent_level": "High"}
    (tmp_path / "companies.jsonl").write_text(json.dumps(company) + "\n", "utf-8")
    config = tmp_path / "sfsync.yaml"
    config.write_text(Variant("leads", "rest").config().replace("${SF_CA_BUNDLE}", str(local_org.ca_file)), "utf-8")
    with open_store(f"sqlite:///{tmp_path / 'sfsync.db'}") as store:
        for name, kind in (("companies.jsonl", "company"), ("people.csv", "person")):
            load_workspace(store, tmp_path / name, Kind(kind), lambda rejection: pytest.fail(str(rejection)))
        port, loaded = _port(local_org), load_config(config)
        plan = make_plan(port, store, loaded)
        updates = [c for c in plan.changes if c.action.value == "update"]
        assert len(updates) == 230
        last = str(updates[-1].sf_id)  # in the second chunk of 200

        def edit() -> None:
            body = {"as": "ada@acme.local", "values": {"Title": "Set by hand"}}
            assert local_org.control(f"records/Lead/{last}", "PATCH", body)["success"]

        person = PersonAtTheKeyboard(port, "send_write", edit)
        apply_plan(person, store, loaded, plan)  # type: ignore[arg-type]
    assert person.edited
    soql = "SELECT Title FROM Lead WHERE Id = '{}'"
    (record,) = local_org.simple_salesforce().query(soql.format(last))["records"]
    local_org.reset()
    assert record["Title"] == "Set by hand"
