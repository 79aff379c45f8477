"""`sfsync run --every DURATION`: the durations it takes and the ones it refuses."""

from __future__ import annotations

import click
import pytest

from sfsync.commands.run import Duration


@pytest.mark.parametrize(
    ("text", "seconds"), [("1s", 1.0), ("15m", 900.0), ("1h", 3600.0), ("500ms", 0.5), ("90", 90.0)]
)
def test_a_duration_is_read_in_seconds(text: str, seconds: float) -> None:
    assert Duration().convert(text, None, None) == seconds


@pytest.mark.parametrize("text", ["", "0s", "fast", "1d", "-5s"])
def test_a_bad_duration_is_refused_with_an_example(text: str) -> None:
    with pytest.raises(click.BadParameter, match="is not a duration such as 30s, 15m or 1h"):
        Duration().convert(text, None, None)
