"""The JSON Schema (2020-12) of `sfsync.yaml`, generated from the models with a stable order.

The descriptions of the models' fields are their attribute docstrings, read from the source here, when
a schema is made: the models do not read them when they are built (`use_attribute_docstrings` walks the
interpreter's frames and source files for every class), so loading a config never pays for them.
"""

from __future__ import annotations

import ast
import inspect
import json
import textwrap
from itertools import pairwise
from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from sfsync.config.models import Config

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def json_schema() -> dict[str, Any]:
    """The schema editors and `jsonschema` use; `$defs` sorted so regenerating never reorders it."""
    generated = Config.model_json_schema(by_alias=True, mode="validation", schema_generator=_DocumentedSchema)
    definitions = generated.pop("$defs", {})
    schema: dict[str, Any] = {"$schema": SCHEMA_DIALECT, **generated}
    schema["title"] = "sfsync.yaml"
    schema["$defs"] = {name: definitions[name] for name in sorted(definitions)}
    return schema


def schema_text() -> str:
    """The schema as committed: two-space indented JSON with a final newline."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


class _DocumentedSchema(GenerateJsonSchema):
    """pydantic's generator, with each model field's attribute docstring as its description.

    The docstring goes where pydantic puts a field's description (its schema's `pydantic_js_updates`), so
    the schema is the one `use_attribute_docstrings` gives; a description given with `Field` wins."""

    def model_schema(self, schema: core_schema.ModelSchema) -> JsonSchemaValue:
        docstrings = attribute_docstrings(schema["cls"])
        if docstrings:
            schema = schema.copy()
            schema["schema"] = _with_docstrings(schema["schema"], docstrings)
        return super().model_schema(schema)


def _with_docstrings(schema: Any, docstrings: dict[str, str]) -> Any:
    """The model's fields schema with the docstrings, through the validators wrapped around it (a
    `mode="before"` model validator wraps the fields)."""
    if schema["type"] == "model-fields":
        fields = {name: _described(field, docstrings.get(name)) for name, field in schema["fields"].items()}
        return {**schema, "fields": fields}
    if "schema" in schema:
        return {**schema, "schema": _with_docstrings(schema["schema"], docstrings)}
    return schema


def _described(field: core_schema.ModelField, docstring: str | None) -> core_schema.ModelField:
    metadata: dict[str, Any] = dict(field.get("metadata") or {})
    updates = dict(metadata.get("pydantic_js_updates") or {})
    if docstring is None or "description" in updates:
        return field
    metadata["pydantic_js_updates"] = {**updates, "description": docstring}
    return {**field, "metadata": metadata}


def attribute_docstrings(cls: type) -> dict[str, str]:
    """Attribute name → the string written right after its annotated assignment in the class body."""
    try:
        source = inspect.getsource(cls)
    except (OSError, TypeError):  # no source (a frozen build): the schema goes without descriptions
        return {}
    body = next(node for node in ast.parse(textwrap.dedent(source)).body if isinstance(node, ast.ClassDef)).body
    return {
        target.target.id: inspect.cleandoc(text.value.value)
        for target, text in pairwise(body)
        if isinstance(target, ast.AnnAssign)
        and isinstance(target.target, ast.Name)
        and isinstance(text, ast.Expr)
        and isinstance(text.value, ast.Constant)
        and isinstance(text.value.value, str)
    }
