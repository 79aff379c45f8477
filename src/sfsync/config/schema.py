"""The JSON Schema (2020-12) of `sfsync.yaml`, generated from the models with a stable order."""

from __future__ import annotations

import json
from typing import Any

from sfsync.config.models import Config

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def json_schema() -> dict[str, Any]:
    """The schema editors and `jsonschema` use; `$defs` sorted so regenerating never reorders it."""
    generated = Config.model_json_schema(by_alias=True, mode="validation")
    definitions = generated.pop("$defs", {})
    schema: dict[str, Any] = {"$schema": SCHEMA_DIALECT, **generated}
    schema["title"] = "sfsync.yaml"
    schema["$defs"] = {name: definitions[name] for name in sorted(definitions)}
    return schema


def schema_text() -> str:
    """The schema as committed: two-space indented JSON with a final newline."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
