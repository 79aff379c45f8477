"""The plan's one codec: a pydantic TypeAdapter per part of the plan, both ways, and the plan's JSON Schema.

Every part is one of the plan's frozen dataclasses (engine/plans/plan.py); its adapter writes it as its
JSON form (keys in field order, open values as plans/json_values says) and reads it back, and the plan's
JSON Schema (render/plan_schema.py) is generated from the same adapters, so the form written, the form
read and the schema published cannot drift apart. Reading keeps each field's default for a key a plan
saved before it existed, and ignores keys it does not know (docs/plan-format.md, compatibility). A value
of the wrong shape is a `ValueError` naming where it is, never pydantic's report. Writing does not warn
of a text where an enumeration is declared: a StrEnum member equals its text, so a part built with the
text (`"error"` for `Severity.ERROR`) is the same value and is written the same. The records, most of a
plan, are written by `record_form` without the adapter's round trip, in the same form (tested so).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError

from sfsync.engine.plans.plan import FORMAT_VERSION, Plan, PlayEntry, RecordChange, Skip
from sfsync.engine.plans.record_form import line, record_json
from sfsync.engine.plans.sections import record_line

_T = TypeVar("_T")
# The plan's record lists, in the order of its JSON form (and of a plan file's sections).
RECORD_TYPES: Mapping[str, type[Any]] = {"changes": RecordChange, "skips": Skip, "play_entries": PlayEntry}
RECORD_LISTS = tuple(RECORD_TYPES)
# The plan value's cache of `counts`, which the JSON form derives; and the records, which it streams.
_NOT_IN_HEAD = frozenset({"tally", *RECORD_LISTS})


_ADAPTERS: dict[type[Any], TypeAdapter[Any]] = {}


def adapter(kind: type[_T]) -> TypeAdapter[_T]:
    """The codec of one part of the plan (built once: building is most of an adapter's cost)."""
    found = _ADAPTERS.get(kind)
    if found is None:
        found = _ADAPTERS[kind] = TypeAdapter(kind)
    return found


def encode(value: Any) -> Any:
    """One part of the plan (a record change, a skip, …) in its JSON form."""
    written = record_json(value)
    return written if written is not None else adapted(value)


def encoded_line(tag: str, record: Any) -> tuple[Any, bytes]:
    """A record's JSON form and its line in a plan file, `{"<tag>": form}` (`sections.record_line`)."""
    form = record_json(record)
    if form is None:
        form = adapted(record)
        return form, record_line(tag, form)
    return form, line(tag, form, record)


def adapted(value: Any) -> Any:
    """`encode` by the adapter alone: the definition `record_form` writes the records by."""
    return adapter(type(value)).dump_python(value, mode="json", warnings=False)


def decode(kind: type[_T], data: Any) -> _T:
    """A part of the plan from its JSON form; the wrong shape is a `ValueError` saying where."""
    try:
        return adapter(kind).validate_python(data)
    except ValidationError as error:
        raise ValueError(_first_problem(error)) from None


def head_json(plan: Plan) -> dict[str, Any]:
    """The plan's JSON form but its records: `format_version` and `tool_version` first, in field order."""
    body: dict[str, Any] = adapter(Plan).dump_python(plan, mode="json", exclude=set(_NOT_IN_HEAD), warnings=False)
    return {"format_version": body.pop("format_version"), "tool_version": body.pop("tool_version"), **body}


def plan_from_head(head: Mapping[str, Any], records: Mapping[str, Any], tally: Any = None) -> Plan:
    """A plan from its head's JSON form and its record lists (already read, or read as they are used)."""
    empty = dict.fromkeys(RECORD_LISTS, ())
    plan = decode(Plan, {**head, **empty, "format_version": FORMAT_VERSION, "tally": None})
    return replace(plan, **{name: records[name] for name in RECORD_LISTS}, tally=tally)


def _first_problem(error: ValidationError) -> str:
    problem = error.errors(include_url=False)[0]
    where = ".".join(str(part) for part in problem["loc"])
    return f"{where}: {problem['msg']}" if where else str(problem["msg"])
