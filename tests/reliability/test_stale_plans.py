"""A saved plan is applied only to the state it was made from.

Each part of the fingerprint is moved after `plan -o plan.json` (the config, the store's serial and
lineage, the org, a describe) and `apply plan.json` is refused, saying what moved, with nothing
written. Data that drifted in Salesforce is not a stale plan: each field changed since the plan is
dropped as a conflict and the rest of the record is written.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from sfsync.cli import run
from sfsync.engine.plans.file import plan_from_file, save_plan
from sfsync.engine.plans.json_form import plan_from_json, plan_to_json
from sfsync.localorg.testing import LocalOrgHandle, local_org
from sfsync.store import open_store

from .world import COMPANIES, PEOPLE, Variant

__all__ = ["local_org"]
pytestmark = pytest.mark.org


@dataclass
class Workdir:
    path: Path
    env: dict[str, str]
    org: LocalOrgHandle
    capfd: pytest.CaptureFixture[str]

    def sfsync(self, *args: str, **env: str) -> tuple[int, str]:
        with pytest.MonkeyPatch.context() as patch:
            for name, value in (self.env | env).items():
                patch.setenv(name, value)
            patch.chdir(self.path)
            code = run(list(args))
        out, err = self.capfd.readouterr()
        return code, out + err

    def lead(self, email: str) -> dict[str, object]:
        sf = self.org.simple_salesforce()
        soql = "SELECT Id, Title, Phone, Sfsync_Intent__c FROM Lead WHERE Email = '{}'"
        (record,) = sf.query(soql.format(email))["records"]
        return dict(record)

    def refused(self, *moved: str, why: str = "the plan is stale") -> None:
        calls = self.org.control("calls")
        code, output = self.sfsync("apply", "plan.json")
        assert code == 1, output
        assert why in output and "Run `sfsync plan" in output, output
        for words in moved:
            assert words in output, output
        after = self.org.control("calls")
        writes = [name for name in after if ".create" in name or ".update" in name or ".upsert" in name]
        assert {n: after[n] for n in writes} == {n: calls.get(n) for n in writes}  # nothing written


@pytest.fixture
def work(local_org: LocalOrgHandle, tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> Iterator[Workdir]:
    local_org.reset()
    env = {
        "SF_INSTANCE_URL": local_org.instance_url,
        "SF_USERNAME": local_org.username,
        "SF_PASSWORD": local_org.password,
        "SF_SECURITY_TOKEN": local_org.security_token,
        "SF_CA_BUNDLE": str(local_org.ca_file),
        "SFSYNC_STORE": f"sqlite:///{tmp_path / 'state' / 'sfsync.db'}",
        "NO_COLOR": "1",
    }
    (tmp_path / "sfsync.yaml").write_text(Variant("leads", "rest").config(), "utf-8")
    (tmp_path / "people.csv").write_text(PEOPLE, "utf-8")
    (tmp_path / "companies.jsonl").write_text(COMPANIES, "utf-8")
    workdir = Workdir(tmp_path, env, local_org, capfd)
    assert workdir.sfsync("workspace", "load", "companies.jsonl", "--object", "company")[0] == 0
    assert workdir.sfsync("workspace", "load", "people.csv", "--object", "person")[0] == 0
    code, output = workdir.sfsync("plan", "-o", "plan.json")
    assert code == 0 and "1 to create, 1 to update" in output, output
    yield workdir
    local_org.reset()


def test_a_changed_config_is_named(work: Workdir) -> None:
    config = work.path / "sfsync.yaml"
    config.write_text(config.read_text("utf-8").replace("LeadSource: Other", "LeadSource: Web"), "utf-8")
    work.refused("the config changed since the plan")


def test_a_store_that_moved_on_is_named(work: Workdir) -> None:
    shutil.copy(work.path / "plan.json", work.path / "first.json")
    assert work.sfsync("apply", "plan.json")[0] == 0  # the store's serial moves on
    shutil.copy(work.path / "first.json", work.path / "plan.json")
    work.refused("the store changed since the plan (serial ")


def test_another_store_is_named(work: Workdir) -> None:
    other = f"sqlite:///{work.path / 'other' / 'sfsync.db'}"
    assert work.sfsync("workspace", "load", "people.csv", "--object", "person", SFSYNC_STORE=other)[0] == 0
    work.env["SFSYNC_STORE"] = other
    # Only the store that made a plan holds the key of its seal: another store refuses it before anything else.
    work.refused("it was made against another store (lineage ", why="the plan was not made by this store")


def test_a_workspace_load_after_the_plan_moves_the_store(work: Workdir) -> None:
    people = work.path / "people.csv"
    people.write_text(people.read_text("utf-8").replace("Codebreaker", "Mathematician"), "utf-8")
    assert work.sfsync("workspace", "load", "people.csv", "--object", "person")[0] == 0
    work.refused("the store changed since the plan")


def test_another_org_is_named(work: Workdir) -> None:
    # Every local org has the same id, so the plan is made to come from another org instead.
    plan = json.loads(json.dumps(plan_to_json(plan_from_file(work.path / "plan.json"))))
    plan["fingerprint"]["org_id"] = "00D000000000099AAA"
    with open_store(work.env["SFSYNC_STORE"]) as store:  # sealed again by the store, as its own plan would be
        save_plan(plan_from_json(plan), work.path / "plan.json", store.plan_key.key())
    work.refused("the org is a different one (00D000000000099AAA → ")


def test_a_changed_describe_is_named(work: Workdir) -> None:
    # The same org seen by a user whose field-level security hides Lead.Phone: the Lead describe differs.
    restricted = {"SF_USERNAME": "restricted@acme.local", "SF_PASSWORD": "restricted-pass"}
    work.env |= restricted | {"SF_SECURITY_TOKEN": "RESTRICTEDTOKEN"}
    work.refused("the Lead describe changed")


def test_data_that_drifted_is_a_conflict_per_field(work: Workdir) -> None:
    alan = work.lead("alan@bletchley.example")
    work.org.control(f"records/Lead/{alan['Id']}", "PATCH", {"as": "ada@acme.local", "values": {"Title": "Director"}})
    code, output = work.sfsync("apply", "plan.json")
    assert code == 0, output
    assert "Title changed in Salesforce since the plan" in output, output
    after = work.lead("alan@bletchley.example")
    assert after["Title"] == "Director"  # the person's value stays
    assert after["Phone"] == "+1 555 0101" and after["Sfsync_Intent__c"] == "High"  # the rest is written
    joan = work.lead("joan@bletchley.example")
    assert joan["Title"] == "Cryptanalyst"
    code, output = work.sfsync("plan", "--detailed-exitcode")
    assert code == 0, output  # nothing left to write: Title is the person's now
