"""Error values shared by every part of sfsync.

Expected failures are `SfsyncError`s; the CLI's single error boundary turns them into a message and
an exit code. Anything else is a bug: the boundary prints one line and writes the traceback to a log.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum


class ExitCode:
    """Terraform-like exit codes (DESIGN §4)."""

    OK = 0
    ERROR = 1
    CHANGES = 2
    INTERNAL = 3
    UNKNOWN_OUTCOME = 4  # apply: some rows were sent but Salesforce's answer never came (`sfsync plan` finds out)
    PAUSED = 5  # apply: the store is paused (`sfsync pause`); nothing more is written until `sfsync resume`
    INTERRUPTED = 130


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Position:
    """A place in a source file; `line` and `column` are 1-based."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in a config, a data file or an org.

    `path` is the location inside the document (keys and list indexes), `position` the place in
    the file when known. `hint` says how to fix it, where one helps.
    """

    severity: Severity
    summary: str
    detail: str = ""
    position: Position | None = None
    path: tuple[str | int, ...] = ()
    hint: str = ""

    def to_json(self) -> dict[str, object]:
        pos = self.position
        return {
            "severity": str(self.severity),
            "summary": self.summary,
            "detail": self.detail,
            "file": pos.file if pos else None,
            "line": pos.line if pos else None,
            "column": pos.column if pos else None,
            "path": ".".join(str(p) for p in self.path),
        }


@dataclass
class Diagnostics:
    """An ordered, append-only collection: collect every problem, then raise once."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(self, diagnostic: Diagnostic) -> None:
        self.items.append(diagnostic)

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.items.extend(diagnostics)

    def error(self, summary: str, **kwargs: object) -> None:
        self.items.append(Diagnostic(Severity.ERROR, summary, **kwargs))  # type: ignore[arg-type]

    def warning(self, summary: str, **kwargs: object) -> None:
        self.items.append(Diagnostic(Severity.WARNING, summary, **kwargs))  # type: ignore[arg-type]

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.WARNING]

    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.items)

    def sorted(self) -> list[Diagnostic]:
        def key(d: Diagnostic) -> tuple[str, int, int]:
            p = d.position
            return (p.file, p.line, p.column) if p else ("", 0, 0)

        return sorted(self.items, key=key)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


class SfsyncError(Exception):
    """An expected failure: reported to the user as a message, never as a traceback."""

    exit_code: int = ExitCode.ERROR


class UsageError(SfsyncError):
    """The command was called wrongly (a missing file, conflicting options)."""


class ConfigError(SfsyncError):
    """The configuration has problems; carries every diagnostic found in one pass."""

    def __init__(self, diagnostics: Diagnostics | Iterable[Diagnostic]) -> None:
        self.diagnostics = diagnostics if isinstance(diagnostics, Diagnostics) else Diagnostics(list(diagnostics))
        first = self.diagnostics.errors[0].summary if self.diagnostics.errors else "invalid configuration"
        super().__init__(first)


class StalePlanError(SfsyncError):
    """A saved plan no longer matches the state it was built from."""


class ForeignPlanError(SfsyncError):
    """A plan sfsync did not make from this store and config: edited, made elsewhere, or beyond the config."""


class LockedError(SfsyncError):
    """Another operation holds the store's lock."""


class PausedError(SfsyncError):
    """Writes are paused for the store (`sfsync pause`): apply writes nothing until `sfsync resume`."""

    exit_code = ExitCode.PAUSED


class RemoteError(SfsyncError):
    """Salesforce refused or failed a request; carries Salesforce's error code."""

    def __init__(self, message: str, code: str = "", record: str = "", fields: tuple[str, ...] = ()) -> None:
        self.code = code
        self.record = record
        self.fields = fields
        super().__init__(message)


class ApplyFailure(SfsyncError):
    """Apply finished, but some rows were rejected."""
