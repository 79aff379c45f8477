"""Compressed runs of NDJSON lines: how a plan file holds its records, and how they are spooled.

A section is `count` lines of one kind of record, gzip-compressed, at bytes [offset, offset + length)
of a file; its `sha256` is over the decompressed lines. gzip members laid end to end are one valid
gzip stream, so a section's bytes can be copied as they are from the spool its lines were written
to into the plan file, after the header (which is only known once every record is written), and
`zcat` still reads the whole file. Reading a section decompresses only its own bytes, a chunk at a
time: nothing holds more than one chunk and one line.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

CHUNK = 1 << 20
COMPRESSION_LEVEL = 6  # zlib's default: most of level 9's ratio at a fraction of its time
_GZIP = 16 + zlib.MAX_WBITS  # wbits for the gzip container
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode  # the C encoder, one shot


class ByteSource(Protocol):
    """Where a section's compressed bytes are: a plan file, or a spool still being assembled."""

    def read_at(self, offset: int, size: int) -> bytes: ...


@dataclass(frozen=True)
class FileBytes:
    """A plan file on disk, opened afresh for every read of a section (a plan holds no open file)."""

    path: Path

    def read_at(self, offset: int, size: int) -> bytes:
        with self.path.open("rb") as file:
            file.seek(offset)
            return file.read(size)


class HeldBytes:
    """A private copy of a file, in an unnamed temporary file no other process can open or change."""

    def __init__(self, file: IO[bytes]) -> None:
        self._file = file

    @classmethod
    def copy_of(cls, path: Path) -> HeldBytes:
        copy = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the plan read from it)
        with path.open("rb") as original:
            shutil.copyfileobj(original, copy, CHUNK)
        copy.flush()
        return cls(copy)

    def read_at(self, offset: int, size: int) -> bytes:
        return os.pread(self._file.fileno(), size, offset)


@dataclass(frozen=True)
class Section:
    """`count` lines tagged `tag` in `length` compressed bytes at `offset` of `source`."""

    source: ByteSource
    tag: str
    offset: int
    length: int
    count: int
    sha256: str

    def text(self) -> Iterator[bytes]:
        """The section's decompressed bytes, at most `CHUNK` a piece (JSON compresses tenfold and more),
        across gzip members."""
        inflate = zlib.decompressobj(_GZIP)
        done, pending = 0, b""
        while pending or done < self.length:
            if not pending:
                pending = self.source.read_at(self.offset + done, min(CHUNK, self.length - done))
                if not pending:
                    raise ValueError("the file ends inside a section")
                done += len(pending)
            piece = inflate.decompress(pending, CHUNK)
            pending = inflate.unconsumed_tail
            if piece:
                yield piece
            if inflate.eof:  # the next gzip member starts in what is left
                pending, inflate = inflate.unused_data + pending, zlib.decompressobj(_GZIP)
        yield inflate.flush()

    def lines(self) -> Iterator[bytes]:
        """Each line of the section, without its newline."""
        rest = b""
        for piece in self.text():
            if not piece:
                continue
            *whole, rest = (rest + piece).split(b"\n")
            yield from whole
        if rest:
            yield rest

    def values(self) -> Iterator[Any]:
        """Each record's JSON value (a line is `{"<tag>": value}`)."""
        for line in self.lines():
            entry = json.loads(line)
            if not isinstance(entry, dict) or set(entry) != {self.tag}:
                raise ValueError(f"a line of the {self.tag} records is not one {self.tag}")
            yield entry[self.tag]


def record_line(tag: str, value: Any) -> bytes:
    return f'{{"{tag}":{_ENCODE(value)}}}\n'.encode()


def line_value(tag: str, line: bytes) -> bytes:
    """The JSON text of the value in a `record_line` of `tag` (newline included)."""
    return line[len(tag) + 4 : -2]


class Spool:
    """Lines written compressed to an unnamed temporary file while the records are derived.

    `close()` ends the gzip member and gives the `Section`, still readable from the spool (a plan not
    saved is shown from it) and copied as it is into the plan file when saved.
    """

    def __init__(self, tag: str, directory: Path | None = None, level: int = COMPRESSION_LEVEL) -> None:
        self.tag = tag
        self._file: IO[bytes] = tempfile.TemporaryFile(dir=directory)  # noqa: SIM115 (lives as long as the plan)
        self._deflate = zlib.compressobj(level, zlib.DEFLATED, _GZIP)
        self._digest = hashlib.sha256()
        self._pending: list[bytes] = []
        self._pending_size = 0
        self.count = 0
        self.section: Section | None = None

    def add(self, value: Any) -> None:
        self.add_line(record_line(self.tag, value))

    def add_line(self, line: bytes) -> None:
        """A line encoded already (`record_line`), newline included."""
        self.count += 1
        self._pending.append(line)
        self._pending_size += len(line)
        if self._pending_size >= CHUNK:
            self._flush()

    def _flush(self) -> None:
        data = b"".join(self._pending)
        self._pending, self._pending_size = [], 0
        self._digest.update(data)
        self._file.write(self._deflate.compress(data))

    def close(self) -> Section:
        if self.section is None:
            self._flush()
            self._file.write(self._deflate.flush())
            self._file.flush()
            length = self._file.tell()
            self.section = Section(self, self.tag, 0, length, self.count, self._digest.hexdigest())
        return self.section

    def read_at(self, offset: int, size: int) -> bytes:
        return os.pread(self._file.fileno(), size, offset)

    def copy_to(self, out: IO[bytes]) -> None:
        """The spool's compressed bytes, as they are, at the end of `out`."""
        section = self.close()
        done = 0
        while done < section.length:
            chunk = self.read_at(done, min(CHUNK, section.length - done))
            out.write(chunk)
            done += len(chunk)

    def discard(self) -> None:
        self._file.close()


def compressed(data: bytes) -> bytes:
    """`data` as one gzip member."""
    deflate = zlib.compressobj(COMPRESSION_LEVEL, zlib.DEFLATED, _GZIP)
    return deflate.compress(data) + deflate.flush()


def first_member(source: ByteSource) -> tuple[bytes, int]:
    """The decompressed line of the gzip member at the start of `source`, and where the next member starts.

    A member holding more than one line is refused as soon as its second line starts: the file was
    compressed again as one member (sfsync reads its sections by where it wrote them)."""
    inflate = zlib.decompressobj(_GZIP)
    pieces: list[bytes] = []
    done = 0
    while not inflate.eof:
        raw = source.read_at(done, CHUNK)
        if not raw:
            raise ValueError("the file ends inside its header")
        done += len(raw)
        pieces.append(inflate.decompress(raw))
        if b"\n" in pieces[-1].rstrip(b"\n") or (len(pieces) > 1 and pieces[-2].endswith(b"\n") and pieces[-1]):
            raise ValueError(RECOMPRESSED)
    return b"".join(pieces), done - len(inflate.unused_data)


RECOMPRESSED = (
    "its first gzip member holds more than the header line: the file was compressed again after sfsync "
    "wrote it (`zcat` still reads it; sfsync reads only plan files as it wrote them)"
)
