"""The read pass: Salesforce → mirror (a cache) → workspace, then links for what was read.

Each object is read from its `SystemModstamp` watermark less `TRAILING_WINDOW`, fully on the first run or
on demand, with deleted rows (`queryAll`) so deletions are seen. Stamps have whole seconds and are taken
inside the writing transaction, which may commit after a read already passed that stamp: the window
reads such late commits and every edit made in the watermark's own second. A record read again is
skipped only when its stamp and fields equal the mirror's copy.
With a dedicated integration user, incremental reads leave out the records sfsync itself modified
last: apply already put what it wrote in the mirror. They are read back while a write may have
happened unrecorded (an open create intent, an unknown outcome, an apply that never finished).
Fields mapped `read`/`read_write` update the workspace (Salesforce wins there); Contacts and Leads
without a valid email and Accounts without a valid website are skipped with the reason. A read record
updates the workspace record it is linked to, else the one with its key (`read_identity`); records
read are linked to the workspace record with their key (the rule's pick when several share it); then
links follow Salesforce's merges and converted Leads (`identity`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from sfsync.catalogue import Kind
from sfsync.config.connection import IntegrationUser
from sfsync.config.models import CompanyMatch, Config, Direction
from sfsync.engine.plans.identity import IdentityChange
from sfsync.engine.plans.plan import Api
from sfsync.engine.progress import SILENT, Progress
from sfsync.engine.reading.fields import READ_OBJECTS, config_filter_fields, query_fields
from sfsync.engine.reading.follow import follow_salesforce
from sfsync.engine.reading.identity import previous_keys, read_updates
from sfsync.engine.reading.readback import ReadTyping, onto_registrable
from sfsync.salesforce.moments import salesforce_moment
from sfsync.salesforce.port import ObjectDescribe, SalesforcePort
from sfsync.salesforce.query import Ne, Query
from sfsync.store import Store
from sfsync.store.bulk import chunks
from sfsync.store.links import Link
from sfsync.store.mirror import MirrorRecord, Watermark
from sfsync.store.runs import Outcome
from sfsync.store.session import utc_now
from sfsync.store.sync_views import mirror_count, unlinked_by_external_id, unlinked_matches

KEY_OF = {"Account": Kind.COMPANY, "Contact": Kind.PERSON, "Lead": Kind.PERSON}
_CHUNK = 500
# As long as apply's Bulk check looks back (engine/applying/recheck): a save's transaction, automation
# included, rarely stays open that long before it commits.
TRAILING_WINDOW = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class ObjectRefresh:
    """What one object's read did; `skipped` counts records not taken into the workspace, by reason."""

    sobject: str
    full: bool
    api: Api
    read: int
    deleted: int
    linked: int
    skipped: Mapping[str, int] = field(default_factory=dict)
    identity: tuple[IdentityChange, ...] = ()


@dataclass(frozen=True)
class RefreshResult:
    """`identity`: how workspace records followed Salesforce; `held`: records not to write this plan
    (by kind and id), with why (a merge's master linked to another record)."""

    objects: tuple[ObjectRefresh, ...]
    watermarks: Mapping[str, str]
    identity: tuple[IdentityChange, ...] = ()
    held: Mapping[tuple[str, str], str] = field(default_factory=dict)

    def summary(self) -> dict[str, dict[str, int]]:
        return {
            o.sobject: {"read": o.read, "deleted": o.deleted, "linked": o.linked, **o.skipped} for o in self.objects
        }


def refresh(
    port: SalesforcePort,
    store: Store,
    config: Config,
    describes: Mapping[str, ObjectDescribe],
    *,
    full: frozenset[str] = frozenset(),
    filter_fields: Mapping[str, Iterable[str]] | None = None,
    progress: Progress = SILENT,
) -> RefreshResult:
    """Read every object (incrementally unless in `full`), update the workspace and link what was read.

    `filter_fields` defaults to the config's own, so every read keeps the fields the filters compare.
    """
    extra = config_filter_fields(config) if filter_fields is None else filter_fields
    own_writer = own_writes_user(port, store, config)
    results = []
    for sobject in READ_OBJECTS:
        if sobject not in describes:
            continue
        fields = query_fields(sobject, config, describes[sobject], extra.get(sobject, ()))
        progress.start("refresh", sobject)
        read = _read_object(port, store, config, describes[sobject], fields, sobject in full, own_writer, progress)
        results.append(read)
        progress.finish("refresh", sobject)
    linked = _link_read(store, config)
    followed = follow_salesforce(store, keys=config.sync.read)
    objects = tuple(replace(r, linked=linked.get(r.sobject, 0)) for r in results)
    identity = tuple(change for r in results for change in r.identity) + followed.changes
    return RefreshResult(objects, _watermarks(store), identity, followed.held)


def own_writes_user(port: SalesforcePort, store: Store, config: Config) -> str | None:
    """The user whose writes incremental reads leave out (sfsync's login), or None to read them all.

    Only a dedicated login's writes are all sfsync's: with `shared` or `admin`, people's edits carry the
    same user id. And sfsync's writes are read back while one may have happened without the store
    knowing: a create intent still open, a row whose outcome was unknown in the latest apply, or an
    apply that never finished (a crash) — the next read must see, and link, what was created then.
    """
    if config.connection.integration_user is not IntegrationUser.DEDICATED:
        return None
    if store.intents.any_unresolved():
        return None
    last = store.runs.last("apply")
    if last is not None and (last.status == "running" or store.runs.has_outcome(last.id, Outcome.UNKNOWN)):
        return None
    return port.identity().user_id or None


def _read_object(
    port: SalesforcePort,
    store: Store,
    config: Config,
    describe: ObjectDescribe,
    fields: list[str],
    full: bool,
    own_writer: str | None,
    progress: Progress,
) -> ObjectRefresh:
    sobject = describe.name
    mark = None if full else store.mirror.watermark(sobject)
    request = read_query(sobject, fields, mark, own_writer)
    bulk = _use_bulk(store, config, sobject)
    rows = port.bulk_query(request) if bulk else port.query(request)
    counts: Counter[str] = Counter()
    identity: list[IdentityChange] = []
    into_workspace = config.sync.read and sobject in KEY_OF
    for read_chunk in chunks(_records(rows, describe), _CHUNK):
        chunk = _changed(store, sobject, read_chunk) if mark is not None else read_chunk
        if not chunk:
            continue
        previous = previous_keys(store, sobject, chunk) if into_workspace else {}  # before the mirror has the read
        store.mirror.upsert(chunk)
        counts["read"] += len(chunk)
        counts["deleted"] += sum(1 for r in chunk if r.is_deleted)
        if into_workspace:
            counts.update(_into_workspace(store, config, sobject, chunk, previous, identity))
        progress.advance("refresh", sobject, len(chunk))
    skipped = {k: v for k, v in counts.items() if k not in ("read", "deleted")}
    api = Api.BULK if bulk else Api.REST
    return ObjectRefresh(sobject, mark is None, api, counts["read"], counts["deleted"], 0, skipped, tuple(identity))


def read_query(sobject: str, fields: list[str], mark: Watermark | None, own_writer: str | None = None) -> Query:
    """Every record, deleted ones included; with a watermark, those stamped at or after it, and not last
    modified by `own_writer` when given.

    The watermark still moves only over what was read: a record sfsync wrote after it is read again
    once someone else modifies it (its `LastModifiedById` changes, its stamp is past the watermark).
    """
    if mark is None:
        return Query(sobject, tuple(fields), include_deleted=True)
    not_own = Ne("LastModifiedById", own_writer) if own_writer else None
    since = mark.system_modstamp - TRAILING_WINDOW
    return Query(sobject, tuple(fields), not_own, since=since, include_deleted=True)


def _use_bulk(store: Store, config: Config, sobject: str) -> bool:
    api = str(config.sync.api)
    if api != "auto":
        return api == "bulk"
    return mirror_count(store.session, sobject) > config.sync.bulk_threshold


def _records(rows: Iterator[Mapping[str, Any]], describe: ObjectDescribe) -> Iterator[MirrorRecord]:
    """Read rows as mirror records."""
    typing = ReadTyping(describe)
    for row in rows:
        values = typing.values(row)
        yield MirrorRecord(
            describe.name,
            str(values["Id"]),
            values,
            salesforce_moment(values.get("SystemModstamp")),
            salesforce_moment(values.get("LastModifiedDate")),
            bool(values.get("IsDeleted")),
        )


def _changed(store: Store, sobject: str, chunk: list[MirrorRecord]) -> list[MirrorRecord]:
    """The records of an incremental read the mirror does not already hold as read: the trailing window
    brings back records read before, and only a stamp and fields both equal to the mirror's are the same read."""
    known = store.mirror.get_many(sobject, [r.sf_id for r in chunk])
    return [r for r in chunk if not _same(known.get(r.sf_id), r)]


def _same(known: MirrorRecord | None, read: MirrorRecord) -> bool:
    if known is None or known.system_modstamp != read.system_modstamp or known.is_deleted != read.is_deleted:
        return False
    return all(known.fields.get(name) == value for name, value in read.fields.items())


def _into_workspace(
    store: Store,
    config: Config,
    sobject: str,
    chunk: list[MirrorRecord],
    previous: Mapping[str, str | None],
    identity: list[IdentityChange],
) -> Counter[str]:
    kind = KEY_OF[sobject]
    mappings = {name: m for name, m in config.mappings.get(sobject, {}).items() if m.direction is not Direction.WRITE}
    read = read_updates(store, kind, sobject, chunk, previous, mappings, config.sync.external_id_field)
    if read.updates and kind is Kind.COMPANY and config.sync.company_match is CompanyMatch.REGISTRABLE_DOMAIN:
        read.updates = onto_registrable(store, read.updates)
    with store.transaction():  # a key and the people of a company on it move together
        outcome = store.workspace.upsert(kind, read.updates) if read.updates else None
        for old, new in read.domains:
            store.workspace.move_company_domain(old, new)
    identity.extend(read.changes)
    if outcome is not None and outcome.rejected:  # a key another record took in this chunk: kept, not lost
        read.skipped["skipped: key conflict"] += len(outcome.rejected)
    return read.skipped


def _link_read(store: Store, config: Config) -> Counter[str]:
    """Link workspace records to the Salesforce records read with their key (created_by_sfsync false).

    A record carrying the workspace id in `sync.external_id_field` is linked first: that identity is
    stronger than a shared email or domain (a rebuilt store, a second store, records sfsync made before).
    With `company_match: registrable_domain`, companies are then linked to Accounts on their own host,
    then the rest to Accounts on their registrable domain, each Account to one company (the first by id).
    """
    linked: Counter[str] = Counter()
    now = utc_now()
    ext = config.sync.external_id_field
    if ext:
        for sobject, kind in KEY_OF.items():
            for chunk in chunks(unlinked_by_external_id(store.session, kind, sobject, ext), _CHUNK):
                store.links.add([Link(kind, c.workspace_id, sobject, c.sf_id, False, now) for c in chunk])
                linked[sobject] += len(chunk)
    passes = [(sobject, kind, False) for sobject, kind in KEY_OF.items()]
    if config.sync.company_match is CompanyMatch.REGISTRABLE_DOMAIN:
        passes.append(("Account", Kind.COMPANY, True))
    for sobject, kind, registrable in passes:
        taken: set[str] = set()
        for chunk in chunks(unlinked_matches(store.session, kind, sobject, registrable=registrable), _CHUNK):
            links = []
            for candidate in chunk:  # the best candidate no earlier record took
                sf_id = next((i for i in candidate.ranked if i not in taken), None)
                if sf_id is not None:
                    taken.add(sf_id)
                    links.append(Link(kind, candidate.workspace_id, sobject, sf_id, False, now))
            store.links.add(links)
            linked[sobject] += len(links)
    return linked


def _watermarks(store: Store) -> dict[str, str]:
    result = {}
    for sobject in READ_OBJECTS:
        mark = store.mirror.watermark(sobject)
        if mark is not None:
            result[sobject] = mark.system_modstamp.isoformat()
    return result
