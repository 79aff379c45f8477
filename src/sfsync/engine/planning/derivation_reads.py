"""Planning's reads, with the input tokens each record's derivation asked for noted down.

Every question a visit asks of the store goes through `SubjectReads`; this subclass answers it the
same way and notes a token naming what the answer depends on, in the vocabulary the change triggers
log (`store/change_triggers.py`): a workspace row by id or key, mirror rows on a key column, a
record's links, a linked record's link and ledger. A question about a key with no answer yet (no
Contact has this email) is noted too: the row that later appears with that key logs the same token.
Tokens are collected from the end of one record's visit to the end of the next (a subject is built
lazily, just before its visit, so what building it reads is its own; what loading a chunk asks
before its first record is noted for that record: more than it read, never less).
"""

from __future__ import annotations

from collections.abc import Sequence

from sfsync.catalogue import Kind
from sfsync.store.links import Link
from sfsync.store.public_suffix import registrable_domain
from sfsync.store.session import Session
from sfsync.store.subject_reads import Fields, SubjectReads
from sfsync.store.sync_views import key_column
from sfsync.store.workspace import WorkspaceRecord


class RecordingReads(SubjectReads):
    """`SubjectReads` that notes the tokens of every answer given since the last `end`."""

    def __init__(self, session: Session, *, registrable: bool = False) -> None:
        self._noted: set[str] = set()
        super().__init__(session, registrable=registrable)

    def end(self) -> frozenset[str]:
        """The tokens noted since the last `end` (then noting starts afresh). Those the record reads of
        itself are implied, read or not (`store/own_tokens.py`): the cache keeps none of them."""
        noted = frozenset(self._noted)
        self._noted = set()
        return noted

    def mirror_fields(self, sobject: str, column: str, values: Sequence[str]) -> list[Fields]:
        self._noted.update(f"m|{sobject}|{column}|{value}" for value in values if value)
        return super().mirror_fields(sobject, column, values)

    def candidate_count(self, sobject: str, key: str | None) -> int:
        if key:
            value = self.company_key(key) if sobject == "Account" else key
            self._noted.add(f"m|{sobject}|{key_column(sobject, registrable=self.registrable)}|{value}")
        return super().candidate_count(sobject, key)

    def mirror_state(self, sobject: str, sf_id: str) -> tuple[Fields, bool] | None:
        self._noted.add(f"m|{sobject}|sf_id|{sf_id}")
        return super().mirror_state(sobject, sf_id)

    def links_for(self, kind: Kind, workspace_id: str) -> list[Link]:
        self._noted.add(f"l|{kind}|{workspace_id}")
        return super().links_for(kind, workspace_id)

    def link_by_sf_id(self, sobject: str, sf_id: str) -> Link | None:
        self._noted.add(f"ls|{sobject}|{sf_id}")
        return super().link_by_sf_id(sobject, sf_id)

    def ledger_values(self, sobject: str, sf_id: str) -> dict[str, object]:
        self._noted.add(f"g|{sobject}|{sf_id}")
        return super().ledger_values(sobject, sf_id)

    def find_company(self, domain: str) -> WorkspaceRecord | None:
        self._noted.add(f"w|company|domain_norm|{domain}")
        if self.registrable:
            self._noted.add(f"w|company|domain_reg|{registrable_domain(domain)}")
        found = super().find_company(domain)
        if found is not None:
            self._noted.add(f"w|company|id|{found.id}")
        return found
