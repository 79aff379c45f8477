"""What the offline config checks report through: each problem with where it sits in the file.

The checks of the whole document (`checks.Checker`) and those of its parts kept apart (`email_checks`,
`write_checks`) report through this one type; it lives below all of them so none imports another to name it.
"""

from __future__ import annotations

import difflib

from sfsync.config.source import Path, SourceMap
from sfsync.errors import Diagnostic, Severity


class Reporter:
    """Collects the problems found in one plain document, each placed by the document's source map."""

    def __init__(self, document: dict[str, object], source: SourceMap) -> None:
        self.document = document
        self.source = source
        self.found: list[Diagnostic] = []

    def error(self, summary: str, path: Path, hint: str = "", *, key: bool = False) -> None:
        self._report(Severity.ERROR, summary, path, hint, key)

    def warning(self, summary: str, path: Path, hint: str = "", *, key: bool = False) -> None:
        self._report(Severity.WARNING, summary, path, hint, key)

    def _report(self, severity: Severity, summary: str, path: Path, hint: str, key: bool) -> None:
        position = self.source.position(path, key=key)
        self.found.append(Diagnostic(severity, summary, position=position, path=path, hint=hint))


def suggest(name: str, choices: tuple[str, ...] | list[str], fallback: str) -> str:
    """A hint naming the closest of `choices` to a misspelt `name`, or `fallback` when none is close."""
    close = difflib.get_close_matches(name, choices, n=1)
    return f'did you mean "{close[0]}"?' if close else fallback
