"""Lines as plain text plus styles: joined without colour, wrapped in rich's ANSI codes with it, batched."""

from __future__ import annotations

import io

from sfsync.render.lines import BATCH, Line, LinePrinter, text_console, write_batched, write_lines

LINE: Line = (("  ", ""), ("+", "green"), (" Contact [bold]x[/] ", ""), ("(why)", "dim"))


def printed_by_rich(line: Line, color: bool) -> str:
    """What the view printed before: the same pieces through rich's console, trailing blanks removed."""
    buffer = io.StringIO()
    text_console(buffer, color).print("".join(text for text, _ in line), markup=False, soft_wrap=True)
    return "\n".join(part.rstrip() for part in buffer.getvalue().split("\n"))


def test_without_colour_a_line_is_its_pieces_joined() -> None:
    assert LinePrinter(color=False)(LINE) == "  + Contact [bold]x[/] (why)\n"
    assert LinePrinter(color=False)(LINE) == printed_by_rich(LINE, color=False)


def test_with_colour_each_styled_piece_gets_rich_codes() -> None:
    assert LinePrinter(color=True)(LINE) == "  \x1b[32m+\x1b[0m Contact [bold]x[/] \x1b[2m(why)\x1b[0m\n"


def test_empty_pieces_and_trailing_blanks_leave_no_codes_or_blanks() -> None:
    line: Line = (("  ", ""), ("", "bold"), ("x   ", ""))
    assert LinePrinter(color=True)(line) == "  x\n"
    assert LinePrinter(color=True)(()) == "\n"


def test_lines_with_control_codes_go_through_rich() -> None:
    line: Line = (("a\tb\r", ""), ("c\x07", "bold"), (" \nd  ", ""))
    assert LinePrinter(color=False)(line) == printed_by_rich(line, color=False) == "a       bc\nd\n"
    assert LinePrinter(color=True)(line) == "a       b\x1b[1mc\x1b[0m\nd\n"


def test_writes_are_batched_and_add_up() -> None:
    writes: list[str] = []

    class Stream:
        def write(self, text: str, /) -> None:
            writes.append(text)

    write_batched((f"{n}\n" for n in range(2 * BATCH + 1)), Stream())
    assert len(writes) == 3 and "".join(writes) == "".join(f"{n}\n" for n in range(2 * BATCH + 1))
    writes.clear()
    write_lines([], Stream(), color=False)
    assert writes == []
