"""The plan file: the plan's JSON form as text, as `plan -o` saves it and `show` and `apply` read it.

The file holds exactly `plan_to_json`'s document. Its layout is one line per top-level key and one
line per entry of a top-level list (a record change, a skip, …), so saved plans diff per record, and
a large plan is written piece by piece by the C JSON encoder, never as one string of it all.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from sfsync.engine.plans.json_form import plan_from_json, plan_to_json
from sfsync.engine.plans.plan import Plan
from sfsync.errors import UsageError

# One shot and no `indent`: only then does `encode` run the C encoder (`json.dump` and `indent` run Python).
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode
_OUTER, _INNER = "\n  ", "\n    "


def plan_to_text(plan: Plan) -> str:
    return "".join(plan_file_chunks(plan_to_json(plan)))


def plan_file_chunks(document: Mapping[str, Any]) -> Iterator[str]:
    """The plan file's text in pieces of at most one record change each; a newline ends it."""
    return document_chunks(document, lambda value, _newline: _ENCODE(value))


def document_chunks(document: Mapping[str, Any], encode: Callable[[Any, str], str]) -> Iterator[str]:
    """`document` a line per top-level key and per entry of a non-empty top-level list, a newline at the end.

    `encode(value, newline)` writes one value; a value on several lines starts each later one with `newline`.
    """
    if not document:
        yield "{}\n"
        return
    for index, (key, value) in enumerate(document.items()):
        yield f"{',' if index else '{'}{_OUTER}{encode(str(key), _OUTER)}: "
        if isinstance(value, list | tuple) and value:
            yield "["
            yield from (f"{',' if i else ''}{_INNER}{encode(item, _INNER)}" for i, item in enumerate(value))
            yield f"{_OUTER}]"
        else:
            yield encode(value, _OUTER)
    yield "\n}\n"


def plan_document(text: str) -> Any:
    """A plan file parsed, not yet checked; text that is not JSON is a usage error."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise UsageError(f"not a plan file: {error}") from error


def plan_from_text(text: str) -> Plan:
    return plan_from_json(plan_document(text))
