"""What plan, apply, refresh and run show a person: progress bars or events, and the console they print to.

The session itself (the config, the store under its lock, the org) is `sfsync.api.session`'s.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console

from sfsync.engine.progress import Progress
from sfsync.render.events import EventSink
from sfsync.render.progress import EventProgress, progress_display


@contextmanager
def progress_for(sink: EventSink | None) -> Iterator[Progress]:
    """NDJSON `progress` events when streaming events, else bars on stderr for a person at a terminal."""
    if sink is not None:
        yield EventProgress(sink)
        return
    with progress_display(sys.stderr) as bars:
        yield bars


def console(*, err: bool = False) -> Console:
    """Rich on the real stream: colour only on a terminal, none with NO_COLOR (rich reads it)."""
    return Console(file=sys.stderr if err else sys.stdout, highlight=False, soft_wrap=True)
