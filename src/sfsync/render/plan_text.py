"""A plan as text for people, built from the plan's JSON form (so every view agrees with the file).

Terraform-like: `+` create, `~` update, `!` a field kept or dropped, then skips grouped by reason
and a summary line. Colour only on a terminal, never with `NO_COLOR` (rich decides both).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Console
from rich.markup import escape

SENSITIVE = "(sensitive)"
SKIPS_SHOWN = 10
_SYMBOL = {"create": ("+", "green"), "update": ("~", "yellow")}


def render_plan(plan: Mapping[str, Any], console: Console) -> None:
    for line in plan_lines(plan):
        console.print(line, highlight=False, soft_wrap=True)


def plan_lines(plan: Mapping[str, Any]) -> list[str]:
    lines = [_header(plan), ""]
    lines += _config_diff(plan.get("config_diff", []))
    lines += _diagnostics(plan.get("diagnostics", []))
    lines += _changes(plan.get("changes", []))
    lines += _skips(plan.get("skips", []))
    lines += _plays(plan.get("play_entries", []))
    lines.append(_summary(plan))
    return lines


def _header(plan: Mapping[str, Any]) -> str:
    writing = "writing enabled" if plan.get("write_enabled") else "[yellow]writing disabled (sync.write: false)[/]"
    refresh = ", ".join(f"{name} {counts.get('read', 0)} read" for name, counts in plan.get("refresh", {}).items())
    return f"[bold]sfsync plan[/] — mode {plan.get('mode')}, {writing}" + (f"\nRefreshed: {refresh}" if refresh else "")


def _config_diff(diff: Sequence[Mapping[str, Any]]) -> list[str]:
    if not diff:
        return ["Config: unchanged since the last apply.", ""]
    if diff[0].get("kind") == "initial":
        return ["Config: first apply (nothing applied yet).", ""]
    marks = {"added": "+", "removed": "-", "changed": "~"}
    lines = ["Config changes since the last apply:"]
    for change in diff:
        kind = str(change["kind"])
        mark = marks.get(kind.rpartition("_")[2], "~")
        lines.append(f"  {mark} {escape(kind.replace('_', ' '))}: {escape(str(change['path']))}")
    return [*lines, ""]


def _diagnostics(diagnostics: Sequence[Mapping[str, Any]]) -> list[str]:
    lines = []
    for d in diagnostics:
        where = f"{d['file']}:{d['line']}:{d['column']}: " if d.get("file") else ""
        colour = "red" if d["severity"] == "error" else "yellow"
        lines.append(f"{escape(where)}[{colour}]{d['severity']}[/]: {escape(str(d['summary']))}")
    return [*lines, ""] if lines else []


def _changes(changes: Sequence[Mapping[str, Any]]) -> list[str]:
    lines: list[str] = []
    for change in changes:
        symbol, colour = _SYMBOL.get(str(change["action"]), ("?", "white"))
        ws = change["workspace"]
        target = change.get("sf_id") or "new"
        who = f"{ws['kind']} {escape(str(ws['label']))}"
        lines.append(f"[{colour}]{symbol} {change['action']}[/] {change['sobject']} {target} for {who}")
        lines.append(f"    [dim]{escape(str(change['match']))}[/]")
        width = max((len(f["field"]) for f in change["fields"]), default=0)
        for field in change["fields"]:
            lines.append(f"    {field['field']:<{width}}  {_field_value(field, change['action'])}")
        for kept in change.get("skipped_fields", []):
            before = _shown(kept["before"], kept.get("sensitive", False))
            lines.append(f"    [yellow]! {kept['field']}[/] kept {escape(before)} — {escape(str(kept['reason']))}")
        if change.get("plays"):
            lines.append(f"    [dim]plays: {escape(', '.join(change['plays']))}[/]")
    return [*lines, ""] if lines else ["No changes to write.", ""]


def _field_value(field: Mapping[str, Any], action: str) -> str:
    sensitive = field.get("sensitive", False)
    after = escape(_shown(field["after"], sensitive))
    if action == "create":
        return f"= {after}"
    before = escape(_shown(field["before"], sensitive))
    return f"{before} → {after}   [dim]({escape(str(field['policy']))}: {escape(str(field['reason']))})[/]"


def _shown(value: Any, sensitive: bool) -> str:
    if sensitive and value not in (None, ""):
        return SENSITIVE
    if value is None:
        return "null"
    if isinstance(value, str) and value.startswith("("):
        return value
    return json.dumps(value, ensure_ascii=False)


def _skips(skips: Sequence[Mapping[str, Any]]) -> list[str]:
    if not skips:
        return []
    groups: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for skip in skips:
        groups[str(skip["code"])].append(skip)
    lines = [f"Skipped ({len(skips)}):"]
    for code in sorted(groups):
        items = groups[code]
        lines.append(f"  {code.replace('_', ' ')} ({len(items)})")
        for skip in items[:SKIPS_SHOWN]:
            ws = skip["workspace"]
            what = f"{skip['sobject']} " if skip.get("sobject") else ""
            lines.append(f"    - {escape(what)}{ws['kind']} {escape(str(ws['label']))}: {escape(str(skip['reason']))}")
        if len(items) > SKIPS_SHOWN:
            lines.append(f"    … and {len(items) - SKIPS_SHOWN} more")
    return [*lines, ""]


def _plays(entries: Sequence[Mapping[str, Any]]) -> list[str]:
    counts: dict[tuple[str, bool], int] = defaultdict(int)
    for entry in entries:
        counts[(str(entry["play"]), bool(entry.get("entered", True)))] += 1
    lines = [
        f"  {escape(play)}: {n} {'entering' if entered else 'leaving'}" for (play, entered), n in sorted(counts.items())
    ]
    return ["Plays:", *lines, ""] if lines else []


def _summary(plan: Mapping[str, Any]) -> str:
    counts = plan.get("counts", {})
    creates = sum(c.get("create", 0) for c in counts.values())
    updates = sum(c.get("update", 0) for c in counts.values())
    skips = len(plan.get("skips", []))
    calls = ", ".join(
        f"{e['sobject']} {e['api'].upper()} ~{e['calls']} call{'s' if e['calls'] != 1 else ''}"
        for e in plan.get("estimates", [])
    )
    errors = sum(1 for d in plan.get("diagnostics", []) if d["severity"] == "error")
    line = f"[bold]Plan:[/] {creates} to create, {updates} to update, {skips} skipped."
    if calls:
        line += f" API: {calls}."
    if errors:
        line += f" [red]{errors} error{'s' if errors != 1 else ''}: this plan cannot be applied.[/]"
    return line
