"""Migration 4: match keys recomputed with the current rules (IDNA 2008, email-validator, company domains).

Stores made before it hold keys computed by hand-written rules: IDNA 2003 (`faß.de` stored as
`fass.de`), ASCII-only local parts, public suffixes and platform hosts taken as company domains. This
step adds the registrable-domain columns and recomputes, a chunk of rows at a time, every company's
`domain_norm`, person's `email_norm` and `company_domain`, and the mirror's match columns.

No record is ever removed. A company or person whose key is now invalid (`co.uk`, `linkedin.com`)
keeps its values and links and loses only its key; when two records now share a key, the one that
holds it first (already stored under it, else the first by id) keeps it and the other loses it. Each
such record is written to the run log (a `migrate` run, one row result per record, with the reason),
which `sfsync state show` names as the last run.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Table, inspect, select, tuple_, update

from sfsync.catalogue import PERSON_COMPANY_LINK, Kind
from sfsync.store.mirror import match_columns
from sfsync.store.normalise import Normalised, normalise_domain, normalise_email
from sfsync.store.public_suffix import registrable_domain
from sfsync.store.schema import company, mirror, person, row_result, run, state_meta
from sfsync.store.session import utc_now

CHUNK = 1000
_NEW_COLUMNS = ((company, "domain_reg"), (mirror, "domain_reg"))


@dataclass
class Report:
    """What the step changed, and each record that lost its key (kind, id, code, message)."""

    counts: Counter[str] = field(default_factory=Counter)
    lost: list[tuple[Kind, str, str, str]] = field(default_factory=list)


def rekey(conn: Connection) -> None:
    _add_columns(conn)
    report = Report()
    _rekey_workspace(conn, Kind.COMPANY, report)
    _rekey_workspace(conn, Kind.PERSON, report)
    _rekey_company_domains(conn, report)
    _rekey_mirror(conn, report)
    if report.counts:
        _record(conn, report)


def _add_columns(conn: Connection) -> None:
    """The registrable-domain columns and their indexes (present already on a store created just now)."""
    inspector = inspect(conn)
    for table, name in _NEW_COLUMNS:
        if name not in {c["name"] for c in inspector.get_columns(table.name)}:
            column = table.c[name]
            kind = column.type.compile(dialect=conn.dialect)
            conn.exec_driver_sql(f"ALTER TABLE {table.name} ADD COLUMN {name} {kind}")
    for table, _ in _NEW_COLUMNS:
        for index in table.indexes:
            if "domain_reg" in index.columns:
                index.create(conn, checkfirst=True)


_KEYS: dict[Kind, tuple[Table, str, str, Callable[[str], Normalised]]] = {
    Kind.COMPANY: (company, "domain_norm", "domain", normalise_domain),
    Kind.PERSON: (person, "email_norm", "email", normalise_email),
}


def _rekey_workspace(conn: Connection, kind: Kind, report: Report) -> None:
    """Each record's key from its stored value, in id order; the holder of a key keeps it."""
    table, key, source, normalise = _KEYS[kind]
    extra = [company.c.domain_reg] if kind is Kind.COMPANY else []
    for rows in _id_chunks(conn, table, [table.c[key], table.c[source], *extra]):
        new = {row["id"]: _new_key(row[source], row[key], normalise) for row in rows}
        wanted = sorted({value.value for value in new.values() if value.value})
        holders = {k: i for i, k in conn.execute(select(table.c.id, table.c[key]).where(table.c[key].in_(wanted)))}
        changes = []
        for row in rows:
            old, value = row[key], new[row["id"]]
            if value.value == old:
                if _registrable(kind, old).get("domain_reg", None) != row.get("domain_reg"):
                    changes.append({"_id": row["id"], "_quiet": True, **_registrable(kind, old)})  # the new column
                continue
            if holders.get(old) == row["id"]:
                del holders[old]  # vacated: the update below runs before any later row's
            if value.value is not None and holders.setdefault(value.value, row["id"]) != row["id"]:
                holder = holders[value.value]
                value = Normalised(None, f"{key} {value.value} now also names {kind} {holder}, which keeps it")
                report.lost.append((kind, row["id"], "KEY_COLLISION", value.reason))
            elif value.value is None:
                report.lost.append((kind, row["id"], "KEY_INVALID", f"{source} {row[source]!r}: {value.reason}"))
            report.counts[f"{kind} keys recomputed" if value.value else f"{kind} keys cleared"] += 1
            changes.append({"_id": row["id"], key: value.value, **_registrable(kind, value.value)})
        _update(conn, table, changes)


def _new_key(raw: Any, old: str | None, normalise: Callable[[str], Normalised]) -> Normalised:
    if raw is None or not str(raw).strip():
        return Normalised(old)  # an id-only record: nothing to recompute from
    return normalise(str(raw))


def _registrable(kind: Kind, key: str | None) -> dict[str, str | None]:
    if kind is not Kind.COMPANY:
        return {}
    return {"domain_reg": registrable_domain(key) if key else None}


def _rekey_company_domains(conn: Connection, report: Report) -> None:
    """A person's `company_domain` is normalised like a company's domain; one now invalid is kept as it is."""
    column = person.c[PERSON_COMPANY_LINK]
    for rows in _id_chunks(conn, person, [column]):
        changes = []
        for row in rows:
            value = row[PERSON_COMPANY_LINK]
            new = normalise_domain(value) if value else Normalised(value)
            if new.value is None and value:
                report.counts["person company_domain kept, no longer a company domain"] += 1
            elif new.value != value:
                report.counts["person company_domain recomputed"] += 1
                changes.append({"_id": row["id"], PERSON_COMPANY_LINK: new.value})
        _update(conn, person, changes)


def _rekey_mirror(conn: Connection, report: Report) -> None:
    last: tuple[str, str] = ("", "")
    keyed = [mirror.c.email_norm, mirror.c.domain_norm, mirror.c.domain_reg]
    columns = [mirror.c.object, mirror.c.sf_id, mirror.c.fields, *keyed]
    while True:
        stmt = select(*columns).where(tuple_(mirror.c.object, mirror.c.sf_id) > last)
        rows = conn.execute(stmt.order_by(mirror.c.object, mirror.c.sf_id).limit(CHUNK)).mappings().all()
        if not rows:
            return
        last = (rows[-1]["object"], rows[-1]["sf_id"])
        for row in rows:
            keys = match_columns(row["fields"])
            if all(keys[name] == row[name] for name in keys):
                continue
            if keys["email_norm"] != row["email_norm"] or keys["domain_norm"] != row["domain_norm"]:
                report.counts["mirror keys recomputed"] += 1
            where = (mirror.c.object == row["object"]) & (mirror.c.sf_id == row["sf_id"])
            conn.execute(update(mirror).where(where).values(**keys))


def _id_chunks(conn: Connection, table: Table, columns: list[Any]) -> Iterator[Sequence[Any]]:
    last = ""
    while True:
        stmt = select(table.c.id, *columns).where(table.c.id > last).order_by(table.c.id).limit(CHUNK)
        rows = conn.execute(stmt).mappings().all()
        if not rows:
            return
        last = rows[-1]["id"]
        yield rows


def _update(conn: Connection, table: Table, changes: Sequence[Mapping[str, Any]]) -> None:
    for change in changes:  # one statement each, in order: a vacated key is free for the next row
        values = {k: v for k, v in change.items() if not k.startswith("_")}
        if not change.get("_quiet"):  # a value changed; filling in the new column is no change of the record
            values["updated_at"] = utc_now()
        conn.execute(update(table).where(table.c.id == change["_id"]).values(**values))


def _record(conn: Connection, report: Report) -> None:
    """A `migrate` run in the run log; the workspace changed, so plans saved before are stale."""
    run_id, now = str(uuid.uuid4()), utc_now()
    counts = dict(sorted(report.counts.items()))
    conn.execute(
        run.insert().values(
            id=run_id, operation="migrate", started_at=now, finished_at=now, status="finished", counts=counts
        )
    )
    for kind, record_id, code, message in report.lost:
        conn.execute(
            row_result.insert().values(
                run_id=run_id, object=str(kind), workspace_kind=str(kind), workspace_id=record_id, action="rekey",
                outcome="skipped", error_code=code, message=message, fields=[],
            )
        )  # fmt: skip
    conn.execute(state_meta.update().where(state_meta.c.id == 1).values(serial=state_meta.c.serial + 1))
