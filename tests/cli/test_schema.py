from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from sfsync.cli import run
from sfsync.config import load_document

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "schema" / "sfsync.schema.json"
DOCUMENTS = sorted([*(ROOT / "examples").glob("*/sfsync.yaml"), *(ROOT / "tests/cases/valid").glob("*.yaml")])


def test_committed_schema_is_fresh(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["schema"]) == 0
    printed = capsys.readouterr().out
    assert printed == COMMITTED.read_text(encoding="utf-8"), "the schema is stale: run `make schema`"


def test_schema_is_a_valid_2020_12_schema() -> None:
    schema = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    assert list(schema["$defs"]) == sorted(schema["$defs"])


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_valid_configs_validate_against_the_schema(document: Path) -> None:
    validator = jsonschema.Draft202012Validator(json.loads(COMMITTED.read_text(encoding="utf-8")))
    errors = [error.message for error in validator.iter_errors(load_document(document).value)]
    assert errors == []


@pytest.mark.parametrize(
    "name", ["unknown-top-level-key", "bad-enum-value", "invalid-filter-operator", "bad-auth-method", "wrong-type"]
)
def test_the_schema_rejects_shape_mistakes_too(name: str) -> None:
    validator = jsonschema.Draft202012Validator(json.loads(COMMITTED.read_text(encoding="utf-8")))
    assert not validator.is_valid(load_document(ROOT / "tests/cases/invalid" / f"{name}.yaml").value)


def test_examples_point_editors_at_the_schema() -> None:
    for example in (ROOT / "examples").glob("*/sfsync.yaml"):
        first = example.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../../schema/sfsync.schema.json"
        assert (example.parent / "../../schema/sfsync.schema.json").resolve() == COMMITTED
