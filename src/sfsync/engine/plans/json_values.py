"""The plan's open values and how they read and write as JSON: a Salesforce value, its digest, or a marker.

A field change's `before`/`after` (a field skip's `before`/`wanted`) is any JSON value Salesforce holds,
a `ValueDigest` for a sensitive field, or, for `after` only, `KnownAfterApply`: the Id of a record the
same apply creates. These annotations tell the plan's codec (plans/codec.py) each one's JSON form; the
plan's dataclasses carry them so that one TypeAdapter per part reads, writes and describes the plan.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import PlainSerializer, PlainValidator, WithJsonSchema

from sfsync.engine.plans.digest import ValueDigest, value_from_json

# How the plan's JSON form (and so every view) shows an Id only apply knows.
KNOWN_AFTER_APPLY = "(known after apply)"
_ANY = {"description": "any JSON value"}
_DIGEST = {
    "description": " ".join(str(ValueDigest.__doc__).split()),
    "type": "object",
    "properties": {"digest": {"type": "string"}},
    "required": ["digest"],
}


@dataclass(frozen=True, slots=True)
class KnownAfterApply:
    """A value only apply knows: the Id of the record that change `ref` creates (a Contact's new Account).

    It is never compared as a value and never sent as one: apply sends the Id its create got back. In
    JSON it is the text `(known after apply)` beside the field change's `ref`, which reading turns back
    into this marker (the field change does, knowing its `ref`).
    """

    ref: str

    def __str__(self) -> str:
        return KNOWN_AFTER_APPLY


def value_to_json(value: Any) -> Any:
    """A plan value's JSON form: a digest as `{"digest": …}`, the marker as its text, anything else as it is."""
    kind = type(value)
    if kind is ValueDigest:
        return {"digest": value.digest}
    if kind is KnownAfterApply:
        return KNOWN_AFTER_APPLY
    return value


_READ = PlainValidator(value_from_json, json_schema_input_type=Any)
_WRITE = PlainSerializer(value_to_json, return_type=Any)
# A Salesforce value as the plan holds it: the value, or a sensitive value's digest.
HeldValue = Annotated[Any, _READ, _WRITE, WithJsonSchema({"anyOf": [_ANY, _DIGEST]})]
# What apply writes: as `HeldValue`, or with the field change's `ref` the marker (its text in JSON).
WrittenValue = Annotated[
    Any,
    _READ,
    _WRITE,
    WithJsonSchema(
        {
            "anyOf": [
                _ANY,
                _DIGEST,
                {"description": " ".join(str(KnownAfterApply.__doc__).split()), "const": KNOWN_AFTER_APPLY},
            ]
        }
    ),
]


def _mapping_to_json(value: Mapping[str, Any]) -> dict[str, Any]:
    return {key: _mapping_to_json(item) if isinstance(item, Mapping) else item for key, item in value.items()}


# A mapping the plan holds read-only (a `MappingProxyType`), written as the JSON object of its items.
AS_OBJECT = PlainSerializer(_mapping_to_json, return_type=dict[str, Any])
