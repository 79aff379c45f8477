"""The plan as text for people, built from its (redacted) JSON form so it agrees with every other view.

Order: the summary per object (creates, updates, field writes, skips by reason, conflicts), then the
config changes, the metadata diagnostics, the record changes (`+` create, `~` update, each field
`before → after` with its reason, `!` a field kept or in conflict) and the skipped records. Record
changes and skipped records fold after `max_records`, with a count of what is hidden.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, TextIO

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sfsync.render.summary import PlanSummary, group_by_object, plural, shown, summarise

WIDTH = 120
_SYMBOL = {"create": ("+", "green"), "update": ("~", "yellow")}
_MARKS = {"added": "+", "removed": "-", "changed": "~"}


def wants_color(stream: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    """Colour only on a terminal, and never when `NO_COLOR` is set to anything (no-color.org)."""
    env = os.environ if environ is None else environ
    return bool(stream.isatty()) and not env.get("NO_COLOR")


def render_text(plan_json: Mapping[str, Any], *, max_records: int | None, color: bool) -> str:
    """The whole text view; pass the plan through `redact_plan` first."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=WIDTH,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        highlight=False,
        emoji=False,
    )
    summary = summarise(plan_json)
    console.print(_header(plan_json))
    if summary.objects:
        console.print(_table(summary))
    for line in _sections(plan_json, summary, max_records):
        console.print(line, soft_wrap=True)
    # rich pads table cells; trailing blanks only make diffs and snapshots noisy
    return "\n".join(line.rstrip() for line in buffer.getvalue().split("\n"))


def _sections(plan: Mapping[str, Any], summary: PlanSummary, limit: int | None) -> Iterator[str]:
    yield from _totals(plan, summary)
    yield from _config_diff(plan.get("config_diff", []))
    yield from _diagnostics(plan.get("diagnostics", []))
    yield from _changes(plan.get("changes", []), limit)
    yield from _skips(plan.get("skips", []), limit)


def _header(plan: Mapping[str, Any]) -> str:
    writing = "writing enabled" if plan.get("write_enabled") else "[yellow]writing disabled (sync.write: false)[/]"
    line = f"[bold]sfsync plan[/] — mode {escape(str(plan.get('mode')))}, {writing}"
    refresh = ", ".join(f"{name} {counts.get('read', 0)} read" for name, counts in plan.get("refresh", {}).items())
    return line + (f"\nRefreshed: {escape(refresh)}" if refresh else "")


def _table(summary: PlanSummary) -> Table:
    table = Table(box=box.SIMPLE_HEAD, title=None, show_edge=False, pad_edge=False)
    table.add_column("Object")
    for name in ("Create", "Update", "Field writes", "Overwrites", "Kept", "Conflicts", "Skipped"):
        table.add_column(name, justify="right")
    for item in summary.objects:
        conflicts = f"[red]{item.conflicts}[/]" if item.conflicts else "0"
        table.add_row(
            escape(item.name),
            *(str(n) for n in (item.creates, item.updates, item.field_writes, item.overwrites, item.fields_kept)),
            conflicts,
            str(item.skipped),
        )
    return table


def _skips_by_reason(summary: PlanSummary) -> Iterator[str]:
    for item in summary.objects:
        if item.skips:
            reasons = ", ".join(f"{code.replace('_', ' ')} {n}" for code, n in sorted(item.skips.items()))
            yield f"Skipped {escape(item.name)}: {escape(reasons)}"


def _totals(plan: Mapping[str, Any], summary: PlanSummary) -> Iterator[str]:
    line = (
        f"[bold]Plan:[/] {summary.total('creates')} to create, {summary.total('updates')} to update "
        f"({plural(summary.total('field_writes'), 'field write')}), {summary.total('skipped')} skipped, "
        f"{plural(summary.total('conflicts'), 'conflict')}."
    )
    calls = ", ".join(
        f"{e['sobject']} {str(e['api']).upper()} ~{plural(int(e['calls']), 'call')}" for e in plan.get("estimates", [])
    )
    yield from _skips_by_reason(summary)
    yield line + (f" API: {escape(calls)}." if calls else "")
    if not plan.get("changes"):
        yield "No changes to write."
    if summary.total("overwrites"):
        values = plural(summary.total("overwrites"), "existing Salesforce value")
        yield f"[yellow]Overwrites {values} (fields sfsync owns, or still holding what it wrote).[/]"
    if summary.errors:
        yield f"[red]{plural(summary.errors, 'error')}: this plan cannot be applied.[/]"
    yield ""


def _config_diff(diff: Sequence[Mapping[str, Any]]) -> Iterator[str]:
    if not diff:
        yield from ("Config: unchanged since the last apply.", "")
        return
    if diff[0].get("kind") == "initial":
        yield from ("Config: first apply (nothing applied yet).", "")
        return
    yield "[bold]Config changes since the last apply:[/]"
    for change in diff:
        kind = str(change["kind"])
        mark = _MARKS.get(kind.rpartition("_")[2], "~")
        detail = _config_values(change)
        yield f"  {mark} {escape(kind.replace('_', ' '))}: {escape(str(change['path']))}{detail}"
    yield ""


def _config_values(change: Mapping[str, Any]) -> str:
    before, after = change.get("before"), change.get("after")
    if isinstance(before, dict | list) or isinstance(after, dict | list):
        return ""
    if before is None and after is None:
        return ""
    if before is None:
        return f" = {escape(shown(after))}"
    if after is None:
        return f" (was {escape(shown(before))})"
    return f" {escape(shown(before))} → {escape(shown(after))}"


def _diagnostics(diagnostics: Sequence[Mapping[str, Any]]) -> Iterator[str]:
    if not diagnostics:
        return
    yield "[bold]Metadata checks:[/]"
    for d in diagnostics:
        where = f"{d['file']}:{d['line']}:{d['column']}: " if d.get("file") else ""
        colour = "red" if d["severity"] == "error" else "yellow"
        yield f"  {escape(where)}[{colour}]{d['severity']}[/]: {escape(str(d['summary']))}"
        if d.get("detail"):
            yield f"    {escape(str(d['detail']))}"
    yield ""


def _changes(changes: Sequence[Mapping[str, Any]], limit: int | None) -> Iterator[str]:
    if not changes:
        yield from ("No record changes.", "")
        return
    yield f"[bold]Record changes ({len(changes)}):[/]"
    shown_changes = changes if limit is None else changes[: max(limit, 0)]
    for sobject, items in group_by_object(shown_changes).items():
        yield f"  [bold]{escape(sobject)}[/]"
        for change in items:
            yield from _change(change)
    hidden = len(changes) - len(shown_changes)
    if hidden:
        by_object = _hidden_by_object(changes, len(shown_changes))
        yield f"  … {plural(hidden, 'more record change')} not shown (--max-records {limit}): {by_object}"
    yield ""


def _hidden_by_object(changes: Sequence[Mapping[str, Any]], shown_count: int) -> str:
    counts = {name: len(items) for name, items in group_by_object(changes[shown_count:]).items()}
    return ", ".join(f"{name} {n}" for name, n in counts.items())


def _change(change: Mapping[str, Any]) -> Iterator[str]:
    symbol, colour = _SYMBOL.get(str(change["action"]), ("?", "white"))
    ws = change["workspace"]
    target = change.get("sf_id") or "(new)"
    who = f"{ws['kind']} {ws.get('label') or ws['id']}"
    yield f"  [{colour}]{symbol}[/] {escape(str(change['sobject']))} {escape(str(target))} for {escape(who)}"
    if change.get("match"):
        yield f"      [dim]{escape(str(change['match']))}[/]"
    fields = list(change.get("fields", []))
    kept = list(change.get("skipped_fields", []))
    width = max((len(str(f["field"])) for f in [*fields, *kept]), default=0)
    for item in fields:
        yield f"      {escape(str(item['field'])):<{width}}  {_field_value(item, str(change['action']))}"
    for item in kept:
        colour = "red" if item.get("code") == "conflict" else "yellow"
        before, wanted = escape(shown(item.get("before"))), escape(shown(item.get("wanted")))
        reason = escape(f"{item.get('code')}: {item.get('reason')}")
        name = escape(str(item["field"]))
        yield f"    [{colour}]! {name:<{width}}[/]  kept {before}, wanted {wanted}   [dim]({reason})[/]"
    if change.get("plays"):
        yield f"      [dim]plays: {escape(', '.join(change['plays']))}[/]"


def _field_value(item: Mapping[str, Any], action: str) -> str:
    after = escape(shown(item.get("after")))
    why = escape(f"{item.get('policy')}: {item.get('reason')}")
    if action == "create":
        return f"= {after}   [dim]({why})[/]"
    return f"{escape(shown(item.get('before')))} → {after}   [dim]({why})[/]"


def _skips(skips: Sequence[Mapping[str, Any]], limit: int | None) -> Iterator[str]:
    if not skips:
        return
    yield f"[bold]Skipped records ({len(skips)}):[/]"
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for skip in skips:
        groups.setdefault(str(skip["code"]), []).append(skip)
    for code in sorted(groups):
        items = groups[code]
        yield f"  {escape(code.replace('_', ' '))} ({len(items)})"
        visible = items if limit is None else items[: max(limit, 0)]
        for skip in visible:
            ws = skip["workspace"]
            what = f"{skip['sobject']} " if skip.get("sobject") else ""
            who = f"{what}{ws['kind']} {ws.get('label') or ws['id']}"
            yield f"    - {escape(who)}: {escape(str(skip['reason']))}"
        if len(items) > len(visible):
            yield f"    … {len(items) - len(visible)} more not shown"
    yield ""
