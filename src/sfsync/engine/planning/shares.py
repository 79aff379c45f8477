"""A share of a split derivation (`split_derivation.py`): what one process derived, in files, and how
the shares are put together.

A share's files: its cache `rows`, in a scratch SQLite file (`store/derivation_scratch.py`: the cache
takes them as they are, in any order, since it is keyed by record), with the dropped Account skips left
out of its companies' outputs and the clusters of held records left out (held is this plan's only);
when there is a plan, compressed (read back once, soon; a share's changes at a million records are a
gigabyte uncompressed), its `changes`, each after its keys (`change_order.keyed_line`:
those keys order them, wherever they came from), and its `visits`: skips, play entries and template
failures, each after its record's place in visit order (the plan keeps them in that order, and names a
template's failure by its first); and at its end, the companies whose Account skips a visit dropped.
"""

from __future__ import annotations

import contextlib
import gzip
import heapq
import json
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from operator import itemgetter
from pathlib import Path

from sfsync.catalogue import Kind
from sfsync.config import LoadedConfig
from sfsync.engine.planning.change_order import TAG, keyed_line
from sfsync.engine.planning.derivation_sinks import COMPANY, Streaming, without_skips_of
from sfsync.engine.planning.derived_form import Derived, Encoded, to_json_text
from sfsync.engine.planning.deriving import VISIT_ORDER, Key, Visiting, deriving_write_set
from sfsync.engine.planning.plan_output import PLAY_ENTRY, SKIP, PlanOutput
from sfsync.engine.plans.codec import encoded_line
from sfsync.engine.plans.plan import PlayEntry, Skip
from sfsync.engine.plans.sections import line_value
from sfsync.engine.subjects import subjects_of
from sfsync.salesforce.port import ObjectDescribe
from sfsync.store import Store
from sfsync.store.derivation_scratch import ScratchRows
from sfsync.store.derivations import output_text

_ID = json.JSONEncoder().encode  # ASCII, as a cache row's head spells the id
_FILES = ("changes", "visits")


def id_line(place: int, record_id: str) -> bytes:
    """A line of a share's ids: the record's place in visit order and its id."""
    return b"%d\t%b\n" % (place, _ID(record_id).encode())


def ids_path(work: Path, kind: Kind, part: int) -> Path:
    return work / f"ids-{kind}-{part}"


def share_path(work: Path, what: str, part: int) -> Path:
    """A share's file: its cache `rows`, its `changes` (keyed), its `visits`' skips, play entries and
    template failures (each after its record's place), and its `ends` (dropped and held companies)."""
    return work / f"{what}-{part}"


# --- a share --------------------------------------------------------------------------------------------
class ShareSink:
    """A share's cache rows and, when there is a plan (`planned`), its parts as the plan's output encodes
    them: changes keyed for ordering (their keys order them, wherever they came from), skips, play
    entries and template failures after their record's place (the plan keeps them in visit order)."""

    def __init__(
        self, files: Mapping[str, gzip.GzipFile], rows: ScratchRows, held: Mapping[Key, str], planned: bool
    ) -> None:
        self._files, self.rows, self._held, self._planned = files, rows, held, planned
        self.place = 0  # the visited record's
        self._places: deque[tuple[int, str]] = deque()  # read ahead (`subjects_of` loads a chunk at a time)
        self.dropped: set[str] = set()
        self.unkept: set[str] = set()  # the clusters of held records

    def expect(self, place: int, record_id: str) -> None:
        self._places.append((place, record_id))

    def add(self, key: Key, derived: Derived, tokens: frozenset[str], cluster: str | None) -> None:
        while self._places:  # a record gone from the store since the route was written is not visited
            self.place, record_id = self._places.popleft()
            if record_id == key[1]:
                break
        encoded = self._encoded(derived) if self._planned and derived else None
        if key in self._held:  # held is this plan's only: its cluster's rows are not kept
            if cluster:
                self.unkept.add(cluster)
            return
        self.rows.add(key, cluster, output_text(to_json_text(derived, encoded)), tokens)

    def _encoded(self, derived: Derived) -> Encoded:
        changes = []
        for change in derived.changes:
            value, line = encoded_line(TAG, change)
            self._files["changes"].write(keyed_line(value, line))
            changes.append(line_value(TAG, line))
        skips = [self._visit_part(SKIP, skip) for skip in derived.skips]
        entries = [self._visit_part(PLAY_ENTRY, entry) for entry in derived.entries]
        for path, message in derived.failures:
            self._files["visits"].write(b"%d\tfailure\t%b\n" % (self.place, _ID([list(path), message]).encode()))
        return Encoded(changes, skips, entries)

    def _visit_part(self, tag: str, part: Skip | PlayEntry) -> bytes:
        line = encoded_line(tag, part)[1]
        self._files["visits"].write(b"%d\t%b\t%b" % (self.place, tag.encode(), line))
        return line_value(tag, line)

    def drop_account_skips(self, company_id: str) -> None:
        self.dropped.add(company_id)


def derive_share(
    store: Store,
    loaded: LoadedConfig,
    describes: Mapping[str, ObjectDescribe],
    held: Mapping[Key, str],
    work: Path,
    part: int,
    counts: Mapping[Kind, list[int]],
    visiting: Visiting,
    planned: bool,
) -> None:
    with contextlib.ExitStack() as files:
        # Compressed for speed (read back once, soon); a share's changes at a million records are a gigabyte.
        out = {what: files.enter_context(gzip.open(share_path(work, what, part), "wb", 1)) for what in _FILES}
        sink = ShareSink(out, ScratchRows(share_path(work, "rows", part)), held, planned)
        write_set = deriving_write_set(store, loaded, describes, held, sink)
        for kind in VISIT_ORDER:
            with ids_path(work, kind, part).open("rb") as lines:
                visiting(
                    kind,
                    counts[kind][part],
                    subjects_of(store, write_set.reads, kind, _placed(lines, sink)),
                    write_set.visit,
                )
    sink.rows.finish(without_skips_of, COMPANY, sink.dropped, sink.unkept)
    share_path(work, "ends", part).write_text(json.dumps(sorted(sink.dropped)))


def _placed(lines: Iterable[bytes], sink: ShareSink) -> Iterator[str]:
    """Each id of a share's file, its place handed to the sink (which takes it when the record is visited)."""
    for line in lines:
        place, _tab, raw = line.partition(b"\t")
        record_id = json.loads(raw)
        sink.expect(int(place), record_id)
        yield record_id


# --- putting the shares together ------------------------------------------------------------------------
def merge(work: Path, parts: int, sink: Streaming) -> None:
    """Every share on to the plan's output (changes by their keys, the rest by their records' places) and
    the cache's spool (rows in any order: the cache is keyed by record)."""
    for part in range(parts):
        for company_id in json.loads(share_path(work, "ends", part).read_text()):
            sink.drop_account_skips(company_id)
    if sink.output is not None:
        _merge_output(work, parts, sink.output)
    if sink.cache is not None:
        for part in range(parts):
            sink.cache.take_scratch(share_path(work, "rows", part))


def _merge_output(work: Path, parts: int, output: PlanOutput) -> None:
    with contextlib.ExitStack() as files:
        for part in range(parts):
            for keyed in files.enter_context(gzip.open(share_path(work, "changes", part), "rb")):
                output.changes.add_keyed(keyed)
        visits = [
            _visit_parts(files.enter_context(gzip.open(share_path(work, "visits", p), "rb"))) for p in range(parts)
        ]
        for _place, tag, payload in heapq.merge(*visits, key=itemgetter(0)):
            if tag == "failure":
                path, message = json.loads(payload)
                output.add_failure((tuple(path), message))
            else:
                output.add_line(tag, payload)


def _visit_parts(lines: Iterable[bytes]) -> Iterator[tuple[int, str, bytes]]:
    for line in lines:
        place, tag, payload = line.split(b"\t", 2)
        yield int(place), tag.decode(), payload
