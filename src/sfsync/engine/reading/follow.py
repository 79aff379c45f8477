"""After the read: links follow Salesforce's merges, and Leads a person converted.

- A linked record a merge deleted (it has a `MasterRecordId`) moves its link to the master, so the
  person's next write goes there; never a create, never "deleted in Salesforce". When the master is
  already linked to another workspace record, neither is written (`held`), and the plan says why.
- "Another workspace record" is one a load made, or one whose link an apply made. A record the read
  pass itself made (`origin` read, every link made by reading, no create under way) is sfsync's own
  copy of a Salesforce record: it is merged into the record following it — that one wins (its id,
  values, plays and history stay), takes its links, and the read-made record is removed. This is how
  a Lead converted by a person is followed even when the Contact's email changed: the read made a
  person of the Contact; it is merged into the person whose Lead was converted.
- Where the followed record drives the key (a person's Contact, else its Lead; a company's Account),
  the key follows its email or domain, unless another workspace record has it (`key_kept`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sfsync.catalogue import Kind
from sfsync.engine.plans.identity import IdentityChange, IdentityKind, WorkspaceRef
from sfsync.engine.reading.identity import KEY_FIELD, SF_KEY, record_key, workspace_ref
from sfsync.store import Store
from sfsync.store.links import Link
from sfsync.store.mirror import MirrorRecord
from sfsync.store.sync_views import Conversion, conversions_elsewhere, merged_links
from sfsync.store.workspace import Origin, RecordUpdate, WorkspaceRecord

_HOPS = 3  # a chain of merges is short; a loop in the data must not hang the plan


@dataclass(frozen=True)
class Followed:
    """What following did, and the records not to write this plan (by kind and id), with why."""

    changes: tuple[IdentityChange, ...] = ()
    held: Mapping[tuple[str, str], str] = field(default_factory=dict)


def follow_salesforce(store: Store, *, keys: bool = True) -> Followed:
    """Follow merges, then conversions; each in one transaction. `keys` false (`sync.read: false`):
    links follow, workspace keys stay as they are."""
    changes: list[IdentityChange] = []
    held: dict[tuple[str, str], str] = {}
    following = _Following(store, changes, keys)
    for link, master_id in list(merged_links(store.session)):
        with store.transaction():
            _follow_merge(following, link, master_id, held)
    for conversion in conversions_elsewhere(store.session):
        with store.transaction():
            _follow_conversion(following, conversion)
    return Followed(tuple(changes), held)


@dataclass(frozen=True)
class _Following:
    store: Store
    changes: list[IdentityChange]
    keys: bool


def _follow_merge(following: _Following, link: Link, master_id: str, held: dict[tuple[str, str], str]) -> None:
    store, changes = following.store, following.changes
    record = store.workspace.get(link.kind, link.workspace_id)
    if record is None:
        return
    master = _live_master(store, link.object, master_id)
    merged = f"{link.object} {link.sf_id} was merged into {master.sf_id if master else master_id}"
    if master is None:
        reason = f"{merged}, which sfsync has not read (or is deleted); `plan --full-refresh` reads it again"
        _hold(changes, held, record, link, master_id, None, reason)
        return
    owner = store.links.by_sf_id(link.object, master.sf_id)
    other = store.workspace.get(owner.kind, owner.workspace_id) if owner else None
    if owner is not None and (other is None or not _absorbable(store, other, record, link.object)):
        whose = _name(workspace_ref(other)) if other else f"workspace record {owner.workspace_id}"
        _hold(changes, held, record, link, master.sf_id, other, f"{merged}, which is linked to {whose}")
        mine = f"{link.object} {link.sf_id} of {_name(workspace_ref(record))} was merged into {master.sf_id}"
        why = f"{mine}, which is linked to this {owner.kind}: neither is written"
        held[(str(owner.kind), owner.workspace_id)] = why
        return
    written = link.created_by_sfsync or link.written_before or bool(store.ledger.values(link.object, link.sf_id))
    if owner is not None and other is not None:
        _absorb(store, other, record, skip=owner)
    store.links.follow(link, master.sf_id, written_before=written)
    kind = IdentityKind.MERGED if other is not None else IdentityKind.LINK_MOVED
    detail = f"; {_name(workspace_ref(other))}, which reading had made for it, is merged into this one" if other else ""
    _followed(following, kind, record, master, link.sf_id, other, f"{merged}: the link follows{detail}")


def _follow_conversion(following: _Following, conversion: Conversion) -> None:
    """A Lead converted to a Contact the read pass made a person of: that person is merged into this one."""
    store = following.store
    record = store.workspace.get(conversion.kind, conversion.workspace_id)
    other = store.workspace.get(conversion.kind, conversion.contact_owner)
    contact = store.mirror.get("Contact", conversion.contact_id)
    if record is None or other is None or contact is None or not _absorbable(store, other, record, None):
        return  # a person a load made, or a link an apply made: planning reports it `ambiguous`
    _absorb(store, other, record, skip=None)
    reason = (
        f"Lead {conversion.lead_id} was converted to Contact {contact.sf_id}; {_name(workspace_ref(other))}, "
        "which reading had made for that Contact, is merged into this one"
    )
    _followed(following, IdentityKind.MERGED, record, contact, conversion.lead_id, other, reason)


def _absorbable(store: Store, other: WorkspaceRecord, into: WorkspaceRecord, replaced: str | None) -> bool:
    """`other` is sfsync's own copy of Salesforce records, and `into` can take every link it has."""
    if other.origin is not Origin.READ or other.id == into.id:
        return False
    links = store.links.for_record(other.kind, other.id)
    taken = {item.object for item in store.links.for_record(into.kind, into.id)} - {replaced}
    if any(not item.by_reading or item.object in taken for item in links):
        return False
    return not any(i.kind is other.kind and i.workspace_id == other.id for i in store.intents.unresolved())


def _absorb(store: Store, other: WorkspaceRecord, into: WorkspaceRecord, *, skip: Link | None) -> None:
    """Give `other`'s links and emails to `into` (`skip`, the master's, is dropped: `into`'s own link
    follows), then remove `other` and its play memberships."""
    for item in store.links.for_record(other.kind, other.id):
        if skip is not None and item.object == skip.object:
            store.links.remove(item)
        else:
            store.links.reassign(item, into.id)
    if other.kind is Kind.PERSON:
        store.emails.move_person(other.id, into.id)
    store.plays.forget(other.kind, other.id)
    store.workspace.remove(other.kind, other.id)


def _followed(
    following: _Following,
    kind: IdentityKind,
    record: WorkspaceRecord,
    followed: MirrorRecord,
    from_sf_id: str,
    other: WorkspaceRecord | None,
    reason: str,
) -> None:
    """Record the change, the key following `followed` where that record drives it."""
    changes, before = following.changes, record.key
    after, kept = _follow_key(following.store, record, followed) if following.keys else (before, None)
    ref, other_ref = workspace_ref(record), workspace_ref(other) if other else None
    sobject = followed.object
    changes.append(IdentityChange(kind, ref, sobject, followed.sf_id, before, after, from_sf_id, other_ref, reason))
    if kept is not None:
        why = f"{sobject} {followed.sf_id} has {record_key(sobject, followed.fields)}, which belongs to {_name(kept)}"
        changes.append(
            IdentityChange(IdentityKind.KEY_KEPT, ref, sobject, followed.sf_id, before, before, None, kept, why)
        )


def _follow_key(
    store: Store, record: WorkspaceRecord, followed: MirrorRecord
) -> tuple[str | None, WorkspaceRef | None]:
    """The record's key after following (and who holds the new one, when it cannot follow)."""
    key = record_key(followed.object, followed.fields)
    drives = followed.object != "Lead" or not any(
        item.object == "Contact" for item in store.links.for_record(record.kind, record.id)
    )
    if not drives or key is None or key == record.key:
        return record.key, None
    holder = store.workspace.find(record.kind, key)
    if holder is not None and holder.id != record.id:
        return record.key, workspace_ref(holder)
    raw = followed.fields.get(SF_KEY[followed.object])
    value = key if record.kind is Kind.COMPANY else str(raw).strip()
    moved = RecordUpdate(record.kind, 0, record.id, key, {KEY_FIELD[record.kind]: value}, {}, Origin.READ)
    store.workspace.upsert(record.kind, [moved])
    if record.kind is Kind.COMPANY and record.key:
        store.workspace.move_company_domain(record.key, key)
    return key, None


def _hold(
    changes: list[IdentityChange],
    held: dict[tuple[str, str], str],
    record: WorkspaceRecord,
    link: Link,
    master_id: str,
    other: WorkspaceRecord | None,
    reason: str,
) -> None:
    held[(str(record.kind), record.id)] = f"{reason}: neither is written"
    other_ref = workspace_ref(other) if other else None
    ref, key, held_kind = workspace_ref(record), record.key, IdentityKind.HELD
    changes.append(IdentityChange(held_kind, ref, link.object, master_id, key, key, link.sf_id, other_ref, reason))


def _live_master(store: Store, sobject: str, master_id: str) -> MirrorRecord | None:
    """The live record a merge chain ends at, or None when it is not mirrored or ends deleted."""
    sf_id: str | None = master_id
    for _hop in range(_HOPS):
        found = store.mirror.get(sobject, str(sf_id)) if sf_id else None
        if found is None:
            return None
        if not found.is_deleted:
            return found
        next_id = found.fields.get("MasterRecordId")
        sf_id = str(next_id) if next_id else None
    return None


def _name(ref: WorkspaceRef) -> str:
    return f"{ref.kind} {ref.label or ref.id}"
