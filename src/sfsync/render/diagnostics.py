"""Diagnostics as `file:line:col: error: summary` with a source snippet and a caret.

Snippets come from the file on disk; a literal secret on the quoted line is masked, so an error
about a leaked password never prints the password again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from rich.color import ColorSystem
from rich.style import Style

from sfsync.config.secrets import is_reference, is_secret_key
from sfsync.errors import Diagnostic, Diagnostics

MASK = "********"
# `key: value` in block or flow style; the value ends at a comma, closing bracket or comment.
KEY_VALUE = re.compile(
    r"(?P<key>[A-Za-z_][A-Za-z0-9_]*)(?P<sep>\s*:\s+)(?P<value>\"[^\"]*\"|'[^']*'|\$\{[^}]*\}|[^\s,}\]#][^,}\]#]*?)(?=\s*(?:[,}\]]|\s#|$))"
)
URL_PASSWORD = re.compile(r"(?P<head>://[^/@:\s]+:)(?!\$\{)(?P<value>[^@/\s]+)(?=@)")
COMPLEX_KEY = re.compile(r"(?P<head>^\s*(?:-\s+)?\?\s+)\S.*$")
QUERY_PASSWORD = re.compile(
    r"(?P<head>[?&](?:password|passwd|pwd|pass|sslpassword|secret|token)=)(?!\$\{)(?P<value>[^&#\s\"']+)", re.IGNORECASE
)


def render_diagnostics(diagnostics: Diagnostics, *, color: bool = False) -> str:
    """Every diagnostic, then the counts; with `color` (a terminal), severities, carets and hints in colour."""
    paint = _painter(color)
    parts = [render_diagnostic(d, color=color) for d in diagnostics.sorted()]
    errors, warnings = len(diagnostics.errors), len(diagnostics.warnings)
    counts = f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}"
    parts.append(paint(counts, "bold red" if errors else "bold yellow" if warnings else "") + "\n")
    return "".join(parts)


def render_diagnostic(d: Diagnostic, *, color: bool = False) -> str:
    paint = _painter(color)
    where = paint(f"{d.position}: ", "bold") if d.position else ""
    severity = paint(str(d.severity), _SEVERITY_STYLE.get(str(d.severity), ""))
    lines = [f"{where}{severity}: {paint(d.summary, 'bold')}"]
    if d.detail:
        lines.append(f"  {d.detail}")
    snippet = _snippet(d)
    if snippet:
        lines.extend([snippet[0], paint(snippet[1], "bold green")])
    if d.hint:
        lines.append(f"  {paint('hint:', 'cyan')} {d.hint}")
    return "\n".join(lines) + "\n"


_SEVERITY_STYLE = {"error": "bold red", "warning": "bold yellow"}


def _painter(color: bool) -> Callable[[str, str], str]:
    """`text` wrapped in the ANSI codes of a rich style, or as it is without colour."""

    def paint(text: str, style: str) -> str:
        if not color or not style or not text:
            return text
        return Style.parse(style).render(text, color_system=ColorSystem.STANDARD)

    return paint


def redact(line: str) -> str:
    """`line` with literal secret values (and passwords inside URLs) replaced by a mask."""

    def mask(match: re.Match[str]) -> str:
        value = match.group("value").strip("\"'")
        if not is_secret_key(match.group("key")) or is_reference(value):
            return match.group(0)
        return f"{match.group('key')}{match.group('sep')}{MASK}"

    if COMPLEX_KEY.match(line):  # a `?` key is refused unread: what it holds may be a secret in any shape
        return COMPLEX_KEY.sub(lambda m: f"{m.group('head')}{MASK}", line)
    masked = URL_PASSWORD.sub(lambda m: f"{m.group('head')}{MASK}", KEY_VALUE.sub(mask, line))
    return QUERY_PASSWORD.sub(lambda m: f"{m.group('head')}{MASK}", masked)


def _snippet(d: Diagnostic) -> list[str]:
    if d.position is None:
        return []
    source = _source_lines(d.position.file)
    if not 1 <= d.position.line <= len(source):
        return []
    text = redact(source[d.position.line - 1].rstrip("\n"))
    gutter = f"{d.position.line:>4} | "
    caret = " " * (len(gutter) + max(d.position.column - 1, 0)) + "^"
    return [gutter + text, caret]


def _source_lines(file: str) -> tuple[str, ...]:
    try:
        return tuple(Path(file).read_text(encoding="utf-8", errors="replace").splitlines())
    except OSError:
        return ()
