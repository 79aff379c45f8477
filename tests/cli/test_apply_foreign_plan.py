"""`sfsync apply plan.json` performs only what sfsync itself planned, against the local org.

A saved plan carries a seal (an HMAC keyed by a secret only its store holds): a hand-edited plan, one
re-sealed with another key, or one without a seal is refused before anything is sent. A plan that does
carry this store's seal is still checked change by change against the config and the links.
"""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_org import initech_leads

from sfsync.catalogue import Kind
from sfsync.cli import run
from sfsync.engine.plans.file import PlanFile, open_plan, plan_from_file, save_plan
from sfsync.engine.plans.json_form import plan_from_json, plan_to_json
from sfsync.engine.plans.sections import compressed
from sfsync.localorg import seeding
from sfsync.localorg.testing import LocalOrgHandle, local_org  # noqa: F401 - the shared fixture
from sfsync.salesforce.query import Eq
from sfsync.salesforce.soql import select
from sfsync.store import open_store

pytestmark = pytest.mark.org

CONFIG = initech_leads(extra="    Title: person.title\n")
PEOPLE = "email,last_name,title\npeter@initech.example,Gibbons,Engineer\nmilton@initech.example,Waddams,\n"
REFUSED_SEAL = "error: the plan was not made by this store or was edited: its seal does not match its content"
REFUSED_CHANGE = "error: the plan holds a change sfsync does not make from this config: "


@pytest.fixture
def planned(
    local_org: LocalOrgHandle,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[dict[str, Any]]:
    """A saved plan: milton's Lead to create; peter's Lead (a person's, Title "Manager") kept as is."""
    local_org.use_password_login(monkeypatch)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("SFSYNC_STORE", raising=False)
    monkeypatch.chdir(tmp_path)
    _as_person(local_org, LastName="Gibbons", Company="Initech", Email="peter@initech.example", Title="Manager")
    _as_person(local_org, LastName="Bobbins", Company="Bobs", Email="bob@elsewhere.example")
    (tmp_path / "sfsync.yaml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "people.csv").write_text(PEOPLE, encoding="utf-8")
    assert run(["workspace", "load", "people.csv", "--object", "person"]) == 0
    assert run(["plan", "-o", "plan.json"]) == 0
    document = json.loads(json.dumps(plan_to_json(plan_from_file(tmp_path / "plan.json"))))
    assert [(c["sobject"], c["action"]) for c in document["changes"]] == [("Lead", "create")]
    seal = json.loads(gzip.decompress((tmp_path / "plan.json").read_bytes()).splitlines()[-1])["seal"]
    yield {"document": document, "seal": seal, "org": local_org, "dir": tmp_path}
    seeding.reset(local_org.running.app.org)


def _as_person(org: LocalOrgHandle, **values: Any) -> str:
    result = org.control("records/Lead", "POST", {"as": "ada@acme.local", "values": values})
    assert result["success"], result
    return str(result["id"])


def _lead(org: LocalOrgHandle, email: str) -> dict[str, Any] | None:
    soql = select(["Id", "Title", "OwnerId", "Description"], "Lead", Eq("Email", email))
    found = org.simple_salesforce().query(soql)["records"]
    return dict(found[0]) if found else None


def _person_id(email: str) -> str:
    with open_store("sqlite:///sfsync.db") as store:
        record = store.workspace.find(Kind.PERSON, email)
        assert record is not None
        return record.id


def _change(key: str, sobject: str, sf_id: str, person: str, *fields: dict[str, Any]) -> dict[str, Any]:
    workspace = {"kind": "person", "id": person, "label": ""}
    return {
        **{"key": key, "sobject": sobject, "action": "update", "workspace": workspace, "sf_id": sf_id, "match": ""},
        **{"fields": list(fields), "skipped_fields": [], "batch": 1, "plays": ["everyone"], "intent": ""},
    }


def _field(name: str, before: Any, after: Any, source: str, policy: str) -> dict[str, Any]:
    return {"field": name, "before": before, "after": after, "source": source, "policy": policy, "reason": "",
            "ref": None, "sensitive": False}  # fmt: skip


def _owned_title(planned: dict[str, Any]) -> dict[str, Any]:
    """A change appended by hand: peter's Title, mapped `if_empty`, claimed `owned` to overwrite "Manager"."""
    peter = _lead(planned["org"], "peter@initech.example")
    assert peter is not None
    person = _person_id("peter@initech.example")
    title = _field("Title", "Manager", "Engineer", "person.title", "owned")
    return _change(f"Lead/{person}", "Lead", peter["Id"], person, title)


def _owner_and_unmapped(planned: dict[str, Any]) -> dict[str, Any]:
    """A change on a Lead sfsync never linked: its owner, and a field the config does not map."""
    bob = _lead(planned["org"], "bob@elsewhere.example")
    assert bob is not None
    owner = _field("OwnerId", None, "005000000000000AAA", "person.owner", "owned")
    description = _field("Description", None, "edited in", "person.title", "owned")
    return _change("Lead/p_0000000000000000", "Lead", bob["Id"], "p_0000000000000000", owner, description)


def _save(planned: dict[str, Any], document: dict[str, Any], key: bytes | None = None, seal: str = "") -> None:
    """The plan saved again, sealed with `key`, or ending with `seal` (a seal kept from another plan)."""
    path = planned["dir"] / "plan.json"
    save_plan(plan_from_json(document), path, key)
    if seal:
        opened = open_plan(path)
        assert isinstance(opened, PlanFile)
        kept = path.read_bytes()[: opened.trailer] + compressed((json.dumps({"seal": seal}) + "\n").encode())
        path.write_bytes(kept)


def _store_key() -> bytes:
    with open_store("sqlite:///sfsync.db") as store:
        return store.plan_key.key()


def _nothing_written(planned: dict[str, Any]) -> None:
    org = planned["org"]
    assert _lead(org, "milton@initech.example") is None
    peter, bob = _lead(org, "peter@initech.example"), _lead(org, "bob@elsewhere.example")
    assert peter is not None and peter["Title"] == "Manager"
    assert bob is not None and bob["Description"] is None and bob["OwnerId"] != "005000000000000AAA"


@pytest.mark.parametrize("edit", [_owned_title, _owner_and_unmapped], ids=["owned_title", "owner_and_unmapped"])
def test_an_edited_plan_is_refused_by_its_seal(
    planned: dict[str, Any], edit: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    document = planned["document"]
    _save(planned, {**document, "changes": [*document["changes"], edit(planned)]}, seal=planned["seal"])
    capsys.readouterr()
    assert run(["apply", "plan.json"]) == 1
    assert REFUSED_SEAL in capsys.readouterr().err
    _nothing_written(planned)


@pytest.mark.parametrize("edit", [_owned_title, _owner_and_unmapped], ids=["owned_title", "owner_and_unmapped"])
def test_an_edited_plan_resealed_with_another_key_is_refused(
    planned: dict[str, Any], edit: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    document = planned["document"]
    _save(planned, {**document, "changes": [*document["changes"], edit(planned)]}, b"\x00" * 32)
    capsys.readouterr()
    assert run(["apply", "plan.json"]) == 1
    assert REFUSED_SEAL in capsys.readouterr().err
    _nothing_written(planned)


def test_a_plan_without_a_seal_is_refused(planned: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    _save(planned, planned["document"])
    capsys.readouterr()
    assert run(["apply", "plan.json"]) == 1
    assert "error: the plan was not made by this store or was edited: it has no seal" in capsys.readouterr().err
    _nothing_written(planned)


def test_a_change_sfsync_does_not_make_is_refused_even_with_the_store_seal(
    planned: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    """Whoever can read the store can seal: apply still checks every change against the config and links."""
    document, key = planned["document"], _store_key()
    person = _person_id("peter@initech.example")
    cases = [
        (_owned_title(planned), f"Lead/{person}, field Title: its policy is owned, the config gives if_empty"),
        (_owner_and_unmapped(planned), "Lead/p_0000000000000000, field OwnerId: the config does not map or default it"),
    ]
    for change, message in cases:
        _save(planned, {**document, "changes": [*document["changes"], change]}, key)
        capsys.readouterr()
        assert run(["apply", "plan.json"]) == 1
        err = capsys.readouterr().err
        assert REFUSED_CHANGE + message in err and "Nothing was sent" in err
        _nothing_written(planned)


def test_an_untouched_plan_applies(planned: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    assert planned["seal"].startswith("hmac-sha256:")
    capsys.readouterr()
    assert run(["apply", "plan.json"]) == 0
    assert "Apply complete: 1 written." in capsys.readouterr().out
    assert _lead(planned["org"], "milton@initech.example") is not None
    # A plan of format 1 (one JSON text, as an earlier sfsync saved) is refused, saying what to do.
    assert run(["plan", "-o", "again.json"]) == 0
    again = {**plan_to_json(plan_from_file(planned["dir"] / "again.json")), "format_version": 1}
    (planned["dir"] / "again.json").write_text(json.dumps(again, indent=4, sort_keys=True), encoding="utf-8")
    capsys.readouterr()
    assert run(["apply", "again.json"]) == 1
    assert "is a plan file of format 1" in capsys.readouterr().err


def test_the_store_key_is_never_printed_nor_in_a_plan(
    planned: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    key = _store_key()
    forms = [key.hex(), key.hex().upper(), base64.b64encode(key).decode(), base64.urlsafe_b64encode(key).decode()]
    assert run(["plan", "-o", "again.json", "--format", "json"]) == 0
    assert run(["apply", "plan.json"]) == 0
    assert run(["state", "show", "--format", "json"]) == 0
    assert run(["show", "again.json", "--format", "json"]) == 0
    printed = capsys.readouterr()
    saved = (gzip.decompress(p.read_bytes()).decode() for p in planned["dir"].glob("*.json"))
    texts = [printed.out, printed.err, *saved]
    assert not [form for form in forms for text in texts if form in text]
