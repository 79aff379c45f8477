"""Deriving every record in several processes at once: each derives its share of the clusters, and the
shares are put together in visit order, as one process would have derived them.

Clusters derive independently (a company with its people: the write set keeps nothing else from one
visit for another, and `incremental.py` relies on the same), so records are shared out by cluster: a
company by its registrable domain, a person by its `company_domain`'s registrable domain (what finds
its company, `subject_reads.find_company`), a company or person with neither by its own id. Before
forking, the first process writes the route: each record's share in visit order, and each share's ids.
Every process derives its share into files (`shares.py`), and the first puts them together: changes by
their keys, skips, play entries and template failures by their records' places, cache rows in any
order. The plan and the cache are byte for byte those of one process.

It runs only where the other processes see what the first sees (`Session.shared`: committed state of a
store on disk or a server), on Linux (fork), for a plan of `SPLIT_FROM` records or more. A share that
fails is no error of the plan: the first process then derives everything again, alone, and whatever
failed fails there the usual way.
"""

from __future__ import annotations

import contextlib
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
from sfsync.engine.planning import shares
from sfsync.engine.planning.derivation_sinks import Streaming
from sfsync.engine.planning.deriving import VISIT_ORDER, Key, Visiting
from sfsync.engine.subject import Subject
from sfsync.errors import UsageError
from sfsync.salesforce.port import ObjectDescribe
from sfsync.store import Store
from sfsync.store.public_suffix import registrable_domain

SPLIT_FROM = 5_000  # records: fewer derive in one process (forking and the route cost more than they save)
MOST_PROCESSES = 4  # a CI runner's cores; more shares would mostly wait on the store
PROCESSES_VARIABLE = "SFSYNC_PROCESSES"


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
    keeping: contextlib.ExitStack,
    total: int,
) -> bool:
    """Derive every record (`total` of them) into `sink` in shares, their files kept until `keeping` closes
    (the cache's spool names them); False when it does not split (nothing was added to `sink`: derive in
    one process)."""
    parts = processes()
    if parts < 2 or total < SPLIT_FROM or not store.session.shared:
        return False
    work = Path(keeping.enter_context(tempfile.TemporaryDirectory(prefix="sfsync-shares-", dir=directory)))
    counts = _write_route(store, work, parts)

    def share(part: int, visits: Visiting) -> None:
        shares.derive_share(store, loaded, describes, held, work, part, counts, visits, sink.output is not None)

    children = {_fork(store, part, share): part for part in range(1, parts)}
    try:
        share(0, visiting)
    finally:
        failed = _waited(children)
    if failed:
        return False
    shares.merge(work, parts, sink)
    return True


# --- the route ------------------------------------------------------------------------------------------
def _write_route(store: Store, work: Path, parts: int) -> dict[Kind, list[int]]:
    """Each share's records: their places in visit order (companies first) and ids; how many each has."""
    counts: dict[Kind, list[int]] = {}
    place = 0
    for kind in VISIT_ORDER:
        counts[kind] = [0] * parts
        with contextlib.ExitStack() as files:
            ids = [files.enter_context(shares.ids_path(work, kind, p).open("wb")) for p in range(parts)]
            for record_id, key in store.workspace.cluster_keys(kind):
                part = _share_of(kind, record_id, key, parts)
                counts[kind][part] += 1
                ids[part].write(shares.id_line(place, record_id))
                place += 1
    return counts


def _share_of(kind: Kind, record_id: str, key: str | None, parts: int) -> int:
    """A company by its registrable domain, a person by its company domain's; else by its own id."""
    basis = (key if kind is Kind.COMPANY else _registrable(key)) if key else record_id
    return zlib.crc32(basis.encode("utf-8", "surrogatepass")) % parts


_registrable = lru_cache(maxsize=1 << 16)(registrable_domain)


def _quietly(_kind: Kind, _total: int, subjects: Iterable[Subject], visit: Callable[[Subject], None]) -> None:
    for subject in subjects:
        visit(subject)


def _fork(store: Store, part: int, share: Callable[[int, Visiting], None]) -> int:
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
    except BaseException:  # noqa: S110 - the first process derives it again, where it fails plainly
        pass
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
