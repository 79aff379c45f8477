"""What apply accepts of a plan: only changes sfsync itself plans from this config and these links.

Every change is checked before anything is sent; the first one that fails refuses the whole apply,
naming the change and the field (`ForeignPlanError`). The changes are read once, a chunk at a time:
a plan read from its file is never held whole. The seal already proves a saved plan is what
this store's sfsync wrote; these rules hold whatever a plan's origin:

- the change is sfsync's shape: key `<object>/<workspace id>`, once in the plan; a company's Account,
  a person's Contact or Lead, on an object this mode writes; a create without an Id, an update with one;
- each field is written by the config (`write_sources.field_sources`): from the source the plan names,
  with exactly the policy the config gives it, never empty, once per change; `AccountId` from a
  company refers to an Account created in the same plan or carries an Id;
- an update's field obeys its policy against the value the plan read: `create_only` never, `if_empty`
  only over an empty value, `if_unchanged` only over an empty value or what the ledger says sfsync
  wrote (compared by digest when the plan holds a sensitive `before` as one); `OwnerId` only when it
  was empty;
- an update's target is linked to that workspace record, or to none while the record has no other
  link on that object, and no two changes write one record; a create's record has no link on that
  object yet (a second record would be a duplicate).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType

from sfsync.catalogue import Kind
from sfsync.config.models import Config, PersonObject, Policy
from sfsync.engine.applying.email_checks import EMAIL_KIND, check_email_change
from sfsync.engine.applying.sensitive import NONE, SensitiveValues
from sfsync.engine.applying.survey import Survey
from sfsync.engine.planning.write_sources import ACCOUNT_FIELD, EXTERNAL_ID_SOURCE, field_sources
from sfsync.engine.plans.plan import Action, FieldChange, KnownAfterApply, Plan, RecordChange
from sfsync.engine.sensitive import ValueDigests
from sfsync.engine.values import OWNER_FIELD, is_empty
from sfsync.errors import ForeignPlanError
from sfsync.salesforce.port import FieldInfo, ObjectDescribe
from sfsync.store import Store

_KIND_OF = {"Account": str(Kind.COMPANY), "Contact": str(Kind.PERSON), "Lead": str(Kind.PERSON)}


def check_changes(
    store: Store,
    config: Config,
    plan: Plan,
    describes: Mapping[str, ObjectDescribe] = MappingProxyType({}),
    survey: Survey | None = None,
) -> None:
    """Refuse the plan unless every change is one sfsync plans from `config` against the store's links.

    `describes` type the values compared: what is empty (a false checkbox is) and what is the same.
    The changes are read once, each noted in `survey` as it is read.
    """
    info = functools.cache(lambda sobject, field: _info(describes, sobject, field))
    keys: set[str] = set()
    creates = _AccountCreates()
    targets = _Targets(store)
    overwrites: list[tuple[RecordChange, FieldChange, FieldInfo | None]] = []
    # The same few (object, field, plays) repeat over every change: each is worked out once.
    sources = functools.cache(lambda sobject, field, plays: field_sources(config, sobject, field, plays))
    for change in plan.changes:
        if survey is not None:
            survey.note(change)
        if change.workspace.kind == EMAIL_KIND:
            check_email_change(config, change, keys)
            continue
        creates.note(change)
        _check_shape(config, change, keys)
        for item in _fields(change):
            field = info(change.sobject, item.field)
            _check_field(sources(change.sobject, item.field, change.plays), change, item, creates, field)
            overwriting = not is_empty(item.before, field)
            if change.action is Action.UPDATE and item.policy == str(Policy.IF_UNCHANGED) and overwriting:
                overwrites.append((change, item, field))
        targets.add(change)
        if len(overwrites) >= TARGETS_CHUNK:  # checked a chunk at a time: never all held
            _check_ledger(store, overwrites)
            overwrites = []
    targets.check()
    creates.check()
    _check_ledger(store, overwrites)


class _AccountCreates:
    """The keys of the plan's Account creates, as read. Accounts come first in a plan sfsync made, so a
    reference is found when it is checked; one that is not yet (a plan in another order) is checked once
    every change is read, by the same rule."""

    def __init__(self) -> None:
        self.keys: set[str] = set()
        self._later: list[tuple[RecordChange, FieldChange]] = []

    def note(self, change: RecordChange) -> None:
        if change.action is Action.CREATE and change.sobject == "Account":
            self.keys.add(change.key)

    def refer(self, change: RecordChange, item: FieldChange) -> None:
        """`item` refers to an Account this plan creates: checked now, or once every change is read."""
        if item.ref not in self.keys:
            self._later.append((change, item))

    def check(self) -> None:
        for change, item in self._later:
            if item.ref not in self.keys:
                raise _refuse(change, f"it refers to {item.ref!r}, not an Account this plan creates", item.field)


def _info(describes: Mapping[str, ObjectDescribe], sobject: str, field: str) -> FieldInfo | None:
    describe = describes.get(sobject)
    return describe.field(field) if describe else None


def _refuse(change: RecordChange, why: str, field: str = "") -> ForeignPlanError:
    where = f"{change.key}, field {field}" if field else change.key
    return ForeignPlanError(
        f"the plan holds a change sfsync does not make from this config: {where}: {why}. "
        "Nothing was sent; run `sfsync plan` again."
    )


def _check_shape(config: Config, change: RecordChange, keys: set[str]) -> None:
    if change.key in keys:
        raise _refuse(change, "the key appears twice in the plan")
    keys.add(change.key)
    if change.key != f"{change.sobject}/{change.workspace.id}":
        raise _refuse(change, f"its key is not {change.sobject}/{change.workspace.id}")
    if _KIND_OF.get(change.sobject) != change.workspace.kind:
        raise _refuse(change, f"sfsync does not write a {change.workspace.kind} to {change.sobject}")
    if not config.sync.write:
        raise _refuse(change, "sync.write is false")
    if change.sobject not in _writable(config, change.action):
        raise _refuse(change, f"this mode ({config.sync.person_object}) does not {change.action} {change.sobject}s")
    if (change.action is Action.CREATE) != (change.sf_id is None) or (change.sf_id is not None and not change.sf_id):
        raise _refuse(change, "a create carries no Salesforce Id and an update one")
    if not change.fields:
        raise _refuse(change, "it writes no field")


def _writable(config: Config, action: Action) -> frozenset[str]:
    leads = config.sync.person_object is PersonObject.LEADS
    if action is Action.CREATE:
        return frozenset({"Lead"} if leads else {"Account", "Contact"})
    if leads:
        return frozenset({"Contact", "Lead"})
    return frozenset(
        {"Account", "Contact", "Lead"} if config.sync.match_leads_in_contacts_mode else {"Account", "Contact"}
    )


def _fields(change: RecordChange) -> Iterable[FieldChange]:
    seen: set[str] = set()
    for item in change.fields:
        if item.field in seen:
            raise _refuse(change, "the field is written twice", item.field)
        seen.add(item.field)
        yield item


def _check_field(
    sources: Mapping[str, Policy],
    change: RecordChange,
    item: FieldChange,
    account_creates: _AccountCreates,
    info: FieldInfo | None,
) -> None:
    if not sources:
        raise _refuse(change, f"the config does not map or default it for writing on {change.sobject}", item.field)
    expected = sources.get(item.source)
    if expected is None:
        raise _refuse(change, f"the config does not write it from {item.source!r}", item.field)
    if item.policy != str(expected):
        raise _refuse(change, f"its policy is {item.policy}, the config gives {expected}", item.field)
    _check_value(change, item, account_creates)
    if change.action is Action.UPDATE:
        _check_policy(change, item, info)
    elif item.before is not None:
        raise _refuse(change, "a create has no value before", item.field)


def _check_value(change: RecordChange, item: FieldChange, account_creates: _AccountCreates) -> None:
    """The value itself is the plan's (the seal vouches for it): here only what no sfsync plan holds."""
    if item.ref is not None:
        if item.field != ACCOUNT_FIELD or item.after != KnownAfterApply(item.ref):
            raise _refuse(change, f"it refers to {item.ref!r}, not an Account this plan creates", item.field)
        account_creates.refer(change, item)
        return
    if is_empty(item.after) or isinstance(item.after, KnownAfterApply):
        raise _refuse(change, "sfsync never writes an empty value", item.field)
    if item.source == EXTERNAL_ID_SOURCE and item.after != change.workspace.id:
        raise _refuse(change, f"the external id is not the workspace id {change.workspace.id}", item.field)


def _check_policy(change: RecordChange, item: FieldChange, info: FieldInfo | None) -> None:
    if item.policy == str(Policy.CREATE_ONLY):
        raise _refuse(change, "create_only is never written on update", item.field)
    if is_empty(item.before, info):
        return
    if item.field == OWNER_FIELD:
        raise _refuse(change, "the owner is set; sfsync never changes it", item.field)
    if item.policy == str(Policy.IF_EMPTY):
        raise _refuse(change, "if_empty, but Salesforce held a value", item.field)


def _check_ledger(store: Store, overwrites: Sequence[tuple[RecordChange, FieldChange, FieldInfo | None]]) -> None:
    """`if_unchanged` overwrites only what sfsync itself wrote last (the ledger's value)."""
    ledgers: dict[tuple[str, str], Mapping[str, object]] = {}
    compare = SensitiveValues(ValueDigests(store.plan_key.key())) if overwrites else NONE
    for change, item, info in overwrites:
        target = (change.sobject, str(change.sf_id))
        if target not in ledgers:
            ledgers[target] = store.ledger.values(*target)
        written = ledgers[target].get(item.field)
        if is_empty(written, info) or not compare.held(change, item, written, info):
            raise _refuse(change, "if_unchanged, but Salesforce held a value sfsync did not write", item.field)


TARGETS_CHUNK = 1_000  # changes whose targets are looked up together: the store is asked per chunk


class _Targets:
    """Updates go to the workspace record's own (or an unlinked) record, once; creates never duplicate a link.

    A chunk of changes at a time, so a plan read from its file is never held whole: only the targets
    seen so far are kept, to refuse a second change to one of them."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._written: set[tuple[str, str]] = set()
        self._chunk: list[RecordChange] = []

    def add(self, change: RecordChange) -> None:
        self._chunk.append(change)
        if len(self._chunk) >= TARGETS_CHUNK:
            self.check()

    def check(self) -> None:
        if self._chunk:
            _check_chunk_targets(self._store, self._chunk, self._written)
        self._chunk = []


def _check_chunk_targets(store: Store, changes: Sequence[RecordChange], written: set[tuple[str, str]]) -> None:
    by_object: dict[str, dict[str, RecordChange]] = defaultdict(dict)
    for change in changes:
        if change.sf_id is None:
            continue
        if (change.sobject, change.sf_id) in written:
            raise _refuse(change, f"{change.sobject} {change.sf_id} is written by two changes")
        written.add((change.sobject, change.sf_id))
        by_object[change.sobject][change.sf_id] = change
    for sobject, targets in sorted(by_object.items()):
        for sf_id, link in store.links.by_sf_ids(sobject, list(targets)).items():
            change = targets[sf_id]
            if (str(link.kind), link.workspace_id) != (change.workspace.kind, change.workspace.id):
                raise _refuse(change, f"{sobject} {sf_id} is linked to {link.kind} {link.workspace_id}")
    for kind in sorted({c.workspace.kind for c in changes}):
        mine = [c for c in changes if c.workspace.kind == kind]
        links = store.links.for_records(Kind(kind), [c.workspace.id for c in mine])
        for change in mine:
            linked = {link.object: link.sf_id for link in links.get(change.workspace.id, [])}.get(change.sobject)
            if linked is None or linked == change.sf_id:
                continue
            if change.sf_id is None:
                raise _refuse(
                    change, f"the record is already linked to {change.sobject} {linked}: a create would duplicate it"
                )
            raise _refuse(change, f"the record is linked to {change.sobject} {linked}, not {change.sf_id}")
