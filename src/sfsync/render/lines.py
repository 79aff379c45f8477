"""Lines of the text view as plain text plus styles, written to a stream as they are made.

A `Line` is a tuple of pieces, each a text and the rich style it is shown in ("" for none). Pieces are
literal text: nothing in them is parsed as markup, so a value holding `[bold]` prints as it is.
Without colour a line is its pieces joined; with colour each styled piece is wrapped in the ANSI
codes rich gives that style. Either way the text is what `Console.print(…, soft_wrap=True)` printed
for the same line, blanks at line ends removed: a line holding anything `str.isprintable` refuses
(control codes, tabs, line breaks, unusual blanks) is handed to rich as a `Text`, so rich's own rules
(control codes dropped, tabs expanded by cells) still apply to it.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Protocol

from rich.color import ColorSystem
from rich.console import Console
from rich.style import Style
from rich.text import Text

WIDTH = 120
# Lines joined into one write: bounds what is held, and keeps writes (each maybe a flush) few.
BATCH = 1_000

Piece = tuple[str, str]
Line = tuple[Piece, ...]


class Stream(Protocol):
    """Where the view goes: a text stream, or anything else that takes its text."""

    def write(self, text: str, /) -> object: ...


def text_console(file: io.StringIO, color: bool) -> Console:
    """The console the text view has always printed with: fixed width, no highlighting, no emoji."""
    return Console(
        file=file,
        width=WIDTH,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        highlight=False,
        emoji=False,
    )


def printed(buffer: io.StringIO) -> str:
    """What a console printed into `buffer`, without trailing blanks (rich pads table cells); emptied."""
    text = "\n".join(line.rstrip() for line in buffer.getvalue().split("\n"))
    buffer.seek(0)
    buffer.truncate()
    return text


class LinePrinter:
    """Turns lines into text, each ending in a newline, as `text_console` would print them."""

    def __init__(self, color: bool) -> None:
        self.color = color
        self.buffer = io.StringIO()
        self.console = text_console(self.buffer, color)
        self.codes: dict[str, tuple[str, str]] = {}

    def __call__(self, line: Line) -> str:
        plain = "".join(text for text, _ in line)
        if not plain.isprintable():
            return self._by_rich(line)
        if not self.color:
            return plain.rstrip() + "\n"
        return "".join(self._painted(text, style) for text, style in line).rstrip() + "\n"

    def _painted(self, text: str, style: str) -> str:
        if not style or not text:
            return text
        if style not in self.codes:  # the codes rich writes for this style, cut around a marker
            start, _, end = Style.parse(style).render("\0", color_system=ColorSystem.STANDARD).partition("\0")
            self.codes[style] = (start, end)
        start, end = self.codes[style]
        return start + text + end

    def _by_rich(self, line: Line) -> str:
        text = Text()
        for piece, style in line:
            text.append(piece, style or None)
        self.console.print(text, soft_wrap=True)
        return printed(self.buffer)


def write_lines(lines: Iterable[Line], stream: Stream, *, color: bool) -> None:
    """Write lines as they are made."""
    write_batched(map(LinePrinter(color), lines), stream)


def write_batched(pieces: Iterable[str], stream: Stream) -> None:
    """Write text as it is made, `BATCH` pieces a write, never holding the whole of it."""
    batch: list[str] = []
    for piece in pieces:
        batch.append(piece)
        if len(batch) >= BATCH:
            stream.write("".join(batch))
            batch.clear()
    if batch:
        stream.write("".join(batch))
