"""Planning's per-record reads, answered from a few set-based statements per chunk of records.

Planning visits workspace records one at a time, and each visit asks for the mirrored records on a
key, a record's links, a linked record's state and ledger, a company by domain. `SubjectReads` loads
those answers for a whole chunk of records in one read transaction (one `IN (…)` statement per table
and column), then answers each question exactly as the single-record read would, in the same order
(sf_id order, as text compared character by character on every store, kept as a rank). A question
about a key outside the loaded chunk is read from the store directly, so an answer never depends on
what was loaded.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, select

from sfsync.catalogue import Kind
from sfsync.store.ledger import LedgerSection
from sfsync.store.links import Link, LinksSection, links_from_rows
from sfsync.store.public_suffix import registrable_domain
from sfsync.store.schema import ledger, link, mirror
from sfsync.store.session import Session
from sfsync.store.sync_views import candidate_count, key_column, mirror_fields, mirror_state
from sfsync.store.workspace import WorkspaceRecord, WorkspaceSection, companies_by_registrable, find_many

Fields = Mapping[str, Any]
MAX_KEYS = 20_000  # per statement: under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters


class SubjectReads:
    """The chunk's answers; `load_*` replace them, the other methods read (falling back to the store)."""

    def __init__(self, session: Session, *, registrable: bool = False) -> None:
        self._session = session
        self.registrable = registrable  # companies match by registrable domain (`sync.company_match`)
        self.account_column = key_column("Account", registrable=registrable)
        self._workspace = WorkspaceSection(session)
        self._link_section = LinksSection(session)
        self._ledger_section = LedgerSection(session)
        self.clear()

    def clear(self) -> None:
        # (object, column) -> value -> [(rank, fields)] of live records; rank: their sf_id order
        self._mirror: dict[tuple[str, str], dict[str, Sequence[tuple[int, Fields]]]] = {}
        self._states: dict[tuple[str, str], tuple[Fields, bool] | None] = {}
        self._live: dict[tuple[str, str], Fields] = {}  # (object, sf_id) -> fields of a live row loaded
        self._links: dict[tuple[str, str], list[Link]] = {}
        self._by_sf_id: dict[tuple[str, str], Link | None] = {}
        self._ledger: dict[tuple[str, str], dict[str, Any]] = {}
        self._companies: dict[str, WorkspaceRecord | None] = {}
        self._by_registrable: dict[str, WorkspaceRecord | None] = {}

    # --- answers ----------------------------------------------------------------------------------
    def mirror_fields(self, sobject: str, column: str, values: Sequence[str]) -> list[Fields]:
        """As `sync_views.mirror_fields` (live records only)."""
        if not values:  # a company without Accounts asks for their Opportunities: none
            return []
        loaded = self._mirror.get((sobject, column))
        if loaded is not None and len(values) == 1:  # most questions: an email, a domain
            found = loaded.get(values[0])
            if found is not None:  # the value's rows, loaded in rank order
                return [dict(fields) for _rank, fields in found]
        if loaded is None or any(value not in loaded for value in values):
            return mirror_fields(self._session, sobject, column, list(dict.fromkeys(values)))
        rows = sorted((row for value in dict.fromkeys(values) for row in loaded[value]), key=_rank)
        return [dict(fields) for _rank, fields in rows]

    def company_key(self, domain: str) -> str:
        """What a company domain is matched by: itself, or its registrable domain."""
        return registrable_domain(domain) if self.registrable else domain

    def candidate_count(self, sobject: str, key: str | None) -> int:
        """As `sync_views.candidate_count` (an Account's key: a company domain, compared as `company_key`)."""
        if sobject == "Account" and key:
            key = self.company_key(key)
        column = key_column(sobject, registrable=self.registrable)
        loaded = self._mirror.get((sobject, column), {}) if key else {}
        if key and key in loaded:
            return len(loaded[key])
        return candidate_count(self._session, sobject, key, registrable=self.registrable)

    def mirror_state(self, sobject: str, sf_id: str) -> tuple[Fields, bool] | None:
        """As `sync_views.mirror_state`."""
        if (sobject, sf_id) in self._states:
            state = self._states[(sobject, sf_id)]
            return (dict(state[0]), state[1]) if state is not None else None
        return mirror_state(self._session, sobject, sf_id)

    def links_for(self, kind: Kind, workspace_id: str) -> list[Link]:
        """As `links.for_record`."""
        found = self._links.get((str(kind), workspace_id))
        return list(found) if found is not None else self._link_section.for_record(kind, workspace_id)

    def link_by_sf_id(self, sobject: str, sf_id: str) -> Link | None:
        """As `links.by_sf_id`."""
        if (sobject, sf_id) in self._by_sf_id:
            return self._by_sf_id[(sobject, sf_id)]
        return self._link_section.by_sf_id(sobject, sf_id)

    def ledger_values(self, sobject: str, sf_id: str) -> dict[str, Any]:
        """As `ledger.values`."""
        found = self._ledger.get((sobject, sf_id))
        return dict(found) if found is not None else self._ledger_section.values(sobject, sf_id)

    def find_company(self, domain: str) -> WorkspaceRecord | None:
        """As `workspace.find(Kind.COMPANY, domain)`; matching by registrable domain, the company on the
        same host, else the one on the registrable domain itself, else the first by id."""
        found = self._companies[domain] if domain in self._companies else self._workspace.find(Kind.COMPANY, domain)
        if found is not None or not self.registrable:
            return found
        reg = registrable_domain(domain)
        if reg not in self._by_registrable:
            with self._session.read() as conn:
                self._by_registrable.update(companies_by_registrable(conn, [reg]))
        return self._by_registrable.get(reg)

    # --- loading ----------------------------------------------------------------------------------
    def load_mirror(self, conn: Connection, sobject: str, column: str, values: Collection[str]) -> None:
        """The live records of `sobject` whose `column` is in `values`, each value's in sf_id order."""
        keys = sorted({v for v in values if v})
        if len(keys) > MAX_KEYS:
            return  # too many for one statement (ranks must come from one): answered record by record
        by_value: dict[str, Sequence[tuple[int, Fields]]] = dict.fromkeys(keys, ())  # a list once a row is found
        self._mirror[(sobject, column)] = by_value  # replaces any earlier load: ranks compare within one
        if not keys:
            return
        stmt = select(mirror.c[column], mirror.c.sf_id, mirror.c.fields).where(
            mirror.c.object == sobject, mirror.c[column].in_(keys), mirror.c.is_deleted.is_(False)
        )
        # Ordered here, not by the statement: with ORDER BY sf_id, SQLite walks the primary key (object, sf_id)
        # through every row of the object to skip a sort, instead of the column's index, so each chunk's read
        # grew with the org (at 1,000,000 people, half of the plan's time).
        found_rows = sorted(conn.execute(stmt).all(), key=_by_sf_id)  # whole: cheaper than row by row
        for rank, (value, sf_id, fields) in enumerate(found_rows):
            found = by_value[value]
            if isinstance(found, list):
                found.append((rank, fields))
            else:
                by_value[value] = [(rank, fields)]
            self._live[(sobject, sf_id)] = fields

    def load_states(self, conn: Connection, sobject: str, sf_ids: Iterable[str]) -> None:
        """Mirror state (deleted or not) and ledger of these records, and the link on each. A record whose
        live row `load_mirror` read in this chunk (the same read transaction) is not read again."""
        keys = sorted({i for i in sf_ids if i and (sobject, i) not in self._states})
        for part in _parts(keys):
            unread = []
            for key in part:
                live = self._live.get((sobject, key))
                self._states[(sobject, key)] = None if live is None else (live, False)
                self._ledger[(sobject, key)] = {}
                self._by_sf_id[(sobject, key)] = None
                if live is None:
                    unread.append(key)
            stmt = select(mirror.c.sf_id, mirror.c.fields, mirror.c.is_deleted).where(
                mirror.c.object == sobject, mirror.c.sf_id.in_(unread)
            )
            for sf_id, fields, deleted in conn.execute(stmt).all() if unread else ():
                self._states[(sobject, sf_id)] = (fields, bool(deleted))
            rows = conn.execute(
                select(ledger.c.sf_id, ledger.c.field, ledger.c.value).where(
                    ledger.c.object == sobject, ledger.c.sf_id.in_(part)
                )
            )
            for sf_id, field, value in rows.all():
                self._ledger[(sobject, sf_id)][field] = value
            linked = conn.execute(select(link).where(link.c.object == sobject, link.c.sf_id.in_(part))).all()
            for item in links_from_rows(linked):
                self._by_sf_id[(sobject, item.sf_id)] = item

    def load_links(self, conn: Connection, kind: Kind, workspace_ids: Iterable[str]) -> list[Link]:
        """The links of these workspace records (also returned)."""
        keys = sorted({i for i in workspace_ids if i})
        found: list[Link] = []
        kind_text = str(kind)
        for part in _parts(keys):
            by_record: dict[tuple[str, str], list[Link]] = {(kind_text, key): [] for key in part}
            stmt = select(link).where(link.c.kind == kind_text, link.c.workspace_id.in_(part))
            loaded = links_from_rows(conn.execute(stmt.order_by(link.c.workspace_id, link.c.object)).all())
            for item in loaded:
                by_record[(kind_text, item.workspace_id)].append(item)
            self._links.update(by_record)
            found.extend(loaded)
        return found

    def load_companies(self, conn: Connection, domains: Iterable[str]) -> list[WorkspaceRecord]:
        keys = sorted({d for d in domains if d})
        found: list[WorkspaceRecord] = []
        for part in _parts(keys):
            for key in part:
                self._companies[key] = None
            for record in find_many(conn, Kind.COMPANY, part):
                self._companies[str(record.key)] = record
                found.append(record)
        if self.registrable:
            regs = sorted({registrable_domain(key) for key in keys if self._companies.get(key) is None})
            for part in _parts(regs):
                self._by_registrable.update(dict.fromkeys(part))
                by_reg = companies_by_registrable(conn, part)
                self._by_registrable.update(by_reg)
                found.extend(by_reg.values())
        return found

    def live_ids(self, sobject: str, column: str) -> list[str]:
        """The sf_ids of the loaded live records of `sobject` by `column` (from their `Id` field)."""
        loaded = self._mirror.get((sobject, column), {})
        return [str(fields.get("Id")) for rows in loaded.values() for _rank, fields in rows]


def _rank(row: tuple[int, Fields]) -> int:
    return row[0]


def _parts(keys: list[str]) -> list[list[str]]:
    return [keys[start : start + MAX_KEYS] for start in range(0, len(keys), MAX_KEYS)]


def _by_sf_id(row: Sequence[Any]) -> str:
    return str(row[1])
