"""`sfsync plan` with a config that is not the applied one changes no shared state; its saved plan applies.

Against the local org through the CLI, on a SQLite and a PostgreSQL store: config A is applied, then
config B (a pull request's: a new `read_write` mapping, and a read that links a new record) is planned.
Workspace values, links, create intents and the serial are exactly as before; the saved plan applies
with config B, and is refused once the store moved.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from sfsync.catalogue import Kind
from sfsync.cli import run
from sfsync.localorg import seeding
from sfsync.localorg.testing import LocalOrgHandle, local_org  # noqa: F401 - the shared fixture
from sfsync.salesforce.query import Eq
from sfsync.salesforce.soql import select as soql_select
from sfsync.store import Store, open_store
from sfsync.store.intents import Intent, IntentState
from sfsync.store.schema import intent
from unit.store.backends import empty_postgres, postgres_database

__all__ = ["postgres_database"]

pytestmark = pytest.mark.org

CONFIG_A = """\
version: 1
connection:
  instance_url: ${SF_INSTANCE_URL}
  ca_bundle: ${SF_CA_BUNDLE}
  auth:
    method: password
    username: ${SF_USERNAME}
    password: ${SF_PASSWORD}
    security_token: ${SF_SECURITY_TOKEN}
sync: {write: true, person_object: leads}
mappings:
  Lead:
    Email: {from: person.email, direction: read_write}
    LastName: person.last_name
    Company: company.name
defaults:
  Lead: {Company: "{{ company.name or '[not provided]' }}"}
plays:
  - name: everyone
    audience: {object: person, where: {field: person.email, op: ends_with, value: initech.example}}
    sync_to_salesforce: {}
"""
# The pull request: Title becomes read_write, so reading would copy Salesforce's Title into the workspace.
CONFIG_B = CONFIG_A.replace(
    "    Company: company.name\n", "    Company: company.name\n    Title: {from: person.title, direction: read_write}\n"
)
PEOPLE = "email,last_name\npeter@initech.example,Gibbons\nmilton@initech.example,Waddams\n"
SAMIR = "email,last_name,title\nsamir@initech.example,Nagheenanajar,Engineer\n"
NOT_RECORDED = "Planned with a config that is not applied yet: nothing was recorded in the store."


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'state' / 'sfsync.db'}"
    return empty_postgres(request.getfixturevalue("postgres_database"))


@pytest.fixture
def applied_a(
    local_org: LocalOrgHandle,  # noqa: F811
    store_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Path]:
    """Config A applied; then, in Salesforce, a person set peter's Title and created samir's Lead, and samir
    was loaded into the workspace with a create intent whose outcome is unknown."""
    local_org.use_password_login(monkeypatch)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("SFSYNC_STORE", store_url)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sfsync.yaml").write_text(CONFIG_A, encoding="utf-8")
    (tmp_path / "people.csv").write_text(PEOPLE, encoding="utf-8")
    (tmp_path / "samir.csv").write_text(SAMIR, encoding="utf-8")
    assert run(["workspace", "load", "people.csv", "--object", "person"]) == 0
    assert run(["plan", "-o", "a.json"]) == 0
    assert run(["apply", "a.json"]) == 0
    assert run(["plan"]) == 0  # with the applied config: recorded, so the store's reads are current
    peter = _lead(local_org, "peter@initech.example")
    _person(local_org, "PATCH", f"records/Lead/{peter['Id']}", Title="Manager")
    _person(
        local_org, "POST", "records/Lead", LastName="Nagheenanajar", Company="Initech", Email="samir@initech.example"
    )
    assert run(["workspace", "load", "samir.csv", "--object", "person"]) == 0
    with open_store(store_url) as store:
        samir = store.workspace.find(Kind.PERSON, "samir@initech.example")
        assert samir is not None
        intent = store.intents.open(Kind.PERSON, samir.id, "Lead", "digest")
        store.intents.resolve(intent.id, IntentState.UNKNOWN)
    (tmp_path / "sfsync.yaml").write_text(CONFIG_B, encoding="utf-8")
    yield tmp_path
    seeding.reset(local_org.running.app.org)


def _person(org: LocalOrgHandle, method: str, path: str, **values: Any) -> None:
    """A person's edit in Salesforce (ada), not sfsync's."""
    result = org.control(path, method, {"as": "ada@acme.local", "values": values})
    assert result.get("success", True), result


def _lead(org: LocalOrgHandle, email: str) -> dict[str, Any]:
    found = org.simple_salesforce().query(soql_select(["Id", "Title", "Email"], "Lead", Eq("Email", email)))["records"]
    assert len(found) == 1, found
    return dict(found[0])


def _shared_state(url: str) -> dict[str, Any]:
    """What a plan with an unapplied config must not change: workspace values, links, intents, serial."""
    with open_store(url) as store:
        version = store.meta.version()
        return {
            "version": (version.lineage, version.serial),
            "workspace": {
                kind: sorted((r.id, sorted(r.values.items()), r.updated_at) for r in store.workspace.records(kind))
                for kind in Kind
            },
            "links": {kind: sorted(store.links.links(kind), key=lambda link: link.sf_id) for kind in Kind},
            "intents": sorted((i.id, str(i.state), i.sf_id) for i in _intents(store)),
            "members": sorted(store.plays.members("everyone", Kind.PERSON), key=lambda m: m.workspace_id),
        }


def _intents(store: Store) -> list[Intent]:
    with store.session.read() as conn:
        rows = conn.execute(select(intent).order_by(intent.c.created_at)).mappings().all()
    return [Intent(**{**row, "kind": Kind(row["kind"]), "state": IntentState(row["state"])}) for row in rows]


def test_a_plan_with_an_unapplied_config_changes_no_shared_state(
    applied_a: Path, store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _shared_state(store_url)
    capsys.readouterr()
    assert run(["plan", "-o", "b.json"]) == 0
    out = capsys.readouterr().out
    assert NOT_RECORDED in out
    # The plan saw what its read would have linked: samir's Lead, updated with the workspace's Title.
    assert "~ Lead" in out and "samir@initech.example" in out and "Engineer" in out
    assert _shared_state(store_url) == before
    assert run(["show", "b.json", "--format", "markdown"]) == 0
    assert "nothing was recorded." in capsys.readouterr().out


def test_the_saved_plan_applies_with_its_config_and_kept_nothing_it_needs(
    applied_a: Path,
    store_url: str,
    local_org: LocalOrgHandle,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(["plan", "-o", "b.json"]) == 0
    capsys.readouterr()
    assert run(["apply", "b.json"]) == 0
    assert "Apply complete: 1 written." in capsys.readouterr().out
    samir = _lead(local_org, "samir@initech.example")
    assert samir["Title"] == "Engineer"
    with open_store(store_url) as store:
        person = store.workspace.find(Kind.PERSON, "samir@initech.example")
        assert person is not None
        # Apply linked what it wrote, and settled the create whose outcome was unknown: it was that Lead.
        assert [(link.object, link.sf_id) for link in store.links.for_record(Kind.PERSON, person.id)] == [
            ("Lead", samir["Id"])
        ]
        earlier = [(str(i.state), i.sf_id) for i in _intents(store) if i.workspace_id == person.id]
        assert earlier == [("created", samir["Id"])]
    # Config B is the applied one now: planning records again, and reads the Leads in full with its mapping.
    assert run(["plan", "--detailed-exitcode"]) == 0
    assert NOT_RECORDED not in capsys.readouterr().out
    with open_store(store_url) as store:
        peter = store.workspace.find(Kind.PERSON, "peter@initech.example")
        assert peter is not None and peter.values["title"] == "Manager"


def test_the_saved_plan_is_refused_once_the_store_moved(applied_a: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["plan", "-o", "b.json"]) == 0
    (applied_a / "more.csv").write_text("email,last_name\nbill@initech.example,Lumbergh\n", encoding="utf-8")
    assert run(["workspace", "load", "more.csv", "--object", "person"]) == 0
    capsys.readouterr()
    assert run(["apply", "b.json"]) == 1
    assert "the plan is stale: the store changed since the plan (serial" in capsys.readouterr().err
