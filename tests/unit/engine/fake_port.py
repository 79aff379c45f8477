"""A hand-written, dict-backed Salesforce for engine tests; it enforces the rules the engine relies on.

- describes come from the recorded ones plus the custom fields a test declares;
- creates need the required fields, refuse unknown or non-createable fields, and respect duplicate
  rules (`DUPLICATES_DETECTED` with the matched ids) unless `allow_save`;
- a converted Lead refuses updates; `SystemModstamp` moves on every write;
- `drop_next_writes` commits a write and then reports its outcome as unknown (a lost response), and
  answers none of the reads the write carried (`send_write`, whose reads are kept in `carried`);
- queries are typed (`salesforce/query`): the fake evaluates their whole filter tree (`fake_filters`),
  after compiling them as the adapter would, so a name SOQL refuses fails here too; every query is kept
  in `queries`.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from fake_filters import holds

from sfsync.localorg.catalog import recorded_describe
from sfsync.salesforce.describe import describe_digest, object_describe
from sfsync.salesforce.port import (
    CallCounts,
    DuplicateRuleAction,
    ErrorDetail,
    FieldInfo,
    GuardedUpdate,
    Identity,
    Limits,
    ObjectDescribe,
    Outcome,
    Record,
    Update,
    WriteOperation,
    WriteOptions,
    WriteResult,
)
from sfsync.salesforce.query import Query
from sfsync.salesforce.soql import soql_texts
from sfsync.salesforce.write_requests import Read, Retrieve, Write, Written

PREFIXES = {"Account": "001", "Contact": "003", "Lead": "00Q", "Opportunity": "006"}
EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class FakeRule:
    """A duplicate rule: every field equal (trimmed, case-insensitively) on a record of `compare_with`."""

    fields: tuple[str, ...]
    compare_with: str = ""


def custom_field(name: str, type_: str = "string", *, external_id: bool = False) -> FieldInfo:
    return FieldInfo(name, type_, name, 255, True, True, True, True, external_id=external_id, unique=external_id)


class FakePort:
    """The port over dicts. `records[object][id]` holds every field, `IsDeleted` included."""

    def __init__(self, custom_fields: Mapping[str, Sequence[FieldInfo]] | None = None) -> None:
        self.records: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in PREFIXES}
        # Field-level security grants: none recorded, so a field missing from describe is simply absent.
        self.records["FieldPermissions"] = {}
        self.describes = {name: _describe(name, (custom_fields or {}).get(name, ())) for name in PREFIXES}
        # object -> the field (or a FakeRule) a duplicate rule matches on
        self.duplicate_rules: dict[str, str | FakeRule] = {}
        self.before_next_write: Callable[[], None] | None = None
        self.names_duplicates = True  # False: DUPLICATES_DETECTED without the matched ids, as Collections rows
        self.drop_next_writes = 0
        self.reject_next: dict[str, ErrorDetail] = {}  # object -> error for the next write of it
        self.calls: Counter[str] = Counter()
        self.written: list[tuple[str, str, list[dict[str, Any]]]] = []
        self.queries: list[Query] = []
        self.carried: list[Read] = []  # reads answered inside a write's call (`send_write`)
        self._ids = itertools.count(1)
        self._clock = itertools.count(1)

    # --- test set-up -------------------------------------------------------------------------------
    def seed(self, sobject: str, **values: Any) -> str:
        """A record created by a human; returns its Id."""
        record_id = f"{PREFIXES[sobject]}{next(self._ids):015d}"
        self.records[sobject][record_id] = {"Id": record_id, "IsDeleted": False, **values}
        self._touch(sobject, record_id)
        return record_id

    def edit(self, sobject: str, record_id: str, **values: Any) -> None:
        self.records[sobject][record_id].update(values)
        self._touch(sobject, record_id)

    def delete(self, sobject: str, record_id: str) -> None:
        self.edit(sobject, record_id, IsDeleted=True)

    def merge(self, sobject: str, master: str, *victims: str) -> None:
        """A person merges `victims` into `master`: deleted, pointing at it (related records not moved)."""
        for victim in victims:
            self.edit(sobject, victim, IsDeleted=True, MasterRecordId=master)
        self._touch(sobject, master)

    def convert(self, lead_id: str, contact_id: str) -> None:
        self.edit("Lead", lead_id, IsConverted=True, ConvertedContactId=contact_id)

    def live(self, sobject: str) -> list[dict[str, Any]]:
        return [r for r in self.records[sobject].values() if not r["IsDeleted"]]

    # --- the port --------------------------------------------------------------------------------------
    def identity(self) -> Identity:
        return Identity("00D000000000001AAA", "005000000000001AAA", "sync@example.com", "https://fake", "62.0")

    def describe(self, sobject: str, *, known: str | None = None) -> ObjectDescribe:
        self.calls["describe"] += 1
        return self.describes[sobject]

    def query(self, request: Query) -> Iterator[Record]:
        self.calls["query"] += 1
        return iter(self._select(request))

    def bulk_query(self, request: Query) -> Iterator[Record]:
        self.calls["bulk_query"] += 1
        return iter(self._select(request))

    def retrieve(self, sobject: str, ids: Sequence[str], fields: Sequence[str]) -> list[Record | None]:
        self.calls["retrieve"] += 1
        found = [self.records[sobject].get(i) for i in ids]
        return [None if r is None or r["IsDeleted"] else {f: r.get(f) for f in ("Id", *fields)} for r in found]

    def insert(self, sobject: str, records: Sequence[Record], options: WriteOptions) -> list[WriteResult]:
        self.calls["collections"] += 1
        return self._write(sobject, WriteOperation.INSERT, records, options, None)

    def update(self, sobject: str, updates: Sequence[Update], options: WriteOptions) -> list[WriteResult]:
        self.calls["collections"] += 1
        rows = [{"Id": u.id, **u.values} for u in updates]
        return self._write(sobject, WriteOperation.UPDATE, rows, options, None)

    def update_guarded(
        self, sobject: str, updates: Sequence[GuardedUpdate], options: WriteOptions
    ) -> list[WriteResult]:
        """Each update only if the record's `LastModifiedDate` is not after its guard (stamps sort as text)."""
        self.calls["composite"] += -(-len(updates) // 25)
        if self.before_next_write is not None:  # a person's save landing between apply's check and its write
            hook, self.before_next_write = self.before_next_write, None
            hook()
        results: list[WriteResult] = []
        for update in updates:
            current = self.records[sobject].get(update.id)
            if current is not None and str(current.get("LastModifiedDate") or "") > update.unmodified_since:
                results.append(WriteResult(Outcome.MODIFIED, errors=(ErrorDetail("PRECONDITION_FAILED", "modified"),)))
                continue
            results += self._write(sobject, WriteOperation.UPDATE, [{"Id": update.id, **update.values}], options, None)
        return results

    def upsert(
        self, sobject: str, external_id_field: str, records: Sequence[Record], options: WriteOptions
    ) -> list[WriteResult]:
        self.calls["collections"] += 1
        return self._write(sobject, WriteOperation.UPSERT, records, options, external_id_field)

    def send_write(self, write: Write, then: Sequence[Read] = ()) -> Written:
        """The write as its own method makes it, then `then` read as one call; a lost answer answers no read."""
        if write.operation is WriteOperation.INSERT:
            results = self.insert(write.sobject, write.records, write.options)
        elif write.operation is WriteOperation.UPSERT:
            results = self.upsert(write.sobject, str(write.external_id_field), write.records, write.options)
        elif write.updates and all(isinstance(u, GuardedUpdate) for u in write.updates):
            guarded = [u for u in write.updates if isinstance(u, GuardedUpdate)]
            results = self.update_guarded(write.sobject, guarded, write.options)
        else:
            plain = [Update(u.id, u.values) for u in write.updates]
            results = self.update(write.sobject, plain, write.options)
        if not then or any(r.outcome is Outcome.UNKNOWN for r in results):
            return Written(results)
        self.carried.extend(then)
        return Written(results, {read: self._answer(read) for read in then})

    def _answer(self, read: Read) -> list[Record | None]:
        if isinstance(read, Retrieve):
            found = [self.records[read.sobject].get(i) for i in read.ids]
            return [None if r is None or r["IsDeleted"] else {f: r.get(f) for f in ("Id", *read.fields)} for r in found]
        return list(self._select(read))

    def bulk_write(
        self,
        sobject: str,
        operation: WriteOperation,
        records: Sequence[Record],
        external_id_field: str | None = None,
    ) -> list[WriteResult]:
        self.calls["bulk"] += 1
        return self._write(sobject, operation, records, WriteOptions(), external_id_field)

    def limits(self) -> Limits:
        return Limits(sum(self.calls.values()), 100_000)

    def call_counts(self) -> CallCounts:
        return CallCounts(dict(self.calls))

    def duplicate_rule_actions(self, sobject: str) -> list[DuplicateRuleAction]:
        """Every fake rule refuses a match outright: it blocks on create."""
        self.calls["ui-api"] += 1
        rule = self.duplicate_rules.get(sobject)
        return [DuplicateRuleAction(f"{sobject}_Rule", "Block")] if rule is not None else []

    # --- rules -------------------------------------------------------------------------------------------
    def _select(self, request: Query) -> list[dict[str, Any]]:
        soql_texts(request)  # what the adapter would send: names checked, values quoted
        self.queries.append(request)
        condition = request.condition()
        rows = sorted(self.records[request.sobject].values(), key=lambda r: (r["SystemModstamp"], r["Id"]))
        return [
            {f: r.get(f) for f in request.fields}
            for r in rows
            if (request.include_deleted or not r["IsDeleted"]) and holds(condition, r)
        ]

    def _write(
        self,
        sobject: str,
        operation: WriteOperation,
        rows: Sequence[Record],
        options: WriteOptions,
        external_id_field: str | None,
    ) -> list[WriteResult]:
        if self.before_next_write is not None:  # a person's save landing between apply's check and its write
            hook, self.before_next_write = self.before_next_write, None
            hook()
        self.written.append((sobject, str(operation), [dict(r) for r in rows]))
        results = [self._row(sobject, operation, dict(r), options, external_id_field) for r in rows]
        if self.drop_next_writes:
            self.drop_next_writes -= 1
            return [WriteResult(Outcome.UNKNOWN) for _ in rows]
        return results

    def _row(
        self, sobject: str, operation: WriteOperation, row: dict[str, Any], options: WriteOptions, ext: str | None
    ) -> WriteResult:
        if sobject in self.reject_next:
            return WriteResult(Outcome.REJECTED, errors=(self.reject_next.pop(sobject),))
        target = self._target(sobject, operation, row, ext)
        if isinstance(target, WriteResult):
            return target
        error = self._check(sobject, row, target, options)
        if error:
            return WriteResult(Outcome.REJECTED, errors=(error,))
        if target is None:
            target = self.seed(sobject, **{k: v for k, v in row.items() if k != "Id"})
            return WriteResult(Outcome.OK, target, True)
        self.edit(sobject, target, **{k: v for k, v in row.items() if k != "Id"})
        return WriteResult(Outcome.OK, target, False)

    def _target(
        self, sobject: str, op: WriteOperation, row: dict[str, Any], ext: str | None
    ) -> str | None | WriteResult:
        if op is WriteOperation.UPDATE:
            current = self.records[sobject].get(row["Id"])
            if current is None or current["IsDeleted"]:
                return WriteResult(Outcome.REJECTED, errors=(ErrorDetail("ENTITY_IS_DELETED", "entity is deleted"),))
            return str(row["Id"])
        if op is WriteOperation.UPSERT and ext:
            matches = [r["Id"] for r in self.live(sobject) if r.get(ext) == row.get(ext)]
            if len(matches) > 1:
                return WriteResult(Outcome.REJECTED, errors=(ErrorDetail("DUPLICATE_EXTERNAL_ID", "several"),))
            return matches[0] if matches else None
        return None

    def _check(
        self, sobject: str, row: dict[str, Any], target: str | None, options: WriteOptions
    ) -> ErrorDetail | None:
        describe = self.describes[sobject]
        for name in row:
            info = describe.field(name)
            allowed = info is not None and (info.createable if target is None else info.updateable)
            if name != "Id" and not allowed:
                return ErrorDetail("INVALID_FIELD_FOR_INSERT_UPDATE", f"{name} is not writable", (name,))
        if target is None:
            missing = [f.name for f in describe.fields.values() if f.required_on_create and not row.get(f.name)]
            if missing:
                return ErrorDetail("REQUIRED_FIELD_MISSING", f"Required fields are missing: {missing}", tuple(missing))
        elif sobject == "Lead" and self.records["Lead"][target].get("IsConverted"):
            return ErrorDetail("CANNOT_UPDATE_CONVERTED_LEAD", "cannot reference converted lead")
        return self._duplicates(sobject, row, target, options)

    def _duplicates(
        self, sobject: str, row: dict[str, Any], target: str | None, options: WriteOptions
    ) -> ErrorDetail | None:
        found = self.duplicate_rules.get(sobject)
        if found is None or options.allow_save:
            return None
        rule = FakeRule((found,)) if isinstance(found, str) else found
        current = self.records[sobject][target] if target is not None else {}
        if target is not None and not any(f in row and row[f] != current.get(f) for f in rule.fields):
            return None  # on edit a rule runs only when one of its fields changes
        values = {**current, **row}
        wanted = [str(values.get(f) or "").strip().lower() for f in rule.fields]
        if not all(wanted):
            return None
        other = rule.compare_with or sobject
        ids = tuple(
            r["Id"]
            for r in self.live(other)
            if r["Id"] != target and [str(r.get(f) or "").strip().lower() for f in rule.fields] == wanted
        )
        if not ids:
            return None
        message = f"Use one of these records? ({sobject} duplicate rule)"
        if not self.names_duplicates:
            return ErrorDetail("DUPLICATES_DETECTED", message)
        return ErrorDetail("DUPLICATES_DETECTED", message, (), ids, (other,) * len(ids), f"{sobject}_Rule")

    def _touch(self, sobject: str, record_id: str) -> None:
        stamp = (EPOCH + dt.timedelta(seconds=next(self._clock))).strftime("%Y-%m-%dT%H:%M:%S.000+0000")
        self.records[sobject][record_id].update(SystemModstamp=stamp, LastModifiedDate=stamp)


def _describe(name: str, extra: Sequence[FieldInfo]) -> ObjectDescribe:
    base = object_describe(recorded_describe(name))
    fields = {**base.fields, **{f.name: f for f in extra}}
    digest = describe_digest(name, base.queryable, base.createable, base.updateable, fields)
    return replace(base, fields=fields, digest=digest)
