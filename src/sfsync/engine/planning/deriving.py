"""A write set that hands each record's share of the output on as soon as its visit ends.

Planning's output is the concatenation, in visit order, of what each record's visit added. At the end
of each visit this write set gives its `VisitSink` that share (changes, skips, play entries, template
failures), the input tokens the visit read and the cluster it belongs to, so the share can be spooled
into the plan, cached and reused (`incremental.py`), and held by nobody once handed on. A person's
visit may add its company's Account change and drop the company's earlier "not in a play" skip: the
sink is told, and applies it to what it was given.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Protocol

from sfsync.catalogue import Kind
from sfsync.config import LoadedConfig
from sfsync.config.models import CompanyMatch
from sfsync.engine.planning.derivation_reads import RecordingReads
from sfsync.engine.planning.derived_form import Derived
from sfsync.engine.planning.write_set import WriteSet
from sfsync.engine.subject import Subject
from sfsync.salesforce.port import ObjectDescribe
from sfsync.store import Store

Key = tuple[str, str]  # (kind, workspace id)
VISIT_ORDER = (Kind.COMPANY, Kind.PERSON)  # Accounts before the Contacts that need them
# How records are visited: (kind, how many, their subjects, the visit), e.g. with progress reported.
Visiting = Callable[[Kind, int, Iterable[Subject], Callable[[Subject], None]], None]


def cluster_of(subject: Subject) -> str | None:
    """The company a record is derived with: itself, a person's company, or None (a person on its own)."""
    if subject.kind is Kind.COMPANY:
        return subject.id
    return subject.company.id if subject.company is not None and subject.company.id else None


class VisitSink(Protocol):
    """Where each visit's share goes, in visit order."""

    def add(self, key: Key, derived: Derived, tokens: frozenset[str], cluster: str | None) -> None: ...

    def drop_account_skips(self, company_id: str) -> None:
        """An earlier share's Account skips of this company are dropped (`plan_output.drops`)."""


class DerivingWriteSet(WriteSet):
    """`WriteSet` that hands each visit's share (`visit`) to its sink, with what the visit read."""

    def __init__(
        self,
        store: Store,
        loaded: LoadedConfig,
        describes: Mapping[str, ObjectDescribe],
        members: dict[str, set[str]],
        held: Mapping[tuple[str, str], str] | None,
        sink: VisitSink,
    ) -> None:
        registrable = loaded.config.sync.company_match is CompanyMatch.REGISTRABLE_DOMAIN
        self.reads: RecordingReads = RecordingReads(store.session, registrable=registrable)
        super().__init__(store, loaded, describes, members, held, self.reads)
        self.sink = sink
        self.clusters: set[str] = set()  # every cluster visited (a company's id)

    def visit(self, subject: Subject) -> None:
        key = (str(subject.kind), subject.id)
        self.current = Derived()
        if subject.kind is Kind.COMPANY:
            self.visit_company(subject)
        else:
            self.visit_person(subject)
        cluster = cluster_of(subject)
        if cluster:
            self.clusters.add(cluster)
        self.sink.add(key, self.current, self.reads.end(), cluster)
        self.current = Derived()

    def _drop_account_skips(self, company_id: str) -> None:
        super()._drop_account_skips(company_id)
        self.sink.drop_account_skips(company_id)


def deriving_write_set(
    store: Store,
    loaded: LoadedConfig,
    describes: Mapping[str, ObjectDescribe],
    held: Mapping[tuple[str, str], str],
    sink: VisitSink,
) -> DerivingWriteSet:
    """A write set for visits into `sink`, with every play's current members."""
    members = {
        play.name: {m.workspace_id for m in store.plays.members(play.name, play.audience.object)}
        for play in loaded.config.plays
    }
    return DerivingWriteSet(store, loaded, describes, members, held, sink)
