"""The plan as Markdown for a pull-request comment or `GITHUB_STEP_SUMMARY`, from its (redacted) JSON form.

The summary table sits above the fold, with a banner when the plan overwrites values (fields sfsync
owns) or meets conflicts; the records follow in one `<details>` block per object. The result is
never longer than `limit` characters (GitHub refuses comments over 65,536): records are cut, each
object keeping a fair share, and a note says how many are hidden and how to see the full plan.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template

from sfsync.engine.plans.records import FileRecords
from sfsync.render.estimates import estimates_phrase
from sfsync.render.summary import PlanSummary, folded, is_overwrite, plural, shown, summarise

LIMIT = 65_536
# Kept free for what is rendered after the records are cut: the note, the footer, closing tags.
RESERVE = 1_200
LIST_LIMIT = 100
SKIP_HEADER = "| Reason | Object | Record | Why |\n|:--|:--|:--|:--|\n"
RECORD_HEADER = "| | Record | Field | Before | After | Why |\n|:-:|:--|:--|:--|:--|:--|\n"
IDENTITY_HEADER = "| Change | Record | Salesforce | Key | Why |\n|:--|:--|:--|:--|:--|\n"
_MARKS = {"added": "+", "removed": "-", "changed": "~"}


@dataclass(frozen=True)
class Section:
    """One `<details>` block: a title, a table header, and its items rendered one fragment each."""

    title: str
    noun: str
    header: str
    items: Sequence[Mapping[str, Any]]
    render: Callable[[Mapping[str, Any]], str]


@dataclass(frozen=True)
class CutSection:
    title: str
    noun: str
    header: str
    body: str
    shown: int
    hidden: int


def render_markdown(
    plan_json: Mapping[str, Any],
    *,
    plan_file: str = "plan.json",
    limit: int = LIMIT,
    summary: PlanSummary | None = None,
) -> str:
    """The Markdown view, at most `limit` characters; pass the plan through `redact_plan` first.

    `summary` is the plan's `summarise`, when the caller counted it already (`views.redacted_and_summary`)."""
    summary = summarise(plan_json) if summary is None else summary
    sections = _sections(plan_json, summary)
    context = _context(plan_json, summary, plan_file, limit)
    frame = _template("plan.md.j2").render(**context, sections=[_cut(s, 0) for s in sections], hidden=True)
    cut = _fit(sections, limit - len(frame) - RESERVE)
    hidden = sum(s.hidden for s in cut)
    context.update(shown_records=sum(s.shown for s in cut), total_records=sum(len(s.items) for s in sections))
    text = _template("plan.md.j2").render(**context, sections=cut, hidden=hidden)
    return text if len(text) <= limit else _hard_cut(text, limit, plan_file)


def _context(plan: Mapping[str, Any], summary: PlanSummary, plan_file: str, limit: int) -> dict[str, Any]:
    diff = list(plan.get("config_diff", []))
    first_apply = bool(diff) and diff[0].get("kind") == "initial"
    estimates = estimates_phrase(plan)
    return {
        "plan": plan,
        "summary": summary,
        "plan_file": plan_file,
        "limit": limit,
        "list_limit": LIST_LIMIT,
        "estimates": _text(estimates),
        "first_apply": first_apply,
        "config_diff": [] if first_apply else [_config_line(c) for c in diff],
        "shown_records": 0,
        "total_records": 0,
    }


def _config_line(change: Mapping[str, Any]) -> dict[str, str]:
    kind = str(change["kind"])
    before, after = change.get("before"), change.get("after")
    values = ""
    if not isinstance(before, dict | list) and not isinstance(after, dict | list):
        parts = [_value(v) for v in (before, after) if v is not None]
        values = ": " + " → ".join(parts) if parts else ""
    return {
        "mark": _MARKS.get(kind.rpartition("_")[2], "~"),
        "kind": kind.replace("_", " "),
        "path": str(change["path"]),
        "shown": values,
    }


def _sections(plan: Mapping[str, Any], summary: PlanSummary) -> list[Section]:
    record = _template("record.md.j2")
    identity = list(plan.get("identity", []))
    sections = []
    if identity:  # first: it explains records whose key or Salesforce record changed below
        row = _template("identity.md.j2")
        title = f"Identity changes ({len(identity)})"
        sections.append(Section(title, "identity change", IDENTITY_HEADER, identity, lambda i: row.render(identity=i)))
    changes = plan.get("changes", [])
    for item in summary.objects:
        if item.records:
            title = f"{item.name}: {item.creates} to create, {item.updates} to update"
            records = _matching(changes, item.records, item.name)
            sections.append(Section(title, "record change", RECORD_HEADER, records, lambda c: _record(record, c)))
    skips = _sorted_skips(plan.get("skips", []))
    if skips:
        skip = _template("skip.md.j2")
        sections.append(
            Section(
                f"Skipped records ({len(skips)})", "skipped record", SKIP_HEADER, skips, lambda s: skip.render(skip=s)
            )
        )
    return sections


Item = Mapping[str, Any]


def _matching(changes: Sequence[Item], count: int, sobject: str) -> Sequence[Item]:
    """The `count` changes to `sobject`, in plan order, read afresh on each pass."""
    return FileRecords(count, lambda: (change for change in changes if change["sobject"] == sobject))


def _sort_key(skip: Mapping[str, Any]) -> tuple[str, str]:
    return (str(skip["code"]), str(skip.get("sobject") or ""))


def _sorted_skips(skips: Sequence[Mapping[str, Any]]) -> Sequence[Mapping[str, Any]]:
    """Skips sorted by code and object (plan order within one), a pass per pair: never all held."""
    keys = sorted(Counter(_sort_key(s) for s in skips).items())

    def ordered() -> Iterator[Mapping[str, Any]]:
        for key, _count in keys:
            yield from (s for s in skips if _sort_key(s) == key)

    return FileRecords(sum(n for _key, n in keys), ordered)


def _record(template: Template, change: Mapping[str, Any]) -> str:
    change = folded(change)
    fields = [{**f, "overwrite": is_overwrite(change, f)} for f in change.get("fields", [])]
    return template.render(change={**change, "fields": fields})


def _fit(sections: Sequence[Section], budget: int) -> list[CutSection]:
    """Each section gets an equal share of what is left; what one leaves unused passes to the next."""
    cut: list[CutSection] = []
    left = max(budget - sum(len(s.title) + len(s.header) + 80 for s in sections), 0)
    for index, section in enumerate(sections):
        share = left // (len(sections) - index)
        result = _cut(section, share)
        left -= len(result.body)
        cut.append(result)
    return cut


def _cut(section: Section, budget: int) -> CutSection:
    parts: list[str] = []
    used = 0
    for item in section.items:
        fragment = section.render(item)
        if used + len(fragment) > budget:
            break
        parts.append(fragment)
        used += len(fragment)
    hidden = len(section.items) - len(parts)
    return CutSection(section.title, section.noun, section.header if parts else "", "".join(parts), len(parts), hidden)


def _hard_cut(text: str, limit: int, plan_file: str) -> str:
    """Last resort, should the frame alone be too long: cut at a line and close every open block."""
    note = f"\n\n</details>\n\n> [!NOTE]\n> Truncated. See the full plan with `sfsync show {plan_file}`.\n"
    head = text[: max(limit - len(note), 0)]
    return head[: head.rfind("\n") + 1] + note


@lru_cache(maxsize=1)
def _environment() -> Environment:
    # Markdown, not HTML: autoescape would mangle it; every value goes through `text`, `code` or `value`.
    env = Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        undefined=StrictUndefined,
        autoescape=False,  # noqa: S701
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(text=_text, code=_code, value=_value, count_of=plural)
    return env


def _template(name: str) -> Template:
    return _environment().get_template(name)


def _text(value: Any) -> str:
    """Prose in a table cell or a line: no HTML, no table breaks, no @mentions, no emphasis by accident."""
    escaped = str(value)
    for char in "\\`*_[]#~":
        escaped = escaped.replace(char, "\\" + char)
    escaped = html.escape(escaped, quote=False).replace("|", "&#124;").replace("@", "&#64;")
    return " ".join(escaped.split())


def _code(value: Any) -> str:
    """Text inside `<code>`: HTML-escaped, pipes and newlines neutralised."""
    escaped = html.escape(str(value), quote=False).replace("|", "&#124;").replace("@", "&#64;")
    return " ".join(escaped.split("\n"))


def _value(value: Any) -> str:
    if value is None or value == "":
        return "_(empty)_"
    if isinstance(value, str) and value.startswith("(") and value.endswith(")"):
        return f"_{_code(value)}_"
    return f"<code>{_code(shown(value))}</code>"
