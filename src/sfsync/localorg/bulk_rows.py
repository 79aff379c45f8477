"""One ingest row: its cells mapped to fields, written through the DML service, and its outcome.

Failed rows carry `sf__Error` as Salesforce writes it: `CODE:message:Field1 Field2 --`, or
`CODE:message:--` when no field is named.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sfsync.localorg.bulk_csv import NULL_MARKER, cell_value
from sfsync.localorg.bulk_org import BulkOrg
from sfsync.localorg.catalog import Catalog, FieldSpec, ObjectSpec
from sfsync.localorg.outcomes import DmlOptions, DmlResult
from sfsync.localorg.permissions import User


class JobTarget(Protocol):
    """What a row writer reads of its job (a Bulk API 2.0 job or a Bulk API 1.0 one)."""

    @property
    def operation(self) -> str: ...
    @property
    def object(self) -> str: ...
    @property
    def external_id_field(self) -> str | None: ...


@dataclass(frozen=True)
class Column:
    """An uploaded column: the field it sets, or, for `Rel.ExtField`, the lookup set by a parent's external id."""

    header: str
    field: FieldSpec
    parent: ObjectSpec | None = None
    parent_field: FieldSpec | None = None


@dataclass(frozen=True)
class RowOutcome:
    success: bool
    sf_id: str
    text: str  # sf__Created ("true"/"false") or sf__Error
    hard_deleted: bool = False
    error: tuple[str, str, tuple[str, ...]] | None = None  # a failure's code, message and fields, apart

    @classmethod
    def failure(cls, code: str, message: str, fields: Sequence[str], *, sf_id: str = "") -> RowOutcome:
        named = " ".join(fields)
        text = f"{code}:{message}:{named} --" if named else f"{code}:{message}:--"
        return cls(False, sf_id, text, error=(code, message, tuple(fields)))


def resolve_columns(catalog: Catalog, spec: ObjectSpec, header: Sequence[str]) -> tuple[list[Column], str | None]:
    """The header's columns, or the reason the job fails (unknown or repeated field)."""
    columns: list[Column] = []
    seen: set[str] = set()
    for name in (h.strip() for h in header):
        column = _column(catalog, spec, name)
        if column is None:
            return [], f"Field name not found : {name}"
        if name.lower() in seen:
            return [], f"Duplicate field name : {name}"
        seen.add(name.lower())
        columns.append(column)
    return columns, None


def _column(catalog: Catalog, spec: ObjectSpec, name: str) -> Column | None:
    if "." not in name:
        field = spec.field(name)
        return Column(name, field) if field is not None and field.stored else None
    relationship, _, parent_name = name.partition(".")
    lookup = spec.relationship(relationship)
    parent = catalog.get(lookup.reference_to[0]) if lookup is not None and len(lookup.reference_to) == 1 else None
    parent_field = parent.field(parent_name) if parent is not None else None
    if lookup is None or parent is None or parent_field is None:
        return None
    if not (parent_field.flag("externalId") or parent_field.flag("idLookup")):
        return None
    return Column(name, lookup, parent, parent_field)


class RowWriter:
    """Writes one job's rows through the DML service as the job's owner."""

    def __init__(self, org: BulkOrg, user: User, job: JobTarget, columns: Sequence[Column]) -> None:
        self._org = org
        self._user = user
        self._job = job
        self._columns = tuple(columns)
        self._conn = org.connect()
        self._options = DmlOptions()
        key = "id" if job.operation != "upsert" else (job.external_id_field or "Id").lower()
        self._key = next((i for i, c in enumerate(columns) if c.parent is None and c.field.name.lower() == key), None)

    def write(self, cells: Sequence[str]) -> RowOutcome:
        if len(cells) > len(self._columns):
            return RowOutcome.failure("INVALID_FIELD", "Too many columns in this row", ())
        padded = [*cells, *([""] * (len(self._columns) - len(cells)))]
        key = padded[self._key].strip() if self._key is not None else ""
        if self._job.operation in ("delete", "hardDelete"):
            return self._delete(key)
        values = self._values(padded)
        if isinstance(values, RowOutcome):
            return values
        return self._save(key, values)

    def _save(self, key: str, values: dict[str, Any]) -> RowOutcome:
        dml, user, sobject, operation = self._org.dml, self._user, self._job.object, self._job.operation
        if operation == "insert":
            return dml_outcome(dml.create(user, sobject, values, options=self._options), operation)
        if operation == "update" or (operation == "upsert" and self._key_is_id()):
            if not key and operation == "upsert":
                return dml_outcome(dml.create(user, sobject, values, options=self._options), "insert")
            if not key:
                return RowOutcome.failure("MISSING_ARGUMENT", "Id not specified in an update call", ())
            return dml_outcome(dml.update(user, sobject, key, values, options=self._options), operation, key)
        field = self._columns[self._key].field.name if self._key is not None else self._job.external_id_field
        if not key:
            return RowOutcome.failure("MISSING_ARGUMENT", f"{field} not specified", ())
        result = dml.upsert(user, sobject, str(field), key, values, options=self._options)
        return dml_outcome(result, operation)

    def _key_is_id(self) -> bool:
        return (self._job.external_id_field or "Id").lower() == "id"

    def _delete(self, record_id: str) -> RowOutcome:
        if not record_id:
            return RowOutcome.failure("MISSING_ARGUMENT", "Id not specified in a delete call", ())
        result = self._org.dml.delete(self._user, self._job.object, record_id, options=self._options)
        outcome = dml_outcome(result, "delete", record_id)
        hard = outcome.success and self._job.operation == "hardDelete"
        return RowOutcome(outcome.success, outcome.sf_id, outcome.text, hard_deleted=hard, error=outcome.error)

    def _values(self, cells: Sequence[str]) -> dict[str, Any] | RowOutcome:
        values: dict[str, Any] = {}
        for index, (column, cell) in enumerate(zip(self._columns, cells, strict=True)):
            if cell == "" or (index == self._key and self._job.operation != "insert"):
                continue  # empty cells are "not given"; the key travels separately
            if column.parent is None:
                values[column.field.name] = cell_value(column.field, cell)
                continue
            parent_id = self._parent_id(column, cell)
            if isinstance(parent_id, RowOutcome):
                return parent_id
            values[column.field.name] = parent_id
        return values

    def _parent_id(self, column: Column, value: str) -> str | None | RowOutcome:
        if value == NULL_MARKER:
            return None
        assert column.parent is not None and column.parent_field is not None
        table, field = column.parent.name, column.parent_field.name
        rows = self._conn.execute(
            f'SELECT "Id" FROM "{table}" WHERE "{field}" = ? COLLATE NOCASE AND "IsDeleted" = 0 LIMIT 2',  # noqa: S608
            (value,),
        ).fetchall()
        if len(rows) == 1:
            return str(rows[0][0])
        if not rows:
            message = f"Foreign key external ID: {value} not found for field {field} in entity {table}"
        else:
            message = f"More than 1 record found for external id field: {field} with value {value} in entity {table}"
        return RowOutcome.failure("INVALID_FIELD", message, ())

    def purge_hard_deleted(self, outcomes: Sequence[RowOutcome]) -> None:
        """hardDelete skips the recycle bin: the soft-deleted rows go for good (inside the chunk's transaction)."""
        ids = [(o.sf_id,) for o in outcomes if o.hard_deleted]
        if ids:
            self._conn.executemany(f'DELETE FROM "{self._job.object}" WHERE "Id" = ?', ids)  # noqa: S608


def dml_outcome(result: DmlResult, operation: str, given_id: str = "") -> RowOutcome:
    if result.success:
        created = bool(result.created) or operation == "insert"
        return RowOutcome(True, result.id or given_id, "true" if created else "false")
    sf_id = result.id or given_id
    if not result.errors:
        return RowOutcome.failure("UNKNOWN_EXCEPTION", "An unexpected error occurred", (), sf_id=sf_id)
    first = result.errors[0]
    return RowOutcome.failure(first.status_code, first.message, tuple(first.fields), sf_id=sf_id)
