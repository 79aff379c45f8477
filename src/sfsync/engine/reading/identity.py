"""Which workspace record a record read from Salesforce updates: its link's first, else the one with its key.

A read record linked to a workspace record updates that record, whatever its key: a person's email
changed in Salesforce moves the person (its key follows: `key_moved`), it never splits them in two. The
key follows only the record that drives it — a person's Contact when it has one, else its Lead; a
company's Account — and only when Salesforce changed it (the mirror held another key before this read),
so a key a load changed is not undone by the next read of the record. When the new key is another
workspace record's, nothing is merged: the key stays (`key_kept`) and the plan says why. Unlinked
records update the record with their key, or create one (`origin` read), as they always did.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sfsync.catalogue import Kind
from sfsync.config.models import FieldMapping
from sfsync.engine.plans.identity import IdentityChange, IdentityKind, WorkspaceRef
from sfsync.engine.reading.readback import workspace_update
from sfsync.store import Store
from sfsync.store.mirror import MirrorRecord
from sfsync.store.normalise import normalise_domain, normalise_email
from sfsync.store.workspace import Origin, RecordUpdate, WorkspaceRecord, find_many

KEY_FIELD = {Kind.PERSON: "email", Kind.COMPANY: "domain"}
READ = Origin.READ
SF_KEY = {"Account": "Website", "Contact": "Email", "Lead": "Email"}
_WHAT = {"Account": "website domain", "Contact": "email", "Lead": "email"}


@dataclass
class ReadUpdates:
    """A chunk's workspace updates (linked records first), its skips, identity changes and the
    company domains that moved (`(old, new)`: the companies' people follow)."""

    updates: list[RecordUpdate] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    changes: list[IdentityChange] = field(default_factory=list)
    domains: list[tuple[str, str]] = field(default_factory=list)


def previous_keys(store: Store, sobject: str, chunk: Sequence[MirrorRecord]) -> dict[str, str | None]:
    """The key each already-mirrored record of the chunk had before this read (None: none valid)."""
    known = store.mirror.get_many(sobject, [r.sf_id for r in chunk])
    return {sf_id: record_key(sobject, record.fields) for sf_id, record in known.items()}


def record_key(sobject: str, fields: Mapping[str, object]) -> str | None:
    raw = fields.get(SF_KEY[sobject])
    normalise = normalise_domain if sobject == "Account" else normalise_email
    return normalise(raw).value if isinstance(raw, str) and raw.strip() else None


def read_updates(
    store: Store,
    kind: Kind,
    sobject: str,
    chunk: Sequence[MirrorRecord],
    previous: Mapping[str, str | None],
    mappings: Mapping[str, FieldMapping],
    external_id: str | None = None,
) -> ReadUpdates:
    """The chunk's workspace updates. A record carrying a workspace record's id in `external_id`, and
    not linked yet, updates that record as if linked (the link follows in the read's link pass): a
    rebuilt store must not make a second person of a record whose email changed since sfsync wrote it."""
    result = ReadUpdates()
    built: list[tuple[MirrorRecord, RecordUpdate]] = []
    for record in chunk:
        if record.is_deleted:
            continue
        update, reason = workspace_update(kind, record.fields, mappings)
        if update is None:
            result.skipped[f"skipped: {reason}"] += 1
        else:
            built.append((record, _read(update)))
    links = store.links.by_sf_ids(sobject, [record.sf_id for record, _ in built])
    owner_of = {sf_id: item.workspace_id for sf_id, item in links.items()}
    unlinked = [record for record, _ in built if record.sf_id not in owner_of]
    owner_of |= _carried(store, kind, sobject, unlinked, external_id)
    owners = store.workspace.get_many(kind, sorted(set(owner_of.values())))
    driven = _driven(store, kind, sobject, owners)
    linked: list[tuple[MirrorRecord, RecordUpdate, WorkspaceRecord]] = []
    by_key: list[RecordUpdate] = []
    for record, update in built:
        owner_id = owner_of.get(record.sf_id)
        owner = owners.get(owner_id) if owner_id else None
        if owner is None:
            by_key.append(update)
        else:
            linked.append((record, update, owner))
    moving = [item for item in linked if _changed(*item, driven, previous)]
    holders = _holders(store, kind, [update.key for _record, update, _owner in moving if update.key])
    taken = Counter(update.key for _record, update, _owner in moving) + Counter(u.key for u in by_key)
    moved = {item[2].id for item in moving if _move(result, sobject, *item, holders, taken)}
    result.updates += [_keep_key(update, owner) for _record, update, owner in linked if owner.id not in moved]
    result.updates += by_key  # after the linked ones: a key a linked record left is free for a record read with it
    return result


def _carried(
    store: Store, kind: Kind, sobject: str, records: Sequence[MirrorRecord], external_id: str | None
) -> dict[str, str]:
    """Unlinked records carrying, in the external id field, the id of a workspace record without a link
    to `sobject`: Salesforce Id -> workspace id. An id two records carry is nobody's (ambiguous)."""
    if not external_id or not records:
        return {}
    carried = {r.sf_id: str(r.fields[external_id]) for r in records if r.fields.get(external_id)}
    counts = Counter(carried.values())
    found = store.workspace.get_many(kind, sorted({ws for ws in carried.values() if counts[ws] == 1}))
    links = store.links.for_records(kind, list(found))
    free = {ws for ws in found if all(link.object != sobject for link in links.get(ws, ()))}
    return {sf_id: ws for sf_id, ws in carried.items() if ws in free}


def _changed(
    record: MirrorRecord,
    update: RecordUpdate,
    owner: WorkspaceRecord,
    driven: set[str],
    previous: Mapping[str, str | None],
) -> bool:
    """Salesforce changed the key of the record that drives `owner`'s, to one `owner` does not have."""
    was = previous.get(record.sf_id, update.key)  # a record never mirrored before changed nothing
    return owner.id in driven and was != update.key and update.key != owner.key


def _read(update: RecordUpdate) -> RecordUpdate:
    return RecordUpdate(update.kind, update.line, update.id, update.key, update.values, update.attributes, Origin.READ)


def _keep_key(update: RecordUpdate, owner: WorkspaceRecord) -> RecordUpdate:
    values = {k: v for k, v in update.values.items() if k != KEY_FIELD[update.kind]}
    return RecordUpdate(update.kind, 0, owner.id, None, values, update.attributes, Origin.READ)


def _move(
    result: ReadUpdates,
    sobject: str,
    record: MirrorRecord,
    update: RecordUpdate,
    owner: WorkspaceRecord,
    holders: Mapping[str, WorkspaceRecord],
    taken: Counter[str | None],
) -> bool:
    """Move `owner`'s key to the read one when it is free; either way, say so in `result.changes`."""
    ref = workspace_ref(owner)
    what = f"{sobject} {record.sf_id}'s {_WHAT[sobject]} changed in Salesforce"
    holder = holders.get(str(update.key))
    if holder is not None or taken[update.key] > 1:
        other = workspace_ref(holder) if holder is not None else None
        whose = f"{other.kind} {other.label or other.id}" if other else "another record read with it"
        reason = f"{what} to {update.key}, which belongs to {whose}: the key stays, nothing is merged"
        key = owner.key
        kept = IdentityChange(IdentityKind.KEY_KEPT, ref, sobject, record.sf_id, key, key, None, other, reason)
        result.changes.append(kept)
        return False
    result.updates.append(RecordUpdate(update.kind, 0, owner.id, update.key, update.values, update.attributes, READ))
    reason = f"{what}: the {ref.kind} follows it"
    result.changes.append(
        IdentityChange(IdentityKind.KEY_MOVED, ref, sobject, record.sf_id, owner.key, update.key, reason=reason)
    )
    if update.kind is Kind.COMPANY and owner.key and update.key:
        result.domains.append((owner.key, update.key))
    return True


def _driven(store: Store, kind: Kind, sobject: str, owners: Mapping[str, WorkspaceRecord]) -> set[str]:
    """The owners whose key this object drives: a Lead only drives a person without a Contact link."""
    if sobject != "Lead":
        return set(owners)
    links = store.links.for_records(kind, list(owners))
    return {ws_id for ws_id in owners if not any(item.object == "Contact" for item in links.get(ws_id, ()))}


def _holders(store: Store, kind: Kind, keys: Sequence[str]) -> dict[str, WorkspaceRecord]:
    if not keys:
        return {}
    with store.session.read() as conn:
        return {str(record.key): record for record in find_many(conn, kind, sorted(set(keys)))}


def workspace_ref(record: WorkspaceRecord) -> WorkspaceRef:
    label = record.values.get(KEY_FIELD[record.kind]) or record.values.get("name") or record.id
    return WorkspaceRef(record.kind, record.id, str(label))
