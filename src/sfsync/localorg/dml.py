"""The DML service: every write of the org (REST, Collections, composite, Bulk, control API).

Values arrive as JSON values and leave as stored values (see `catalog`), validated as a real org
does. Each operation runs in a savepoint of the current transaction, or in its own transaction when
none is open, so a request's records share one commit (`transaction()`), and a failing record
leaves nothing behind.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sfsync.localorg.activities import add_email_task, cascade_delete, check_activity
from sfsync.localorg.catalog import ObjectSpec
from sfsync.localorg.duplicates import check_duplicates
from sfsync.localorg.ids import normalize
from sfsync.localorg.layout import ObjectLayout, object_layout, set_name
from sfsync.localorg.outcomes import DmlError, DmlFailure, DmlOptions, DmlResult
from sfsync.localorg.permissions import User, UserAccess
from sfsync.localorg.record_values import refuse_missing, stored_record
from sfsync.localorg.rules import check_references, check_unique
from sfsync.localorg.shapes import fetch_rows
from sfsync.localorg.values import now_stamp, to_stored

if TYPE_CHECKING:
    from sfsync.localorg.org import Org

__all__ = ["Dml", "DmlError", "DmlOptions", "DmlResult", "User"]

NOT_FOUND = DmlError("NOT_FOUND", "The requested resource does not exist")
IS_DELETED = DmlError("ENTITY_IS_DELETED", "entity is deleted")
NO_ACCESS = DmlError("INSUFFICIENT_ACCESS_OR_READONLY", "insufficient access rights on object id")


class Dml:
    def __init__(self, org: Org) -> None:
        self._org = org
        self._local = threading.local()
        self._layouts: dict[str, ObjectLayout] = {}

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction (or a savepoint inside the open one); rolled back if the block raises."""
        connection = self._org.connect()
        depth: int = getattr(self._local, "depth", 0)
        if depth:
            connection.execute(f"SAVEPOINT sp{depth}")
        else:
            self._org.write_lock.acquire()
            connection.execute("BEGIN IMMEDIATE")
        self._local.depth = depth + 1
        try:
            yield
        except BaseException:
            connection.execute(f"ROLLBACK TO sp{depth}" if depth else "ROLLBACK")
            raise
        else:
            connection.execute(f"RELEASE sp{depth}" if depth else "COMMIT")
        finally:
            self._local.depth = depth
            if not depth:
                self._org.write_lock.release()

    def create(self, user: User, sobject: str, values: Mapping[str, Any], *, options: DmlOptions) -> DmlResult:
        return self._run(lambda: DmlResult(self._create(user, sobject, values, options), True, created=None))

    def update(
        self, user: User, sobject: str, record_id: str, values: Mapping[str, Any], *, options: DmlOptions
    ) -> DmlResult:
        return self._run(lambda: DmlResult(self._update(user, sobject, record_id, values, options), True))

    def upsert(
        self,
        user: User,
        sobject: str,
        external_field: str,
        external_value: str,
        values: Mapping[str, Any],
        *,
        options: DmlOptions,
    ) -> DmlResult:
        return self._run(lambda: self._upsert(user, sobject, external_field, external_value, values, options))

    def delete(self, user: User, sobject: str, record_id: str, *, options: DmlOptions) -> DmlResult:
        return self._run(lambda: DmlResult(self._delete(user, sobject, record_id, options), True))

    def convert_lead(self, user: User, lead_id: str, links: Mapping[str, str]) -> DmlResult:
        """Mark a lead converted (`links`: contact, account and optionally opportunity ids)."""

        def convert() -> DmlResult:
            spec, row = self._existing(user, "Lead", lead_id, DmlOptions(enforce_access=False), "edit")
            stamp = now_stamp()
            changes = {
                "IsConverted": 1,
                "Status": "Closed - Converted",
                "ConvertedDate": stamp[:10],
                "ConvertedContactId": normalize(links.get("contact", "")),
                "ConvertedAccountId": normalize(links.get("account", "")),
                "ConvertedOpportunityId": normalize(links.get("opportunity", "")),
            }
            check_references(self._org.connect(), self._org, self.layout(spec), changes)
            self._write_update(spec, row["Id"], changes, user, stamp)
            return DmlResult(row["Id"], True)

        return self._run(convert)

    def system_touch(self, sobject: str, record_id: str) -> DmlResult:
        """Bump SystemModstamp alone, as the platform's own background changes do."""

        def touch() -> DmlResult:
            spec, row = self._existing(
                self._org.integration_user, sobject, record_id, DmlOptions(enforce_access=False), "edit"
            )
            self._org.connect().execute(
                f'UPDATE "{spec.name}" SET "SystemModstamp" = ? WHERE "Id" = ?',  # noqa: S608 - identifiers come from the catalog, values are bound
                (now_stamp(), row["Id"]),
            )
            return DmlResult(row["Id"], True)

        return self._run(touch)

    def _run(self, operation: Any) -> DmlResult:
        """Run one record's operation. Every operation validates first and writes with one statement,
        so inside an open transaction a failure has written nothing and needs no savepoint."""
        try:
            if getattr(self._local, "depth", 0):
                result: DmlResult = operation()
                return result
            with self.transaction():
                result = operation()
                return result
        except DmlFailure as failure:
            return DmlResult(None, False, failure.errors)

    def _spec(self, user: User, sobject: str, options: DmlOptions, permission: str) -> tuple[ObjectSpec, UserAccess]:
        spec = self._org.catalog.get(sobject)
        access = self._org.access_for(user)
        if spec is None or (options.enforce_access and not access.can_read_object(spec.name)):
            raise DmlFailure(DmlError("INVALID_TYPE", f"sObject type '{sobject}' is not supported."))
        if options.enforce_access and not access.allows(spec.name, permission):
            raise DmlFailure(NO_ACCESS)
        return spec, access

    def _checks(
        self,
        spec: ObjectSpec,
        row: dict[str, Any],
        record_id: str | None,
        options: DmlOptions,
        current: Mapping[str, Any] | None = None,
    ) -> None:
        """`row`: the values written (on edit, those that change); `current`: the record before an edit."""
        connection = self._org.connect()
        layout = self.layout(spec)
        check_references(connection, self._org, layout, row)
        check_unique(connection, spec, layout.unique, row, record_id)
        check_activity(connection, self._org, spec, row, current)
        rules = self._org.duplicate_rules
        allow = options.allow_save_duplicates
        check_duplicates(connection, spec, rules, row, record_id, current=current, allow_save=allow)

    def layout(self, spec: ObjectSpec) -> ObjectLayout:
        layout = self._layouts.get(spec.name)
        if layout is None:
            layout = self._layouts[spec.name] = object_layout(spec)
        return layout

    def _create(self, user: User, sobject: str, values: Mapping[str, Any], options: DmlOptions) -> str:
        spec, access = self._spec(user, sobject, options, "create")
        layout = self.layout(spec)
        row = stored_record(spec, access, values, options, creating=True)
        for name, default in layout.defaults:
            if name not in row:
                row[name] = user.id if name == "OwnerId" else default
        missing = [name for name in layout.required if row.get(name) is None]
        refuse_missing(missing)
        if layout.derived_name:
            set_name(row, {})
        self._checks(spec, row, None, options)
        stamp = now_stamp()
        record_id = self._org.new_id(spec.name)
        row |= {"Id": record_id, "IsDeleted": 0, "CreatedDate": stamp, "CreatedById": user.id}
        row |= {"LastModifiedDate": stamp, "LastModifiedById": user.id, "SystemModstamp": stamp}
        add_email_task(self._org.connect(), self._org, spec, row)
        columns = ", ".join(f'"{c}"' for c in row)
        marks = ", ".join("?" * len(row))
        self._org.connect().execute(f'INSERT INTO "{spec.name}" ({columns}) VALUES ({marks})', tuple(row.values()))  # noqa: S608 - identifiers come from the catalog, values are bound
        return record_id

    def _existing(
        self, user: User, sobject: str, record_id: str, options: DmlOptions, permission: str
    ) -> tuple[ObjectSpec, dict[str, Any]]:
        spec, _ = self._spec(user, sobject, options, permission)
        normal = normalize(record_id)
        if normal is None or normal[:3] != spec.key_prefix:
            raise DmlFailure(DmlError("MALFORMED_ID", f"malformed id {record_id}") if normal is None else NOT_FOUND)
        row = fetch_rows(self._org.connect(), spec, [normal], include_deleted=True).get(normal)
        if row is None:
            raise DmlFailure(NOT_FOUND)
        if row["IsDeleted"]:
            raise DmlFailure(IS_DELETED)
        return spec, row

    def _update(self, user: User, sobject: str, record_id: str, values: Mapping[str, Any], options: DmlOptions) -> str:
        spec, current = self._existing(user, sobject, record_id, options, "edit")
        if spec.name == "Lead" and current["IsConverted"]:
            raise DmlFailure(DmlError("CANNOT_UPDATE_CONVERTED_LEAD", "cannot reference converted lead"))
        row = stored_record(spec, self._org.access_for(user), values, options, creating=False)
        missing = [n for n, v in row.items() if v is None and not spec.fields[n].flag("nillable")]
        refuse_missing(missing)
        if self.layout(spec).derived_name:
            set_name(row, dict(current))
        changed_rules = {k: v for k, v in row.items() if str(v or "").lower() != str(current[k] or "").lower()}
        self._checks(spec, changed_rules, current["Id"], options, current)
        self._write_update(spec, current["Id"], row, user, now_stamp())
        return str(current["Id"])

    def _write_update(self, spec: ObjectSpec, record_id: str, row: Mapping[str, Any], user: User, stamp: str) -> None:
        self._org.note("write", user.username, spec.name, [record_id], row)
        changes = {**row, "LastModifiedDate": stamp, "LastModifiedById": user.id, "SystemModstamp": stamp}
        assignments = ", ".join(f'"{c}" = ?' for c in changes)
        self._org.connect().execute(
            f'UPDATE "{spec.name}" SET {assignments} WHERE "Id" = ?',  # noqa: S608 - identifiers come from the catalog, values are bound
            (*changes.values(), record_id),
        )

    def _upsert(
        self, user: User, sobject: str, field_name: str, value: str, values: Mapping[str, Any], options: DmlOptions
    ) -> DmlResult:
        spec, access = self._spec(user, sobject, options, "read")
        field = spec.field(field_name)
        usable = field is not None and (field.name == "Id" or field.flag("externalId") or field.flag("idLookup"))
        if field is None or not usable or (options.enforce_access and access.level(spec.name, field.name) == "none"):
            message = f"Provided external ID field does not exist or is not accessible: {field_name}"
            raise DmlFailure(DmlError("NOT_FOUND", message))
        body = {k: v for k, v in values.items() if k.lower() != field.name.lower()}
        if field.name == "Id":
            return DmlResult(self._update(user, spec.name, value, body, options), True, created=False)
        collate = "" if field.flag("caseSensitive") else " COLLATE NOCASE"
        matches = [
            r[0]
            for r in self._org.connect().execute(
                f'SELECT "Id" FROM "{spec.name}" WHERE "{field.name}" = ?{collate} AND "IsDeleted" = 0 LIMIT 10',  # noqa: S608 - identifiers come from the catalog, values are bound
                (to_stored(field, value),),
            )
        ]
        if len(matches) > 1:
            message = f"{field.name}: more than one record found for external id field: [{', '.join(matches)}]"
            raise DmlFailure(DmlError("DUPLICATE_EXTERNAL_ID", message, (), {"ids": matches}))
        if matches:
            return DmlResult(self._update(user, spec.name, matches[0], body, options), True, created=False)
        return DmlResult(self._create(user, spec.name, {**body, field.name: value}, options), True, created=True)

    def _delete(self, user: User, sobject: str, record_id: str, options: DmlOptions) -> str:
        spec, current = self._existing(user, sobject, record_id, options, "delete")
        stamp = now_stamp()
        self._write_update(spec, current["Id"], {"IsDeleted": 1}, user, stamp)
        cascade_delete(self._org.connect(), spec, current["Id"], user.id, stamp)
        return str(current["Id"])
