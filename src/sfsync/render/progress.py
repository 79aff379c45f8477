"""Progress of refresh, plan and apply: bars on a terminal, events for machines, silence otherwise.

The engine calls a `Progress` with a phase (`refresh`, `plan`, `apply`) and an object; it never
knows which display is behind it. Bars show records done of the total, the rate and the time left,
on stderr so they never mix with a plan printed on stdout. In CI (`CI` set) or when stderr is not a
terminal nothing is drawn.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Protocol, TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as RichBars
from rich.text import Text

from sfsync.render.events import EventSink


class Progress(Protocol):
    """Reports work on one (phase, object) at a time; `total` is None when it is not known yet."""

    def start(self, phase: str, sobject: str, total: int | None = None) -> None: ...

    def advance(self, phase: str, sobject: str, count: int) -> None: ...

    def finish(self, phase: str, sobject: str) -> None: ...

    def close(self) -> None: ...


class NoProgress:
    """Draws nothing: not a terminal, in CI, or a test."""

    def start(self, phase: str, sobject: str, total: int | None = None) -> None:
        return None

    def advance(self, phase: str, sobject: str, count: int) -> None:
        return None

    def finish(self, phase: str, sobject: str) -> None:
        return None

    def close(self) -> None:
        return None


class RateColumn(ProgressColumn):
    """Records per second, as people count them (rich's own speed column counts bytes)."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{speed:,.0f} records/s", style="progress.data.speed")


class BarProgress:
    """rich progress bars: one line per (phase, object) with records, rate and ETA."""

    def __init__(self, console: Console) -> None:
        self.bars = RichBars(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("records"),
            RateColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=False,
        )
        self.tasks: dict[tuple[str, str], TaskID] = {}
        self.running = False

    def start(self, phase: str, sobject: str, total: int | None = None) -> None:
        if not self.running:
            self.bars.start()
            self.running = True
        key = (phase, sobject)
        if key in self.tasks:
            self.bars.update(self.tasks[key], total=total)
        else:
            self.tasks[key] = self.bars.add_task(f"{phase} {sobject}", total=total)

    def advance(self, phase: str, sobject: str, count: int) -> None:
        if (phase, sobject) not in self.tasks:
            self.start(phase, sobject)
        self.bars.advance(self.tasks[(phase, sobject)], count)

    def finish(self, phase: str, sobject: str) -> None:
        """A finished bar is full even when the total was an estimate."""
        task = self.tasks.get((phase, sobject))
        if task is not None:
            done = next(item.completed for item in self.bars.tasks if item.id == task)
            self.bars.update(task, total=done, completed=done)

    def close(self) -> None:
        if self.running:
            self.bars.stop()
            self.running = False


class EventProgress:
    """Progress as NDJSON `progress` events: running totals per (phase, object)."""

    def __init__(self, sink: EventSink) -> None:
        self.sink = sink
        self.done: dict[tuple[str, str], int] = {}
        self.totals: dict[tuple[str, str], int | None] = {}

    def start(self, phase: str, sobject: str, total: int | None = None) -> None:
        self.done[(phase, sobject)] = 0
        self.totals[(phase, sobject)] = total
        self.sink.progress(phase, sobject, 0, total)

    def advance(self, phase: str, sobject: str, count: int) -> None:
        key = (phase, sobject)
        self.done[key] = self.done.get(key, 0) + count
        self.sink.progress(phase, sobject, self.done[key], self.totals.get(key))

    def finish(self, phase: str, sobject: str) -> None:
        key = (phase, sobject)
        self.sink.progress(phase, sobject, self.done.get(key, 0), self.done.get(key, 0))

    def close(self) -> None:
        return None


def wants_bars(stream: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    """Bars only for a person watching a terminal: never in CI, never into a pipe or a file."""
    env = os.environ if environ is None else environ
    return bool(stream.isatty()) and not env.get("CI")


@contextmanager
def progress_display(stream: TextIO, environ: Mapping[str, str] | None = None) -> Iterator[Progress]:
    """Bars on `stream` (stderr, normally) when a person is watching, otherwise nothing; closed on exit."""
    progress: Progress = BarProgress(Console(file=stream)) if wants_bars(stream, environ) else NoProgress()
    try:
        yield progress
    finally:
        progress.close()
