from __future__ import annotations

import datetime as dt

from sfsync.catalogue import Kind
from sfsync.store import Store
from sfsync.store.links import Link
from sfsync.store.mirror import MirrorRecord
from sfsync.store.workspace import RecordUpdate

T0 = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)


def person(email: str) -> RecordUpdate:
    return RecordUpdate(Kind.PERSON, 1, None, email, {"email": email})


def contact(sf_id: str, email: str, modified: int = 0, deleted: bool = False) -> MirrorRecord:
    stamp = T0 + dt.timedelta(minutes=modified)
    return MirrorRecord("Contact", sf_id, {"Email": email}, stamp, stamp, deleted)


def seed(store: Store) -> dict[str, str]:
    store.workspace.upsert(Kind.PERSON, [person(e) for e in ("ada@x.example", "bob@x.example", "cy@x.example")])
    ids = {r.key or "": r.id for r in store.workspace.records(Kind.PERSON)}
    store.mirror.upsert(
        [
            contact("003ADA", "ADA@x.example"),
            contact("003BOB1", "bob@x.example", modified=1),
            contact("003BOB2", "bob@x.example", modified=9),
            contact("003BOBX", "bob@x.example", modified=20, deleted=True),
            contact("003TAKEN", "cy@x.example"),
        ]
    )
    store.links.add(
        [
            Link(Kind.PERSON, ids["ada@x.example"], "Contact", "003ADA", False, T0),
            Link(Kind.PERSON, "p_someone_else", "Contact", "003TAKEN", True, T0),
        ]
    )
    return ids


def test_records_with_links_join_link_and_mirror_row(store: Store) -> None:
    ids = seed(store)
    rows = {r.record.key: r for r in store.matching.with_links(Kind.PERSON, "Contact")}
    assert rows["ada@x.example"].sf_id == "003ADA"
    ada_mirror = rows["ada@x.example"].mirrored
    assert ada_mirror is not None and ada_mirror.fields == {"Email": "ADA@x.example"}
    assert rows["bob@x.example"].sf_id is None and rows["bob@x.example"].mirrored is None
    assert rows["ada@x.example"].record.id == ids["ada@x.example"]
    assert set(rows["ada@x.example"].record.values) >= {"email", "first_name", "company_domain"}
