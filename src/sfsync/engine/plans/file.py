"""The plan file: the plan's JSON form as a gzip stream of NDJSON lines, written and read record by record.

Layout (docs/plan-format.md), each part its own gzip member, so `zcat plan` shows the lines in order:

    {"format_version":2, …, "counts":{…}, "appliable":true, "records":{"changes":{"count":…}, …}}
    {"change":{…}}            one line per record change, in the order apply sends them
    {"skip":{…}}              one line per skip
    {"play_entry":{…}}        one line per play entry
    {"seal":"hmac-sha256:…"}  the store's seal of the header (null in a plan saved without a store)

The header is everything but the records, with their counts, so `show`'s summary and `counts()` read
only the first member; `records` gives each section's count, compressed offset (from the end of the
header) and length, and the SHA-256 of its lines, which the seal covers. Records are spooled
compressed while they are derived (`PlanSpool`); saving writes the header, then copies the spooled
bytes after it. A file of format 1 (one JSON text) is read by `show` and refused by `apply`.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

from sfsync.engine.plans.codec import RECORD_LISTS, RECORD_TYPES, decode, encoded_line
from sfsync.engine.plans.json_form import (
    check_version,
    plan_from_json,
    plan_from_parts,
    plan_head_json,
    plan_to_json,
)
from sfsync.engine.plans.plan import FORMAT_VERSION, Plan
from sfsync.engine.plans.records import EncodedRecords, FileRecords
from sfsync.engine.plans.seal import SEAL_KEY, check_seal, refuse_edited, seal_of
from sfsync.engine.plans.sections import (
    ByteSource,
    FileBytes,
    HeldBytes,
    Section,
    Spool,
    compressed,
    first_member,
)
from sfsync.errors import UsageError

TAGS: Mapping[str, str] = {"changes": "change", "skips": "skip", "play_entries": "play_entry"}
RECORDS_KEY = "records"
GZIP_MAGIC = b"\x1f\x8b"
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
# What a record's JSON value is checked against before it is read (the schema, from the commands).
RecordCheck = Callable[[str, Any], None]


class PlanSpool:
    """The records of one plan, each list spooled compressed as it is derived, in `directory` (or /tmp)."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory  # where planning's own spools go too
        self._spools = {name: Spool(tag, directory) for name, tag in TAGS.items()}

    def add(self, name: str, record: Any) -> None:
        self._spools[name].add_line(encoded_line(TAGS[name], record)[1])

    def add_line(self, name: str, line: bytes) -> None:
        """A record of list `name` encoded already (`sections.record_line` of its JSON form)."""
        self._spools[name].add_line(line)

    def records(self, name: str) -> FileRecords[Any]:
        """The list `name` as written so far, read back from the spool (no more can be added to it)."""
        section = self._spools[name].close()
        return EncodedRecords(section.count, _reader(section, RECORD_TYPES[name], None), section.values)

    def spooled(self, plan: Plan) -> Plan:
        """`plan` with its record lists read from this spool (what `add` wrote, in that order)."""
        changes, skips, entries = (self.records(name) for name in RECORD_LISTS)
        return replace(plan, changes=changes, skips=skips, play_entries=entries)

    def layout(self) -> dict[str, dict[str, Any]]:
        """What the header says of each section: its count, offset after the header, length and digest."""
        layout, offset = {}, 0
        for name, spool in self._spools.items():
            section = spool.close()
            layout[name] = {
                "count": section.count,
                "offset": offset,
                "length": section.length,
                "sha256": section.sha256,
            }
            offset += section.length
        return layout

    def copy_to(self, out: IO[bytes]) -> None:
        """Every section's compressed bytes, as they are, at the end of `out`."""
        for spool in self._spools.values():
            spool.copy_to(out)

    def discard(self) -> None:
        for spool in self._spools.values():
            spool.discard()


def spool_plan(plan: Plan, directory: Path | None = None) -> PlanSpool:
    """A spool holding `plan`'s records (for a plan held in memory, to save it)."""
    spool = PlanSpool(directory)
    for name in RECORD_LISTS:
        for record in getattr(plan, name):
            spool.add(name, record)
    return spool


def write_plan_file(out: IO[bytes], plan: Plan, spool: PlanSpool, key: bytes | None) -> None:
    """The plan file into `out`: the header, `spool`'s records (which must be `plan`'s), the seal.

    Without `key` the seal is null: such a plan can be shown, never applied.
    """
    head = {**plan_head_json(plan), RECORDS_KEY: spool.layout()}
    header = (_ENCODE(head) + "\n").encode()
    out.write(compressed(header))
    spool.copy_to(out)
    seal = seal_of(header, key) if key is not None else None
    out.write(compressed((_ENCODE({SEAL_KEY: seal}) + "\n").encode()))


@dataclass(frozen=True)
class PlanFile:
    """A plan file opened: its header read (and nothing else), each section where it lies."""

    path: Path
    header: bytes
    head: Mapping[str, Any]
    sections: Mapping[str, Section]
    trailer: int  # where the seal's member starts
    source: ByteSource  # the file, or apply's private copy of it

    def plan(self, check: RecordCheck | None = None) -> Plan:
        """The plan, its records read from the file one at a time on each pass (`check`ed as read)."""
        records = {name: _records(self.sections[name], RECORD_TYPES[name], check) for name in RECORD_LISTS}
        try:
            return plan_from_parts(self.head, records, counted=True)
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise UsageError(f"malformed plan {self.path}: {error}") from error

    def check_sealed(self, key: bytes, lineage: str | None = None) -> None:
        """Refuse the plan unless the store's seal is its header's and every section is what the header says.

        Reads the whole file once, a chunk at a time.
        """
        try:
            trailer, _end = first_member(_From(self.source, self.trailer))
            seal = json.loads(trailer).get(SEAL_KEY)
        except (ValueError, AttributeError, zlib.error):
            seal = None
        check_seal(self.header, seal, key, lineage)
        for name, section in self.sections.items():
            if _digest(section) != (section.count, section.sha256):
                raise refuse_edited(f"its {name.replace('_', ' ')}")


def open_plan(
    path: Path, *, check_head: RecordCheck | None = None, legacy: bool = True, held: bool = False
) -> PlanFile | Plan:
    """The plan file at `path`: a `PlanFile` (format 2), or with `legacy` a format 1 file's plan, read whole.

    Without `legacy` (apply), a format 1 file is refused with what to do instead. With `held` (apply),
    the file is first copied to an unnamed temporary file and read only from there: what the seal
    check reads is then what every later pass reads, whatever happens to the file meanwhile.
    """
    source: ByteSource = FileBytes(path)
    try:
        if held:
            source = HeldBytes.copy_of(path)
        start = source.read_at(0, len(GZIP_MAGIC))
    except OSError as error:
        raise UsageError(f"cannot read the plan {path}: {error.strerror}") from error
    if start != GZIP_MAGIC:
        return _legacy(path, check_head, legacy)
    try:
        header, end = first_member(source)
        head = json.loads(header)
    except (ValueError, zlib.error, EOFError) as error:
        raise UsageError(f"not a plan file: {path}: {error}") from error
    check_version(head)
    if check_head is not None:
        check_head("header", head)
    try:
        layout = head[RECORDS_KEY]
        sections = {
            name: Section(source, TAGS[name], end + int(layout[name]["offset"]), int(layout[name]["length"]),
                          int(layout[name]["count"]), str(layout[name]["sha256"]))
            for name in RECORD_LISTS
        }  # fmt: skip
    except (KeyError, TypeError, ValueError) as error:
        raise UsageError(f"malformed plan {path}: its header has no valid {RECORDS_KEY!r}: {error}") from error
    trailer = max(s.offset + s.length for s in sections.values())
    return PlanFile(path, header, head, sections, trailer, source)


def _legacy(path: Path, check: RecordCheck | None, allowed: bool) -> Plan:
    if not allowed:
        raise UsageError(
            f"{path} is a plan file of format 1 (one JSON text), saved by an earlier sfsync; apply takes only "
            f"format {FORMAT_VERSION}. Run `sfsync plan -o FILE` again."
        )
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise UsageError(f"not a plan file: {path}: {error}") from error
    check_version(document)
    if check is not None:  # format 1's JSON form is format 2's: only the file around it changed
        check("document", {**document, "format_version": FORMAT_VERSION})
    return plan_from_json(document)


def _records(section: Section, kind: type[Any], check: RecordCheck | None) -> FileRecords[Any]:
    """The section's records, each `check`ed until one pass has read them all (the file does not change
    under a plan: apply's seal check proves it), then only parsed."""
    return FileRecords(section.count, _reader(section, kind, check))


def _reader(section: Section, kind: type[Any], check: RecordCheck | None) -> Callable[[], Iterator[Any]]:
    """What reads the section's records afresh on each call (`_records`)."""
    checked = [check is None]

    def records() -> Iterator[Any]:
        checking = not checked[0]
        try:
            for number, value in enumerate(section.values(), start=1):
                if checking and check is not None:
                    check(section.tag, value)
                    checked[0] = number >= section.count  # the last one checked: every later pass only parses
                try:
                    yield decode(kind, value)
                except (KeyError, TypeError, ValueError, AttributeError) as error:
                    raise UsageError(f"malformed plan: {section.tag} {number}: {error}") from error
        except (ValueError, zlib.error) as error:
            raise UsageError(f"malformed plan: its {section.tag} records: {error}") from error

    return records


def _digest(section: Section) -> tuple[int, str]:
    digest, lines = hashlib.sha256(), 0
    try:
        for piece in section.text():
            digest.update(piece)
            lines += piece.count(b"\n")
    except (ValueError, zlib.error):
        return -1, ""
    return lines, digest.hexdigest()


@dataclass(frozen=True)
class _From:
    """`source` from `start` on."""

    source: ByteSource
    start: int

    def read_at(self, offset: int, size: int) -> bytes:
        return self.source.read_at(self.start + offset, size)


def save_plan(plan: Plan, path: Path, key: bytes | None = None) -> None:
    """Write `plan` to `path` (sealed with `key`, when given); `sfsync plan -o` also sets the file's mode."""
    spool = spool_plan(plan, path.parent)
    try:
        with path.open("wb") as out:
            write_plan_file(out, plan, spool, key)
    finally:
        spool.discard()


def plan_from_file(path: Path) -> Plan:
    """The plan saved at `path` (of either format), its records read from the file as they are used."""
    opened = open_plan(path)
    return opened if isinstance(opened, Plan) else opened.plan()


def plan_document(path: Path) -> dict[str, Any]:
    """The JSON form of the plan saved at `path`, whole (for small plans: scripts and tests)."""
    document: dict[str, Any] = json.loads(json.dumps(plan_to_json(plan_from_file(path)), ensure_ascii=False))
    return document
