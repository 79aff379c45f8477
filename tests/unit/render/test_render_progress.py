"""Progress: bars for a person at a terminal, events for machines, nothing in CI or a pipe."""

from __future__ import annotations

import io
import json
import re

import pytest
from rich.console import Console

from sfsync.render.events import NdjsonSink
from sfsync.render.progress import BarProgress, EventProgress, NoProgress, progress_display, wants_bars


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("stream", "environ", "expected"),
    [(Terminal(), {}, True), (Terminal(), {"CI": "true"}, False), (io.StringIO(), {}, False)],
)
def test_bars_only_for_a_terminal_outside_ci(stream: io.StringIO, environ: dict[str, str], expected: bool) -> None:
    assert wants_bars(stream, environ) is expected


def test_quiet_in_ci_draws_nothing() -> None:
    stream = Terminal()
    with progress_display(stream, {"CI": "1"}) as progress:
        assert isinstance(progress, NoProgress)
        progress.start("refresh", "Account", 10)
        progress.advance("refresh", "Account", 10)
    assert stream.getvalue() == ""


def test_bars_show_records_rate_and_eta() -> None:
    stream = io.StringIO()
    bars = BarProgress(Console(file=stream, force_terminal=True, width=120, color_system=None))
    bars.start("apply", "Contact", 1000)
    bars.advance("apply", "Contact", 250)
    bars.advance("refresh", "Lead", 40)  # an object nobody started is started on the way
    bars.finish("refresh", "Lead")
    bars.close()
    out = stream.getvalue()
    assert "apply Contact" in out
    assert re.search(r"250/1000\s+records", out)
    assert re.search(r"40/40\s+records", out)  # a finished bar is full


def test_progress_as_events_counts_cumulatively() -> None:
    stream = io.StringIO()
    progress = EventProgress(NdjsonSink(stream, "refresh"))
    progress.start("refresh", "Account", None)
    progress.advance("refresh", "Account", 2000)
    progress.advance("refresh", "Account", 500)
    progress.finish("refresh", "Account")
    found = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [(e["done"], e["total"]) for e in found] == [(0, None), (2000, None), (2500, None), (2500, 2500)]
    assert {e["operation"] for e in found} == {"refresh"}
