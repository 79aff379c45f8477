"""Diagnostics as `file:line:col: error: summary` with a source snippet and a caret."""

from __future__ import annotations

from pathlib import Path

from sfsync.errors import Diagnostic, Diagnostics


def render_diagnostics(diagnostics: Diagnostics) -> str:
    parts = [render_diagnostic(d) for d in diagnostics.sorted()]
    errors, warnings = len(diagnostics.errors), len(diagnostics.warnings)
    parts.append(f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}\n")
    return "".join(parts)


def render_diagnostic(d: Diagnostic) -> str:
    where = f"{d.position}: " if d.position else ""
    lines = [f"{where}{d.severity}: {d.summary}"]
    if d.detail:
        lines.append(f"  {d.detail}")
    lines.extend(_snippet(d))
    if d.hint:
        lines.append(f"  hint: {d.hint}")
    return "\n".join(lines) + "\n"


def _snippet(d: Diagnostic) -> list[str]:
    if d.position is None:
        return []
    source = _source_lines(d.position.file)
    if not 1 <= d.position.line <= len(source):
        return []
    text = source[d.position.line - 1].rstrip("\n")
    gutter = f"{d.position.line:>4} | "
    caret = " " * (len(gutter) + max(d.position.column - 1, 0)) + "^"
    return [gutter + text, caret]


def _source_lines(file: str) -> tuple[str, ...]:
    try:
        return tuple(Path(file).read_text(encoding="utf-8", errors="replace").splitlines())
    except OSError:
        return ()
