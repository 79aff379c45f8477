"""How the engine reports long work; the display behind it (bars, events, nothing) is the caller's."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """Work on one (phase, object) at a time: `refresh` counts records read, `plan` workspace records
    visited (the object is the kind, `company` or `person`), `apply` rows sent."""

    def start(self, phase: str, sobject: str, total: int | None = None) -> None: ...

    def advance(self, phase: str, sobject: str, count: int) -> None: ...

    def finish(self, phase: str, sobject: str) -> None: ...


class Silent:
    """Reports nothing (tests, library use)."""

    def start(self, phase: str, sobject: str, total: int | None = None) -> None:
        return None

    def advance(self, phase: str, sobject: str, count: int) -> None:
        return None

    def finish(self, phase: str, sobject: str) -> None:
        return None


SILENT = Silent()
