"""One entry for every view of a plan: redact its JSON form, then render it as text, JSON or Markdown.

All views come from the same plan value (its JSON form), so they cannot disagree; none of them ever
sees a sensitive value, because redaction happens here, before any of them runs. The text and JSON
views are written to their stream as they are made: a large plan is never held as one string.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Collection, Iterator, Mapping
from typing import Any

from sfsync.engine.plans.records import FileRecords
from sfsync.render.lines import Stream, write_batched
from sfsync.render.markdown import render_markdown
from sfsync.render.redact import FieldKey, config_sensitive_fields, note_sensitive_fields, redact_plan
from sfsync.render.summary import PlanSummary, Tally
from sfsync.render.text import write_text

FORMATS = ("text", "json", "markdown")
INDENT = 2


def render_json(plan_json: Mapping[str, Any]) -> str:
    """The plan's JSON form as a document (`show --format json`); pass it through `redact_plan` first."""
    buffer = io.StringIO()
    write_batched(json_chunks(plan_json), buffer)
    return buffer.getvalue()


def json_chunks(plan_json: Mapping[str, Any]) -> Iterator[str]:
    """Exactly `json.dumps(plan_json, indent=2, ensure_ascii=False)` and a newline, one list entry at a time."""
    return document_chunks(plan_json, _dumps)


_OUTER, _INNER = "\n  ", "\n    "


def document_chunks(document: Mapping[str, Any], encode: Callable[[Any, str], str]) -> Iterator[str]:
    """`document` a line per top-level key and per entry of a non-empty top-level list, a newline at the end.

    `encode(value, newline)` writes one value; a value on several lines starts each later one with `newline`.
    A list may be a plan's records read one at a time (`FileRecords`): each is encoded as it is read.
    """
    if not document:
        yield "{}\n"
        return
    for index, (key, value) in enumerate(document.items()):
        yield f"{',' if index else '{'}{_OUTER}{encode(str(key), _OUTER)}: "
        if isinstance(value, list | tuple | FileRecords) and value:
            yield "["
            yield from (f"{',' if i else ''}{_INNER}{encode(item, _INNER)}" for i, item in enumerate(value))
            yield f"{_OUTER}]"
        else:
            yield encode(value, _OUTER)
    yield "\n}\n"


def _dumps(value: Any, newline: str) -> str:
    """`value` as indented JSON, every line after the first starting with `newline`'s indentation."""
    if isinstance(value, FileRecords):  # an empty list of records
        value = list(value)
    return json.dumps(value, indent=INDENT, ensure_ascii=False).replace("\n", newline)


def write_plan_view(
    plan_json: Mapping[str, Any],
    output: str,
    stream: Stream,
    *,
    max_records: int | None = None,
    color: bool = False,
    plan_file: str = "plan.json",
    encrypted: Collection[FieldKey] = (),
) -> None:
    """`output` is one of `FORMATS`; `plan_file` is what the Markdown note tells readers to `sfsync show`."""
    if output not in FORMATS:
        raise ValueError(f"unknown plan format {output!r}; expected one of {', '.join(FORMATS)}")
    if output == "json":
        write_batched(json_chunks(redact_plan(plan_json, encrypted=encrypted)), stream)
        return
    redacted, summary = redacted_and_summary(plan_json, encrypted=encrypted)
    if output == "markdown":
        stream.write(render_markdown(redacted, plan_file=plan_file, summary=summary))
    else:
        write_text(redacted, stream, max_records=max_records, color=color, summary=summary)


def redacted_and_summary(
    plan_json: Mapping[str, Any], *, encrypted: Collection[FieldKey] = ()
) -> tuple[dict[str, Any], PlanSummary]:
    """`redact_plan(plan_json)` and the redacted plan's `summarise`, from one pass over its records.

    A view that shows the summary needs both, and each would otherwise read every record (a plan read
    from its file decodes them again on every pass): the changes are read once here, each one counted
    and searched for sensitive fields as it comes.
    """
    tally = Tally()
    found = config_sensitive_fields(plan_json, encrypted)
    for change in plan_json.get("changes", []):
        tally.change(change)
        note_sensitive_fields(change, found)
    for skip in plan_json.get("skips", []):
        tally.skip(skip)
    sensitive = frozenset(found)
    summary = tally.summary(plan_json.get("diagnostics", []), hidden=sensitive)
    return redact_plan(plan_json, sensitive=sensitive), summary


def render_plan_view(
    plan_json: Mapping[str, Any],
    output: str,
    *,
    max_records: int | None = None,
    color: bool = False,
    plan_file: str = "plan.json",
    encrypted: Collection[FieldKey] = (),
) -> str:
    """`write_plan_view` into one string, for callers that want the whole view."""
    buffer = io.StringIO()
    write_plan_view(
        plan_json, output, buffer, max_records=max_records, color=color, plan_file=plan_file, encrypted=encrypted
    )
    return buffer.getvalue()
