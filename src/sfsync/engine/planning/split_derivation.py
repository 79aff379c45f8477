"""Deriving every record in several processes at once: each derives its share of the clusters, and the
shares are put together in visit order, as one process would have derived them.

Clusters derive independently (a company with its people: the write set keeps nothing else from one
visit for another, and `incremental.py` relies on the same), so records are shared out by cluster: a
company by its registrable domain, a person by its `company_domain`'s registrable domain (what finds
its company, `subject_reads.find_company`), a company or person with neither by its own id. Before
forking, the first process writes the route: each record's share in visit order, and each share's ids.
Every process derives its share into a compressed file of cache rows (`derivation_sinks.cache_line`);
then the first reads the route once, each record's row from its share's file on to the plan's output
and the cache's spool. The plan and the cache are byte for byte those of one process.

It runs only where the other processes see what the first sees (`Session.shared`: committed state of a
store on disk or a server), on Linux (fork), for a plan of `SPLIT_FROM` records or more. A share that
fails is no error of the plan: the first process then derives everything again, alone, and whatever
failed fails there the usual way.
"""

from __future__ import annotations

import contextlib
import gzip
import heapq
import json
import os
import signal
import sys
import tempfile
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import lru_cache
from operator import itemgetter
from pathlib import Path

from sfsync.catalogue import Kind
from sfsync.config import LoadedConfig
from sfsync.engine.planning.change_order import TAG, keyed_line
from sfsync.engine.planning.derivation_sinks import Streaming, cache_line
from sfsync.engine.planning.derived_form import Derived, Encoded
from sfsync.engine.planning.deriving import VISIT_ORDER, Key, Visiting, deriving_write_set
from sfsync.engine.planning.plan_output import PLAY_ENTRY, SKIP, PlanOutput
from sfsync.engine.plans.codec import encoded_line
from sfsync.engine.plans.plan import PlayEntry, Skip
from sfsync.engine.plans.sections import line_value
from sfsync.engine.subject import Subject
from sfsync.engine.subjects import subjects_of
from sfsync.errors import UsageError
from sfsync.salesforce.port import ObjectDescribe
from sfsync.store import Store
from sfsync.store.public_suffix import registrable_domain

SPLIT_FROM = 5_000  # records: fewer derive in one process (forking and the route cost more than they save)
MOST_PROCESSES = 4  # a CI runner's cores; more shares would mostly wait on the store
PROCESSES_VARIABLE = "SFSYNC_PROCESSES"
_ID = json.JSONEncoder().encode  # ASCII, as the cache row's head spells the id


def processes(environ: Mapping[str, str] = os.environ) -> int:
    """How many processes derive a large plan: `SFSYNC_PROCESSES`, else the CPUs this process may use
    (at most `MOST_PROCESSES`); 1 where fork is not the platform's."""
    raw = environ.get(PROCESSES_VARIABLE, "").strip()
    if raw:
        if not raw.isdigit() or int(raw) < 1:
            raise UsageError(f"{PROCESSES_VARIABLE}={raw!r}: give a whole number of processes, 1 or more")
        wanted = int(raw)
    else:
        wanted = min(MOST_PROCESSES, len(os.sched_getaffinity(0))) if hasattr(os, "sched_getaffinity") else 1
    return wanted if sys.platform == "linux" else 1


def derive_split(
    store: Store,
    loaded: LoadedConfig,
    describes: Mapping[str, ObjectDescribe],
    held: Mapping[Key, str],
    visiting: Visiting,
    sink: Streaming,
    directory: Path | None,
) -> bool:
    """Derive every record into `sink` in shares; False when it does not split (nothing was added to
    `sink`: derive in one process)."""
    parts = processes()
    total = sum(store.workspace.count(kind) for kind in VISIT_ORDER)
    if parts < 2 or total < SPLIT_FROM or not store.session.shared:
        return False
    with tempfile.TemporaryDirectory(prefix="sfsync-shares-", dir=directory) as scratch:
        work = Path(scratch)
        counts = _write_route(store, work, parts)

        def share(part: int, visits: Visiting) -> None:
            _derive_share(store, loaded, describes, held, work, part, counts, visits, sink.output is not None)

        children = {_fork(store, work, part, share): part for part in range(1, parts)}
        try:
            share(0, visiting)
        finally:
            failed = _waited(children)
        if failed:
            return False
        _merge(work, parts, sink)
    return True


# --- the route ------------------------------------------------------------------------------------------
def _write_route(store: Store, work: Path, parts: int) -> dict[Kind, list[int]]:
    """Each share's records: their places in visit order (companies first) and ids; how many each has."""
    counts: dict[Kind, list[int]] = {}
    place = 0
    for kind in VISIT_ORDER:
        counts[kind] = [0] * parts
        with contextlib.ExitStack() as files:
            ids = [files.enter_context(_ids_path(work, kind, p).open("wb")) for p in range(parts)]
            for record_id, key in store.workspace.cluster_keys(kind):
                part = _share_of(kind, record_id, key, parts)
                counts[kind][part] += 1
                ids[part].write(b"%d\t%b\n" % (place, _ID(record_id).encode()))
                place += 1
    return counts


def _share_of(kind: Kind, record_id: str, key: str | None, parts: int) -> int:
    """A company by its registrable domain, a person by its company domain's; else by its own id."""
    basis = (key if kind is Kind.COMPANY else _registrable(key)) if key else record_id
    return zlib.crc32(basis.encode("utf-8", "surrogatepass")) % parts


_registrable = lru_cache(maxsize=1 << 16)(registrable_domain)


def _ids_path(work: Path, kind: Kind, part: int) -> Path:
    return work / f"ids-{kind}-{part}"


def _path(work: Path, what: str, part: int) -> Path:
    """A share's file: its cache `rows`, its `changes` (keyed), its `visits`' skips, play entries and
    template failures (each after its record's place), and its `ends` (dropped and held companies)."""
    return work / f"{what}-{part}"


# --- a share --------------------------------------------------------------------------------------------
class _ShareSink:
    """A share's cache rows and, when there is a plan (`planned`), its parts as the plan's output encodes
    them: changes keyed for ordering (their keys order them, wherever they came from), skips, play
    entries and template failures after their record's place (the plan keeps them in visit order)."""

    def __init__(self, files: Mapping[str, gzip.GzipFile], held: Mapping[Key, str], planned: bool) -> None:
        self._files, self._held, self._planned = files, held, planned
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
        if key in self._held and cluster:
            self.unkept.add(cluster)
        encoded = self._encoded(derived) if self._planned and derived else None
        self._files["rows"].write(cache_line(key, derived, tokens, cluster, encoded))

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


def _derive_share(
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
        out = {what: files.enter_context(gzip.open(_path(work, what, part), "wb", 1)) for what in _SHARE_FILES}
        sink = _ShareSink(out, held, planned)
        write_set = deriving_write_set(store, loaded, describes, held, sink)
        for kind in VISIT_ORDER:
            with _ids_path(work, kind, part).open("rb") as lines:
                visiting(
                    kind,
                    counts[kind][part],
                    subjects_of(store, write_set.reads, kind, _placed(lines, sink)),
                    write_set.visit,
                )
    _path(work, "ends", part).write_text(json.dumps({"dropped": sorted(sink.dropped), "unkept": sorted(sink.unkept)}))


_SHARE_FILES = ("rows", "changes", "visits")


def _placed(lines: Iterable[bytes], sink: _ShareSink) -> Iterator[str]:
    """Each id of a share's file, its place handed to the sink (which takes it when the record is visited)."""
    for line in lines:
        place, _tab, raw = line.partition(b"\t")
        record_id = json.loads(raw)
        sink.expect(int(place), record_id)
        yield record_id


def _quietly(_kind: Kind, _total: int, subjects: Iterable[Subject], visit: Callable[[Subject], None]) -> None:
    for subject in subjects:
        visit(subject)


def _fork(store: Store, work: Path, part: int, share: Callable[[int, Visiting], None]) -> int:
    """A process deriving share `part`: its pid. It reports nothing but its files, and ends without
    running the parent's exit handlers or flushing the parent's buffers."""
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:
        store.session.forked()
        share(part, _quietly)
        code = 0
    except BaseException as error:
        with contextlib.suppress(BaseException):
            (work / f"failed-{part}").write_text(f"{type(error).__name__}: {error}")
    finally:
        os._exit(code)


def _waited(children: Mapping[int, int]) -> list[int]:
    """Wait for every share's process (stopping them first when the first process's share failed); the
    shares that failed."""
    failed = []
    stopping = sys.exc_info()[0] is not None
    for pid, part in children.items():
        if stopping:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        _pid, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            failed.append(part)
    return failed


# --- putting the shares together ------------------------------------------------------------------------
def _merge(work: Path, parts: int, sink: Streaming) -> None:
    """Every share on to the plan's output (changes by their keys, the rest by their records' places) and
    the cache's spool (rows in any order: the cache is keyed by record)."""
    ends = [json.loads(_path(work, "ends", p).read_text()) for p in range(parts)]
    for end in ends:
        for company_id in end["dropped"]:
            sink.drop_account_skips(company_id)
    if sink.output is not None:
        _merge_output(work, parts, sink.output)
    if sink.cache is not None:
        for part, end in enumerate(ends):
            # Opened now: the file is still read after the shares' folder is gone (an open file outlives its name).
            sink.cache.adopt(_path(work, "rows", part).open("rb"), end["unkept"])


def _merge_output(work: Path, parts: int, output: PlanOutput) -> None:
    with contextlib.ExitStack() as files:
        for part in range(parts):
            for keyed in files.enter_context(gzip.open(_path(work, "changes", part), "rb")):
                output.changes.add_keyed(keyed)
        visits = [_visit_parts(files.enter_context(gzip.open(_path(work, "visits", p), "rb"))) for p in range(parts)]
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
