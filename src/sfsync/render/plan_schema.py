"""The JSON Schema (2020-12) of the plan's JSON form and of a plan file's lines, from the plan's codec.

The root is the plan's JSON form (what `show --format json` prints); `$defs.PlanFileHeader` is a
plan file's first line and `$defs.PlanFileLine` any later one (a record, or the seal).

`schema/plan.schema.json` is this output, committed; a test fails when it is stale. Regenerate it
with `python -m sfsync.render.plan_schema > schema/plan.schema.json`. Objects do not forbid unknown
properties: a minor (additive) change to the format must not break a reader validating with an older
schema. Enumerations are listed, so a new skip code is visible in the schema's diff. The parts' schemas
are the plan codec's own (engine/plans/codec.py, pydantic), so the schema describes what is read.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

import fastjsonschema
from fastjsonschema import JsonSchemaValueException

from sfsync.engine.plans.codec import adapter
from sfsync.engine.plans.plan import FORMAT_VERSION, Plan

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
_NOT_IN_JSON = frozenset({"tally"})  # the plan value's cache of `counts`, which the JSON form derives


# Plan keys added to format 1 after plans were already saved without them: a reader takes their default.
ADDED_LATER = frozenset({"identity"})
# The same, for keys of a plan's parts: (the part, the key).
PART_KEYS_ADDED_LATER = frozenset({("ObjectEstimate", "guard")})


def plan_schema() -> dict[str, Any]:
    """The schema of what the plan's codec reads (and so of what it writes): every key it writes is required."""
    generated = adapter(Plan).json_schema(ref_template="#/$defs/{model}")
    definitions: dict[str, Any] = generated.pop("$defs")
    for name, definition in definitions.items():
        if "properties" in definition:
            keys = (key for key in definition["properties"] if (name, key) not in PART_KEYS_ADDED_LATER)
            definition["required"] = sorted(keys)
    root = {key: generated[key] for key in ("description", "type", "properties")}
    for name in _NOT_IN_JSON:
        root["properties"].pop(name)
    root["properties"]["format_version"] = {
        "description": "The major version of this format; it changes only when a change would break readers.",
        "const": FORMAT_VERSION,
    }
    root["properties"].update(DERIVED)
    root["required"] = sorted({*root["properties"]} - ADDED_LATER)
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


if __name__ == "__main__":
    print(schema_text(), end="")
