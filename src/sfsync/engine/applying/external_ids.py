"""Records that already carry a planned create's external id: an upsert would write over them.

With `sync.external_id_field`, creates are upserts on the workspace id. When a record in Salesforce
already carries that id (a rebuilt store, a second store, a person who set it), the upsert would
overwrite a record sfsync does not know, bypassing the policies and the re-check. So the planned ids
are looked up right before sending (one `In` query, which the adapter splits to SOQL's length): a hit
is not sent but linked, and the next plan updates it under the normal policies.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from sfsync.engine.plans.plan import Action, RecordChange
from sfsync.salesforce.port import Reads
from sfsync.salesforce.query import In, Query


def planned_id(change: RecordChange, ext: str | None) -> str | None:
    """The external id a create would carry, if any."""
    if not ext or change.action is not Action.CREATE:
        return None
    value = next((f.after for f in change.fields if f.field.lower() == ext.lower()), None)
    return str(value) if value else None


def carried_ids(port: Reads, creates: Sequence[RecordChange], ext: str | None) -> dict[str, tuple[str, ...]]:
    """By external id: the live records of the creates' object that already carry it."""
    request = carried_query(creates, ext)
    if request is None or not ext:
        return {}
    return hits_in(port.query(request), ext, {value for c in creates if (value := planned_id(c, ext))})


def carried_query(creates: Sequence[RecordChange], ext: str | None) -> Query | None:
    """The query of the records carrying one of the creates' external ids (None: no id to ask)."""
    ids = sorted({value for value in (planned_id(c, ext) for c in creates) if value})
    if not ids or not ext:
        return None
    return Query(creates[0].sobject, ("Id", ext), In(ext, tuple(ids)))


def hits_in(rows: Iterable[Mapping[str, object]], ext: str, wanted: set[str]) -> dict[str, tuple[str, ...]]:
    """The same from rows already read (the Bulk path's check): live rows whose external id is wanted.

    Compared case-insensitively, as Salesforce matches an external id unless the field is case-sensitive.
    """
    by_lower = {value.lower(): value for value in wanted}
    found: dict[str, list[str]] = {}
    for row in rows:
        value = by_lower.get(str(row.get(ext) or "").lower())
        if value is not None and not _deleted(row.get("IsDeleted")):
            found.setdefault(value, []).append(str(row.get("Id")))
    return {value: tuple(sorted(set(records))) for value, records in found.items()}


def _deleted(value: object) -> bool:
    return value is True or str(value).lower() == "true"
