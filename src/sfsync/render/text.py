"""The plan as text for people, built from its (redacted) JSON form so it agrees with every other view.

Order: the summary per object (creates, updates, field writes, skips by reason, conflicts), then the
config changes, the metadata diagnostics, the identity changes the read made (`~` followed, `!` kept
or held), the record changes (`+` create, `~` update, each field
`before → after` with its reason, `!` a field kept or in conflict) and the skipped records. Record
changes and skipped records fold after `max_records`, with a count of what is hidden.

The header and the summary table are printed by rich; every other line is plain text plus styles
(`render.lines`), made and written one at a time, so a plan of a million changes streams out.
"""

from __future__ import annotations

import io
import itertools
import os
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, TextIO

from rich import box
from rich.markup import escape
from rich.table import Table

from sfsync.engine.plans.derivation import DerivationSummary
from sfsync.render.estimates import estimates_phrase
from sfsync.render.lines import Line, Stream, printed, text_console, write_lines
from sfsync.render.summary import PlanSummary, folded, plural, shown, summarise

_SYMBOL = {"create": ("+", "green"), "update": ("~", "yellow")}
_MARKS = {"added": "+", "removed": "-", "changed": "~"}
BLANK: Line = ()
SHOW_ALL = "`--max-records all` shows every one."
NOT_RECORDED = "Planned with a config that is not applied yet: nothing was recorded in the store."


def wants_color(stream: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    """Colour only on a terminal, and never when `NO_COLOR` is set to anything (no-color.org)."""
    env = os.environ if environ is None else environ
    return bool(stream.isatty()) and not env.get("NO_COLOR")


def render_text(plan_json: Mapping[str, Any], *, max_records: int | None, color: bool) -> str:
    """The whole text view as one string; pass the plan through `redact_plan` first."""
    buffer = io.StringIO()
    write_text(plan_json, buffer, max_records=max_records, color=color)
    return buffer.getvalue()


def write_text(
    plan_json: Mapping[str, Any],
    stream: Stream,
    *,
    max_records: int | None,
    color: bool,
    summary: PlanSummary | None = None,
) -> None:
    """The text view written to `stream` as it is made; pass the plan through `redact_plan` first.

    `summary` is the plan's `summarise`, when the caller counted it already (`views.redacted_and_summary`)."""
    summary = summarise(plan_json) if summary is None else summary
    stream.write(_head(plan_json, summary, color))
    write_lines(_sections(plan_json, summary, max_records), stream, color=color)


def _head(plan: Mapping[str, Any], summary: PlanSummary, color: bool) -> str:
    buffer = io.StringIO()
    console = text_console(buffer, color)
    console.print(_header(plan))
    if summary.objects:
        console.print(_table(summary))
    return printed(buffer)


def _plain(text: str) -> Line:
    return ((text, ""),)


def _sections(plan: Mapping[str, Any], summary: PlanSummary, limit: int | None) -> Iterator[Line]:
    yield from _totals(plan, summary)
    yield from _config_diff(plan.get("config_diff", []))
    yield from _diagnostics(plan.get("diagnostics", []))
    yield from _identity(plan.get("identity", []), limit)
    yield from _changes(plan.get("changes", []), limit, summary)
    yield from _skips(plan.get("skips", []), limit, summary)


def _header(plan: Mapping[str, Any]) -> str:
    writing = "writing enabled" if plan.get("write_enabled") else "[yellow]writing disabled (sync.write: false)[/]"
    line = f"[bold]sfsync plan[/] — mode {escape(str(plan.get('mode')))}, {writing}"
    refresh = ", ".join(f"{name} {counts.get('read', 0)} read" for name, counts in plan.get("refresh", {}).items())
    line += f"\nRefreshed: {escape(refresh)}" if refresh else ""
    derivation = plan.get("derivation")
    line += f"\nDerived: {escape(str(DerivationSummary(**derivation)))}" if derivation else ""
    return line + (f"\n[yellow]{NOT_RECORDED}[/]" if plan.get("recorded") is False else "")


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


def _skips_by_reason(summary: PlanSummary) -> Iterator[Line]:
    for item in summary.objects:
        if item.skips:
            reasons = ", ".join(f"{code.replace('_', ' ')} {n}" for code, n in sorted(item.skips.items()))
            yield _plain(f"Skipped {item.name}: {reasons}")


def _totals(plan: Mapping[str, Any], summary: PlanSummary) -> Iterator[Line]:
    line = (
        f" {summary.total('creates')} to create, {summary.total('updates')} to update "
        f"({plural(summary.total('field_writes'), 'field write')}), {summary.total('skipped')} skipped, "
        f"{plural(summary.total('conflicts'), 'conflict')}."
    )
    calls = estimates_phrase(plan)
    yield from _skips_by_reason(summary)
    yield ("Plan:", "bold"), (line + (f" API: {calls}." if calls else ""), "")
    if not plan.get("changes"):
        yield _plain("No changes to write.")
    if summary.total("overwrites"):
        values = plural(summary.total("overwrites"), "existing Salesforce value")
        yield ((f"Overwrites {values} (fields sfsync owns, or still holding what it wrote).", "yellow"),)
    if summary.errors:
        yield ((f"{plural(summary.errors, 'error')}: this plan cannot be applied.", "red"),)
    yield BLANK


def _config_diff(diff: Sequence[Mapping[str, Any]]) -> Iterator[Line]:
    if not diff:
        yield from (_plain("Config: unchanged since the last apply."), BLANK)
        return
    if diff[0].get("kind") == "initial":
        yield from (_plain("Config: first apply (nothing applied yet)."), BLANK)
        return
    yield (("Config changes since the last apply:", "bold"),)
    for change in diff:
        kind = str(change["kind"])
        mark = _MARKS.get(kind.rpartition("_")[2], "~")
        yield _plain(f"  {mark} {kind.replace('_', ' ')}: {change['path']}{_config_values(change)}")
    yield BLANK


def _config_values(change: Mapping[str, Any]) -> str:
    before, after = change.get("before"), change.get("after")
    if isinstance(before, dict | list) or isinstance(after, dict | list):
        return ""
    if before is None and after is None:
        return ""
    if before is None:
        return f" = {shown(after)}"
    if after is None:
        return f" (was {shown(before)})"
    return f" {shown(before)} → {shown(after)}"


def _diagnostics(diagnostics: Sequence[Mapping[str, Any]]) -> Iterator[Line]:
    if not diagnostics:
        return
    yield (("Metadata checks:", "bold"),)
    for d in diagnostics:
        where = f"{d['file']}:{d['line']}:{d['column']}: " if d.get("file") else ""
        colour = "red" if d["severity"] == "error" else "yellow"
        yield (f"  {where}", ""), (str(d["severity"]), colour), (f": {d['summary']}", "")
        if d.get("detail"):
            yield _plain(f"    {d['detail']}")
    yield BLANK


_IDENTITY_MARK = {"key_kept": ("!", "red"), "held": ("!", "red")}


def _identity(changes: Sequence[Mapping[str, Any]], limit: int | None) -> Iterator[Line]:
    """What the read did to workspace identities (keys, links, merges), each with Salesforce's reason."""
    if not changes:
        return
    yield ((f"Identity changes ({len(changes)}):", "bold"),)
    visible = changes if limit is None else changes[: max(limit, 0)]
    for change in visible:
        mark, colour = _IDENTITY_MARK.get(str(change["kind"]), ("~", "yellow"))
        ws = change["workspace"]
        before, after = change.get("before"), change.get("after")
        keys = f"{before} → {after}" if before != after else str(before)
        what = f" {str(change['kind']).replace('_', ' ')}: {ws['kind']} {ws.get('label') or ws['id']}, {keys}"
        yield ("  ", ""), (mark, colour), (what, "")
        yield ("      ", ""), (str(change.get("reason", "")), "dim")
    if len(changes) > len(visible):
        yield _plain(
            f"  … {plural(len(changes) - len(visible), 'more identity change')} not shown (--max-records {limit})"
        )
        yield _plain(f"    {SHOW_ALL}")
    yield BLANK


def _changes(changes: Sequence[Mapping[str, Any]], limit: int | None, summary: PlanSummary) -> Iterator[Line]:
    """The first `limit` changes in plan order, grouped by object (sorted): one pass per object over them.

    What is not shown is counted from the summary: the rest of the plan is not read again."""
    if not changes:
        yield from (_plain("No record changes."), BLANK)
        return
    yield ((f"Record changes ({len(changes)}):", "bold"),)
    count = len(changes) if limit is None else min(max(limit, 0), len(changes))
    shown_by_object = Counter(str(c["sobject"]) for c in itertools.islice(changes, count))
    for sobject in sorted(shown_by_object):
        yield ("  ", ""), (sobject, "bold")
        for change in itertools.islice(changes, count):
            if change["sobject"] == sobject:
                yield from _change(change)
    hidden = len(changes) - count
    if hidden:
        totals = {item.name: item.records for item in summary.objects}
        by_object = ", ".join(
            f"{name} {totals[name] - shown_by_object[name]}"
            for name in sorted(totals)
            if totals[name] > shown_by_object[name]
        )
        yield _plain(f"  … {plural(hidden, 'more record change')} not shown (--max-records {limit}): {by_object}")
        yield _plain(f"    {SHOW_ALL}")
    yield BLANK


def _change(change: Mapping[str, Any]) -> Iterator[Line]:
    change = folded(change)
    symbol, colour = _SYMBOL.get(str(change["action"]), ("?", "white"))
    ws = change["workspace"]
    target = change.get("sf_id") or "(new)"
    who = f"{ws['kind']} {ws.get('label') or ws['id']}"
    yield ("  ", ""), (symbol, colour), (f" {change['sobject']} {target} for {who}", "")
    if change.get("match"):
        yield ("      ", ""), (str(change["match"]), "dim")
    fields = change.get("fields", [])
    kept = change.get("skipped_fields", [])
    width = max((len(str(f["field"])) for f in [*fields, *kept]), default=0)
    action = str(change["action"])
    for item in fields:
        yield (f"      {item['field']!s:<{width}}  {_before_after(item, action)}   ", ""), _why(item, "policy")
    for item in kept:
        colour = "red" if item.get("code") == "conflict" else "yellow"
        kept_wanted = f"  kept {shown(item.get('before'))}, wanted {shown(item.get('wanted'))}   "
        yield ("    ", ""), (f"! {item['field']!s:<{width}}", colour), (kept_wanted, ""), _why(item, "code")
    if change.get("plays"):
        yield ("      ", ""), (f"plays: {', '.join(change['plays'])}", "dim")


def _before_after(item: Mapping[str, Any], action: str) -> str:
    if action == "create":
        return f"= {shown(item.get('after'))}"
    return f"{shown(item.get('before'))} → {shown(item.get('after'))}"


def _why(item: Mapping[str, Any], label: str) -> tuple[str, str]:
    return f"({item.get(label)}: {item.get('reason')})", "dim"


def _skips(skips: Sequence[Mapping[str, Any]], limit: int | None, summary: PlanSummary) -> Iterator[Line]:
    """Skipped records grouped by code (sorted), in plan order within one: a pass per code, none held.

    How many each code has is the summary's count: the skips are not read once more for it."""
    if not skips:
        return
    yield ((f"Skipped records ({len(skips)}):", "bold"),)
    groups = summary.skips
    for code in sorted(groups):
        total = groups[code]
        yield _plain(f"  {code.replace('_', ' ')} ({total})")
        visible = total if limit is None else min(max(limit, 0), total)
        for skip in itertools.islice((s for s in skips if s["code"] == code), visible):
            ws = skip["workspace"]
            what = f"{skip['sobject']} " if skip.get("sobject") else ""
            yield _plain(f"    - {what}{ws['kind']} {ws.get('label') or ws['id']}: {skip['reason']}")
        if total > visible:
            yield _plain(f"    … {total - visible} more not shown ({SHOW_ALL})")
    yield BLANK
