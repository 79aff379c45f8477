"""One entry for every view of a plan: redact its JSON form, then render it as text, JSON or Markdown.

All views come from the same plan value (its JSON form), so they cannot disagree; none of them ever
sees a sensitive value, because redaction happens here, before any of them runs.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from typing import Any

from sfsync.render.markdown import render_markdown
from sfsync.render.redact import FieldKey, redact_plan
from sfsync.render.text import render_text

FORMATS = ("text", "json", "markdown")


def render_json(plan_json: Mapping[str, Any]) -> str:
    """The plan's JSON form as a document (`show --format json`); pass it through `redact_plan` first."""
    return json.dumps(plan_json, indent=2, ensure_ascii=False) + "\n"


def render_plan_view(
    plan_json: Mapping[str, Any],
    output: str,
    *,
    max_records: int | None = None,
    color: bool = False,
    plan_file: str = "plan.json",
    encrypted: Collection[FieldKey] = (),
) -> str:
    """`output` is one of `FORMATS`; `plan_file` is what the Markdown note tells readers to `sfsync show`."""
    redacted = redact_plan(plan_json, encrypted=encrypted)
    if output == "json":
        return render_json(redacted)
    if output == "markdown":
        return render_markdown(redacted, plan_file=plan_file)
    if output == "text":
        return render_text(redacted, max_records=max_records, color=color)
    raise ValueError(f"unknown plan format {output!r}; expected one of {', '.join(FORMATS)}")
