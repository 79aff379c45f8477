"""The plan's JSON form: what `show` renders, and, record by record, what `plan -o` saves.

`plan_json` gives stable key order and the derived `counts` and `appliable`, its record lists read
one record at a time from the plan (`plan_to_json` holds them as lists, for small plans and tests);
`plan_head_json` is everything but the records (a plan file's header). `plan_from_json` rebuilds the
frozen value, and a document of an unknown `format_version` or of the wrong shape is a usage error,
never a traceback. Each part's JSON form, both ways, is the plan's codec's (plans/codec.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sfsync.engine.plans.codec import RECORD_LISTS, RECORD_TYPES, decode, encode, head_json, plan_from_head
from sfsync.engine.plans.plan import FORMAT_VERSION, Plan
from sfsync.engine.plans.records import mapped
from sfsync.errors import UsageError

# Versions whose JSON form this sfsync reads: 1 differs from 2 only in the file that holds it.
READABLE_VERSIONS = (1, FORMAT_VERSION)


def plan_json(plan: Plan) -> dict[str, Any]:
    """The plan's JSON form, its record lists read one record at a time (never all held)."""
    document = plan_head_json(plan)
    lists = {name: mapped(getattr(plan, name), encode) for name in RECORD_LISTS}
    return {**dict(_before_records(document)), **lists, **dict(_after_records(document))}


def plan_to_json(plan: Plan) -> dict[str, Any]:
    """The plan's JSON form with its records as lists: stable key order, `counts` and `appliable` derived."""
    return {key: list(value) if key in RECORD_LISTS else value for key, value in plan_json(plan).items()}


def plan_head_json(plan: Plan) -> dict[str, Any]:
    """Everything of the plan's JSON form but its records: what a plan file's header holds."""
    return {**head_json(plan), "counts": plan.counts(), "appliable": plan.appliable}


_HEAD_BEFORE_RECORDS = (
    "format_version",
    "tool_version",
    "fingerprint",
    "mode",
    "write_enabled",
    "config_diff",
    "diagnostics",
)


def _before_records(document: Mapping[str, Any]) -> list[tuple[str, Any]]:
    return [(key, value) for key, value in document.items() if key in _HEAD_BEFORE_RECORDS]


def _after_records(document: Mapping[str, Any]) -> list[tuple[str, Any]]:
    return [(key, value) for key, value in document.items() if key not in _HEAD_BEFORE_RECORDS]


def check_version(data: Any) -> None:
    """A plan document of a format this sfsync does not read is a usage error naming both versions."""
    version = data.get("format_version") if isinstance(data, dict) else None
    if version not in READABLE_VERSIONS:
        raise UsageError(f"unsupported plan format_version {version!r} (this sfsync reads {FORMAT_VERSION})")


def plan_from_json(data: dict[str, Any]) -> Plan:
    """Rebuild a plan; an unknown `format_version` or a malformed document is a usage error."""
    check_version(data)
    try:
        return plan_from_parts(
            data, {name: [decode(RECORD_TYPES[name], item) for item in data[name]] for name in RECORD_LISTS}
        )
    except (KeyError, TypeError, ValueError, AttributeError) as error:  # a list or object of the wrong shape
        raise UsageError(f"malformed plan: {error}") from error


def plan_from_parts(head: Mapping[str, Any], records: Mapping[str, Sequence[Any]], *, counted: bool = False) -> Plan:
    """A plan from its head (a header's JSON form) and its record lists; `counted`: the head's `counts` stand."""
    return plan_from_head(head, records, head["counts"] if counted else None)
