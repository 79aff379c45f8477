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
import json
import os
import signal
import sys
import tempfile
import zlib
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from pathlib import Path

from sfsync.catalogue import Kind
from sfsync.config import LoadedConfig
from sfsync.engine.planning.derivation_sinks import Streaming, cache_line
from sfsync.engine.planning.derived_form import Derived
from sfsync.engine.planning.deriving import VISIT_ORDER, Key, Visiting, deriving_write_set
from sfsync.engine.subject import Subject
from sfsync.engine.subjects import subjects_of
from sfsync.errors import UsageError
from sfsync.salesforce.port import ObjectDescribe
from sfsync.store import Store
from sfsync.store.derivations import output_value
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
            _derive_share(store, loaded, describes, held, work, part, counts, visits)

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
    """Each record's share, a byte per record in visit order, and each share's ids; how many each has."""
    counts: dict[Kind, list[int]] = {}
    for kind in VISIT_ORDER:
        route = bytearray()
        counts[kind] = [0] * parts
        with contextlib.ExitStack() as files:
            ids = [files.enter_context(_ids_path(work, kind, p).open("wb")) for p in range(parts)]
            for record_id, key in store.workspace.cluster_keys(kind):
                part = _share_of(kind, record_id, key, parts)
                route.append(part)
                counts[kind][part] += 1
                ids[part].write(_ID(record_id).encode() + b"\n")
        (work / f"route-{kind}").write_bytes(route)
    return counts


def _share_of(kind: Kind, record_id: str, key: str | None, parts: int) -> int:
    """A company by its registrable domain, a person by its company domain's; else by its own id."""
    basis = (key if kind is Kind.COMPANY else _registrable(key)) if key else record_id
    return zlib.crc32(basis.encode("utf-8", "surrogatepass")) % parts


_registrable = lru_cache(maxsize=1 << 16)(registrable_domain)


def _ids_path(work: Path, kind: Kind, part: int) -> Path:
    return work / f"ids-{kind}-{part}"


def _share_path(work: Path, part: int) -> Path:
    return work / f"share-{part}"


def _drops_path(work: Path, part: int) -> Path:
    return work / f"drops-{part}"


# --- a share --------------------------------------------------------------------------------------------
class _ShareSink:
    """A share's cache rows, in its visit order, and the companies whose Account skips a visit dropped."""

    def __init__(self, out: gzip.GzipFile) -> None:
        self._out = out
        self.dropped: set[str] = set()

    def add(self, key: Key, derived: Derived, tokens: frozenset[str], cluster: str | None) -> None:
        self._out.write(cache_line(key, derived, tokens, cluster))

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
) -> None:
    with gzip.open(_share_path(work, part), "wb", compresslevel=1) as out:  # read back once, soon
        sink = _ShareSink(out)
        write_set = deriving_write_set(store, loaded, describes, held, sink)
        for kind in VISIT_ORDER:
            with _ids_path(work, kind, part).open("rb") as lines:
                ids = (json.loads(line) for line in lines)
                visiting(kind, counts[kind][part], subjects_of(store, write_set.reads, kind, ids), write_set.visit)
    _drops_path(work, part).write_text(json.dumps(sorted(sink.dropped)))


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
    """Each record's row, in visit order, on to the plan's output and the cache's spool; a record its
    share did not find (gone from the store since the route) is passed over, as one process would."""
    with contextlib.ExitStack() as files:
        rows = [iter(files.enter_context(gzip.open(_share_path(work, p), "rb"))) for p in range(parts)]
        heads = [next(r, b"") for r in rows]
        for kind in VISIT_ORDER:
            ids = [files.enter_context(_ids_path(work, kind, p).open("rb")) for p in range(parts)]
            prefix = b'["%b",' % str(kind).encode()
            for part in (work / f"route-{kind}").read_bytes():
                expected = prefix + next(ids[part]).rstrip(b"\n") + b","
                line = heads[part]
                if not line.startswith(expected):
                    continue
                heads[part] = next(rows[part], b"")
                _put(sink, line)
    for part in range(parts):
        for company_id in json.loads(_drops_path(work, part).read_text()):
            sink.drop_account_skips(company_id)


def _put(sink: Streaming, line: bytes) -> None:
    body = line.partition(b"\t")[2].rstrip(b"\n")
    if sink.output is not None and body:
        sink.output.add_cached(output_value(body.decode()) or {})
    if sink.cache is not None:
        sink.cache.add_line(line)
