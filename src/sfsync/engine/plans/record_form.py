"""The JSON form of the plan's records (changes, skips, play entries), written without pydantic.

A plan holds one record per person and company, so their encoding is on the hot path of every plan,
and most of pydantic's serializer time there went into calling back into Python for each open value.
These encoders build the same JSON form directly: the same keys in field order and the same values
as the codec's adapters (plans/codec.py) write, which stay the one definition of the plan's form (the
schema is generated from them, and reading always goes through them). The codec's tests hold the two
to each other for every kind of record: equal values and equal JSON text.

Only the values Salesforce fields hold in a plan are written here: text, whole numbers, finite floats,
booleans, null, a sensitive value's digest and the known-after-apply marker. A record holding any
other value (a `Decimal`, a date, a list) is `None` here, and the codec writes it with its adapter.

`line` writes a record's line (`sections.record_line`) with pydantic-core's JSON writer, which writes
these values as Python's `json` does (compact, text unescaped but for `"`, `\\` and control characters)
except floats (`1e-7` for `1e-07`): a record holding a float is written by `json`, as before.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from pydantic_core import PydanticSerializationError, to_json

from sfsync.engine.plans.digest import DIGEST_KEY, ValueDigest
from sfsync.engine.plans.identity import WorkspaceRef
from sfsync.engine.plans.json_values import KNOWN_AFTER_APPLY, KnownAfterApply
from sfsync.engine.plans.plan import FieldChange, FieldSkip, PlayEntry, RecordChange, Skip
from sfsync.engine.plans.sections import record_line

_PLAIN = frozenset({str, int, bool, type(None)})


class _Other(Exception):
    """A value this module does not write: the record goes to the codec's adapter instead."""


def record_json(record: Any) -> dict[str, Any] | None:
    """A change's, skip's or play entry's JSON form, as the codec writes it; None for another part of
    the plan, or a record holding a value only the adapter writes."""
    writer = _WRITERS.get(type(record))
    if writer is None:
        return None
    try:
        return writer(record)
    except _Other:
        return None


def line(tag: str, form: dict[str, Any], record: Any) -> bytes:
    """`sections.record_line(tag, form)` for `form`, the JSON form `record_json` wrote of `record`."""
    if type(record) is RecordChange and _holds_float(record):
        return record_line(tag, form)
    try:
        return b'{"%b":%b}\n' % (tag.encode(), to_json(form))
    except PydanticSerializationError:  # a lone surrogate: `json` says what is wrong with it
        return record_line(tag, form)


def _holds_float(change: RecordChange) -> bool:
    """Whether an open value of the change is a float (the only values a record holds that are not text,
    whole numbers, booleans, null or a digest's text)."""
    for field in change.fields:
        if type(field.before) is float or type(field.after) is float:
            return True
    return any(type(skip.before) is float or type(skip.wanted) is float for skip in change.skipped_fields)


def _value(value: Any) -> Any:
    """An open value's JSON form (`json_values.value_to_json`), for the values a plan holds."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is ValueDigest:
        return {DIGEST_KEY: value.digest}
    if kind is KnownAfterApply:
        return KNOWN_AFTER_APPLY
    if kind is float and math.isfinite(value):
        return value
    raise _Other


def _workspace(ref: WorkspaceRef) -> dict[str, Any]:
    return {"kind": str(ref.kind), "id": ref.id, "label": ref.label}


def _field_change(change: FieldChange) -> dict[str, Any]:
    return {
        "field": change.field,
        "before": _value(change.before),
        "after": _value(change.after),
        "source": change.source,
        "policy": str(change.policy),
        "reason": change.reason,
        "ref": change.ref,
        "sensitive": change.sensitive,
    }


def _field_skip(skip: FieldSkip) -> dict[str, Any]:
    return {
        "field": skip.field,
        "before": _value(skip.before),
        "wanted": _value(skip.wanted),
        "code": str(skip.code),
        "reason": skip.reason,
        "sensitive": skip.sensitive,
    }


def _change(change: RecordChange) -> dict[str, Any]:
    return {
        "key": change.key,
        "sobject": change.sobject,
        "action": str(change.action),
        "workspace": _workspace(change.workspace),
        "sf_id": change.sf_id,
        "match": change.match,
        "fields": [_field_change(field) for field in change.fields],
        "skipped_fields": [_field_skip(skip) for skip in change.skipped_fields],
        "batch": change.batch,
        "plays": list(change.plays),
        "intent": change.intent,
    }


def _skip(skip: Skip) -> dict[str, Any]:
    return {
        "workspace": _workspace(skip.workspace),
        "sobject": skip.sobject,
        "code": str(skip.code),
        "reason": skip.reason,
        "sf_id": skip.sf_id,
    }


def _entry(entry: PlayEntry) -> dict[str, Any]:
    return {"play": entry.play, "kind": str(entry.kind), "workspace_id": entry.workspace_id, "entered": entry.entered}


_WRITERS: dict[type[Any], Callable[[Any], dict[str, Any]]] = {RecordChange: _change, Skip: _skip, PlayEntry: _entry}
