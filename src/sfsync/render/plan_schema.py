"""The JSON Schema (2020-12) of the plan's JSON form and of a plan file's lines, from the plan's dataclasses.

The root is the plan's JSON form (what `show --format json` prints); `$defs.PlanFileHeader` is a
plan file's first line and `$defs.PlanFileLine` any later one (a record, or the seal).

`schema/plan.schema.json` is this output, committed; a test fails when it is stale. Regenerate it
with `python -m sfsync.render.plan_schema > schema/plan.schema.json`. Objects do not forbid unknown
properties: a minor (additive) change to the format must not break a reader validating with an older
schema. Enumerations are listed, so a new skip code is visible in the schema's diff.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import enum
import functools
import json
import types
import typing
from collections.abc import Callable
from typing import Any

import fastjsonschema
from fastjsonschema import JsonSchemaValueException

from sfsync.engine.plans import plan as plan_module
from sfsync.engine.plans.plan import FORMAT_VERSION, KNOWN_AFTER_APPLY, KnownAfterApply, Plan

DIALECT = "https://json-schema.org/draft/2020-12/schema"
# Keys `plan_to_json` adds to the dataclass fields: derived, for readers that do not recompute them.
DERIVED: dict[str, dict[str, Any]] = {
    "counts": {
        "description": "Per object (or workspace kind, for skips without one): creates, updates and skips.",
        "type": "object",
        "additionalProperties": {
            "type": "object",
            "properties": {name: {"type": "integer", "minimum": 0} for name in ("create", "update", "skip")},
            "required": ["create", "update", "skip"],
        },
    },
    "appliable": {"description": "False when any diagnostic is an error: apply refuses the plan.", "type": "boolean"},
}

RECORD_LISTS = {"changes": "RecordChange", "skips": "Skip", "play_entries": "PlayEntry"}
TAGS = {"change": "RecordChange", "skip": "Skip", "play_entry": "PlayEntry"}
SECTION = {
    "description": "One list of records in the file: its line count, where its gzip members lie (bytes "
    "after the header's member) and the SHA-256 of its decompressed lines, which the seal covers.",
    "type": "object",
    "properties": {
        "count": {"type": "integer", "minimum": 0},
        "offset": {"type": "integer", "minimum": 0},
        "length": {"type": "integer", "minimum": 0},
        "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
    },
    "required": ["count", "length", "offset", "sha256"],
}
SEAL = {
    "description": (
        "The plan file's last line: HMAC-SHA256, keyed by a secret only the store that made the plan "
        "holds, over the header line (which holds every section's SHA-256); null when saved without a "
        "store. Apply refuses a plan whose seal is missing or does not match."
    ),
    "anyOf": [{"type": "string", "pattern": "^hmac-sha256:[0-9a-f]{64}$"}, {"type": "null"}],
}
_NOT_IN_JSON = frozenset({"tally"})


# Plan keys added to format 1 after plans were already saved without them: a reader takes their default.
ADDED_LATER = frozenset({"identity"})
# The same, for keys of a plan's parts: (the part, the key).
PART_KEYS_ADDED_LATER = frozenset({("ObjectEstimate", "guard")})


def plan_schema() -> dict[str, Any]:
    definitions: dict[str, Any] = {}
    root = _object_schema(Plan, definitions)
    root["properties"]["format_version"] = {
        "description": "The major version of this format; it changes only when a change would break readers.",
        "const": FORMAT_VERSION,
    }
    root["properties"].update(DERIVED)
    root["required"] = sorted({*root["required"], *DERIVED} - ADDED_LATER)
    definitions.pop(Plan.__name__, None)
    definitions["PlanFileHeader"] = _header_schema(root)
    definitions["PlanFileLine"] = _line_schema()
    return {
        "$schema": DIALECT,
        "title": "sfsync plan",
        **root,
        "$defs": dict(sorted(definitions.items())),
    }


def _header_schema(root: dict[str, Any]) -> dict[str, Any]:
    properties = {k: v for k, v in root["properties"].items() if k not in RECORD_LISTS}
    properties["records"] = {
        "description": "Per list of records, the section of the file that holds it.",
        "type": "object",
        "properties": {name: SECTION for name in RECORD_LISTS},
        "required": sorted(RECORD_LISTS),
    }
    required = sorted({*(k for k in root["required"] if k not in RECORD_LISTS), "records"})
    return {
        "description": "A plan file's first line (its first gzip member): the plan's JSON form but its records.",
        "type": "object",
        "properties": properties,
        "required": required,
    }


def _line_schema() -> dict[str, Any]:
    one = [
        {"type": "object", "properties": {tag: {"$ref": f"#/$defs/{name}"}}, "required": [tag]}
        for tag, name in TAGS.items()
    ]
    seal = {"type": "object", "properties": {"seal": SEAL}, "required": ["seal"]}
    return {
        "description": "A later line of a plan file: one record, tagged by its kind, or the seal.",
        "anyOf": [*one, seal],
    }


def plan_problems(document: Any, part: str = "document") -> list[str]:
    """Where a plan document (or `part`: "header", or a record's tag) departs from this schema, as
    `$.path: message` (empty when it conforms).

    Stops at the first problem: a damaged plan is refused whole, and one precise place is enough to say why.
    """
    try:
        _validator(part)(document)
    except JsonSchemaValueException as error:
        where = "".join(f".{p}" for p in error.path[1:])
        return [f"${where}: {error.message.removeprefix(str(error.name)).strip()[:160]}"]
    return []


@functools.cache
def _validator(part: str) -> Callable[[Any], Any]:
    # A generic validator walks a 100k-change plan for minutes; this one is compiled to Python code once.
    # fastjsonschema implements drafts 4 to 7: the schema uses only keywords those drafts share with 2020-12.
    schema = {**plan_schema(), "$schema": "http://json-schema.org/draft-07/schema#"}
    name = "PlanFileHeader" if part == "header" else TAGS.get(part)
    if name is not None:  # one definition, the others beside it for its references
        schema = {"$schema": schema["$schema"], "$defs": schema["$defs"], **schema["$defs"][name]}
    return fastjsonschema.compile(schema)


def schema_text() -> str:
    return json.dumps(plan_schema(), indent=2, ensure_ascii=False) + "\n"


def _object_schema(cls: type[Any], definitions: dict[str, Any]) -> dict[str, Any]:
    hints = typing.get_type_hints(cls, vars(plan_module))
    properties = {
        field.name: _type_schema(hints[field.name], definitions)
        for field in dataclasses.fields(cls)
        if field.name not in _NOT_IN_JSON
    }
    return {
        "description": _description(cls),
        "type": "object",
        "properties": properties,
        "required": sorted(name for name in properties if (cls.__name__, name) not in PART_KEYS_ADDED_LATER),
    }


def _type_schema(hint: Any, definitions: dict[str, Any]) -> dict[str, Any]:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any:
        return {"description": "any JSON value"}
    if origin in (types.UnionType, typing.Union):
        return {"anyOf": [_type_schema(arg, definitions) for arg in args]}
    if origin in (tuple, collections.abc.Sequence):
        return {"type": "array", "items": _type_schema(args[0], definitions)}
    if origin in (dict, collections.abc.Mapping):
        return {"type": "object", "additionalProperties": _type_schema(args[1], definitions)}
    if hint is KnownAfterApply:  # a value only apply knows: text in JSON, its change named by `ref`
        return {"description": _description(hint), "const": KNOWN_AFTER_APPLY}
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return {"type": "string", "enum": [str(member.value) for member in hint]}
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        if hint.__name__ not in definitions:
            definitions[hint.__name__] = {}  # placeholder first: a dataclass may refer to itself
            definitions[hint.__name__] = _object_schema(hint, definitions)
        return {"$ref": f"#/$defs/{hint.__name__}"}
    return _scalar(hint)


def _scalar(hint: Any) -> dict[str, Any]:
    scalars = {str: "string", int: "integer", bool: "boolean", float: "number", type(None): "null"}
    if hint not in scalars:
        raise TypeError(f"no JSON Schema for {hint!r}")
    return {"type": scalars[hint]}


def _description(cls: type[Any]) -> str:
    doc = cls.__doc__ or ""
    if doc.startswith(f"{cls.__name__}("):  # the dataclass default, not a description
        return cls.__name__
    return " ".join(doc.split())


if __name__ == "__main__":
    print(schema_text(), end="")
