"""`schema/plan.schema.json` is generated from the plan's dataclasses, fresh, and true of real plans."""

from __future__ import annotations

import copy
import gzip
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from plan_cases import CASES, case_json

from sfsync.catalogue import Kind
from sfsync.config import load_config
from sfsync.engine.planning.planner import make_plan
from sfsync.engine.plans.file import save_plan
from sfsync.engine.plans.json_form import plan_from_json, plan_to_json
from sfsync.render.plan_schema import plan_problems, plan_schema, schema_text
from sfsync.store import open_store
from sfsync.store.workspace import RecordUpdate

ROOT = Path(__file__).resolve().parents[3]
COMMITTED = ROOT / "schema" / "plan.schema.json"
sys.path.insert(0, str(ROOT / "tests" / "unit" / "engine"))

from fake_port import FakePort, custom_field  # noqa: E402 - the engine's own fake, found on the path above

CONFIG = """\
version: 1
connection:
  instance_url: ${SF_INSTANCE_URL}
  auth:
    method: session
    access_token: ${SF_ACCESS_TOKEN}
sync: {write: true, person_object: contacts_and_accounts}
mappings:
  Account: {Name: company.name, Website: {from: company.domain, direction: read_write}}
  Contact: {Email: {from: person.email, direction: read_write}, LastName: person.last_name}
plays:
  - name: everyone
    audience: {object: person}
    sync_to_salesforce: {}
"""


def strict(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with unknown properties refused: every key a plan holds must be described."""
    result = copy.deepcopy(schema)
    for node in [result, *result["$defs"].values()]:
        if node.get("type") == "object" and "properties" in node:
            node["additionalProperties"] = False
    return result


def real_plan(tmp_path: Path) -> dict[str, Any]:
    config = tmp_path / "sfsync.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    store = open_store(f"sqlite:///{tmp_path / 'sfsync.db'}")
    try:
        company = RecordUpdate(Kind.COMPANY, 2, None, "acme.example", {"domain": "acme.example", "name": "Acme"}, {})
        person = RecordUpdate(
            Kind.PERSON, 2, None, "ada@acme.example",
            {"email": "ada@acme.example", "last_name": "Lovelace", "company_domain": "acme.example"}, {},
        )  # fmt: skip
        store.workspace.upsert(Kind.COMPANY, [company])
        store.workspace.upsert(Kind.PERSON, [person])
        port = FakePort({name: [custom_field("Sfsync_Id__c", external_id=True)] for name in ("Account", "Contact")})
        plan = make_plan(port, store, load_config(config))
    finally:
        store.close()
    return json.loads(json.dumps(plan_to_json(plan)))


def test_the_committed_schema_is_fresh() -> None:
    assert (
        COMMITTED.read_text(encoding="utf-8") == schema_text()
    ), "schema/plan.schema.json is stale: run `python -m sfsync.render.plan_schema > schema/plan.schema.json`"


def test_the_schema_is_a_valid_2020_12_schema() -> None:
    Draft202012Validator.check_schema(plan_schema())


@pytest.mark.parametrize("name", sorted(CASES))
def test_hand_built_plans_match_the_schema(name: str) -> None:
    body = json.loads(json.dumps(case_json(name)))
    Draft202012Validator(strict(plan_schema())).validate(body)


def test_a_real_plan_matches_the_schema(tmp_path: Path) -> None:
    body = real_plan(tmp_path)
    assert [c["action"] for c in body["changes"]] == ["create", "create"]
    Draft202012Validator(strict(plan_schema())).validate(body)


def test_the_schema_refuses_another_major_version_and_unknown_codes() -> None:
    validator = Draft202012Validator(plan_schema())
    body = json.loads(json.dumps(case_json("every_skip")))
    assert validator.is_valid(body)
    assert not validator.is_valid({**body, "format_version": 1})
    assert not validator.is_valid({**body, "format_version": 3})
    body["skips"][0]["code"] = "because"
    assert not validator.is_valid(body)


def test_additive_keys_do_not_break_readers_of_the_published_schema() -> None:
    body = json.loads(json.dumps(case_json("first_apply")))
    body["a_field_added_later"] = {"anything": 1}
    body["changes"][0]["also_new"] = True
    assert Draft202012Validator(plan_schema()).is_valid(body)


def schema_keys(schema: dict[str, Any]) -> set[str]:
    keys = set(schema["properties"])
    for definition in schema["$defs"].values():
        keys |= set(definition.get("properties", {}))
    return keys


def test_the_format_document_describes_every_key() -> None:
    document = (ROOT / "docs" / "plan-format.md").read_text(encoding="utf-8")
    missing = sorted(key for key in schema_keys(plan_schema()) if f"`{key}`" not in document)
    assert not missing, f"docs/plan-format.md does not describe {missing}"


def test_every_line_of_a_saved_plan_file_matches_its_definition(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    save_plan(plan_from_json(case_json("every_skip")), path, bytes(32))
    schema = plan_schema()
    header, *lines = (json.loads(line) for line in gzip.decompress(path.read_bytes()).splitlines())
    definitions = schema["$defs"]
    Draft202012Validator({"$defs": definitions, **definitions["PlanFileHeader"]}).validate(header)
    line_schema = Draft202012Validator({"$defs": definitions, **definitions["PlanFileLine"]})
    assert len(lines) > 2 and all(line_schema.is_valid(line) for line in lines)
    assert not line_schema.is_valid({"change": {"key": 1}}) and not line_schema.is_valid({"seal": "edited"})
    assert plan_problems(header, "header") == [] and plan_problems({**header, "records": {}}, "header") != []
