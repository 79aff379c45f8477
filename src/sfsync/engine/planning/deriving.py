"""A write set that knows whose visit made each of its changes, skips, play entries and failures.

Planning's output is the concatenation, in visit order, of what each record's visit added; this write
set keeps that attribution (a person's visit may add its company's Account change, and drop the
company's "not in a play" skip), the input tokens each visit read, and the cluster it belongs to, so
each record's share can be cached and reused (`incremental.py`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sfsync.catalogue import Kind
from sfsync.config import LoadedConfig
from sfsync.engine.planning.derivation_reads import RecordingReads
from sfsync.engine.planning.derived_form import Derived
from sfsync.engine.planning.matching import Target
from sfsync.engine.planning.write_set import WriteSet
from sfsync.engine.plans.plan import RecordChange, SkipCode
from sfsync.engine.subject import Subject
from sfsync.engine.values import TemplateFailure, Wanted
from sfsync.salesforce.port import ObjectDescribe
from sfsync.store import Store

Key = tuple[str, str]  # (kind, workspace id)


def cluster_of(subject: Subject) -> str | None:
    """The company a record is derived with: itself, a person's company, or None (a person on its own)."""
    if subject.kind is Kind.COMPANY:
        return subject.id
    return subject.company.id if subject.company is not None and subject.company.id else None


class DerivingWriteSet(WriteSet):
    """`WriteSet` whose every addition is attributed to the record being visited (`visit`)."""

    def __init__(
        self,
        store: Store,
        loaded: LoadedConfig,
        describes: Mapping[str, ObjectDescribe],
        members: dict[str, set[str]],
        held: Mapping[tuple[str, str], str] | None = None,
    ) -> None:
        super().__init__(store, loaded, describes, members, held)
        self.reads: RecordingReads = RecordingReads(store.session, registrable=self.reads.registrable)
        self.tokens: dict[Key, frozenset[str]] = {}
        self.clusters: dict[Key, str | None] = {}
        self._visiting: Key = ("", "")
        self._skip_owner: dict[int, Key] = {}  # by the skip's identity: equal skips of two records stay two
        self._change_owner: dict[str, Key] = {}
        self._entry_owner: list[Key] = []  # parallel to `entries` (only ever appended to)
        self._failures: list[tuple[Key, TemplateFailure]] = []

    def visit(self, subject: Subject) -> None:
        key = (str(subject.kind), subject.id)
        self._visiting = key
        before = len(self.entries)
        if subject.kind is Kind.COMPANY:
            self.visit_company(subject)
        else:
            self.visit_person(subject)
        self._entry_owner.extend([key] * (len(self.entries) - before))
        self.tokens[key] = self.reads.end(subject.kind, subject.id)
        self.clusters[key] = cluster_of(subject)

    def derived(self) -> dict[Key, Derived]:
        """Each visited record's share of the output, in the order it was added."""
        result: dict[Key, Derived] = {key: Derived() for key in self.tokens}
        for change in self.changes.values():
            result[self._change_owner[change.key]].changes.append(change)
        for skip in self.skips:
            result[self._skip_owner[id(skip)]].skips.append(skip)
        for entry, key in zip(self.entries, self._entry_owner, strict=True):
            result[key].entries.append(entry)
        for key, failure in self._failures:
            result[key].failures.append((failure.path, str(failure)))
        return result

    # --- attribution ------------------------------------------------------------------------------------
    def _change(
        self, key: str, subject: Subject, target: Target, plays: Sequence[str], batch: int, extra: list[Wanted]
    ) -> RecordChange | None:
        change = super()._change(key, subject, target, plays, batch, extra)
        if change is not None:
            self._change_owner[change.key] = self._visiting
        return change

    def _skip(
        self, subject: Subject, sobject: str | None, code: SkipCode, reason: str, sf_id: str | None = None
    ) -> None:
        super()._skip(subject, sobject, code, reason, sf_id)
        self._skip_owner[id(self.skips[-1])] = self._visiting

    def _template_failed(self, failure: TemplateFailure) -> None:
        # Every visit's failure is kept, not only the first per place: the record that failed first
        # may derive differently next time, and the next one's failure then names the place.
        super()._template_failed(failure)
        self._failures.append((self._visiting, failure))
