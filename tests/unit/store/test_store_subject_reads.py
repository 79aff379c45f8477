"""Planning's chunk reads answer exactly what the single-record reads answer, loaded or not."""

from __future__ import annotations

import datetime as dt

from sfsync.catalogue import Kind
from sfsync.store import Store
from sfsync.store.ledger import LedgerEntry
from sfsync.store.links import Link
from sfsync.store.mirror import MirrorRecord
from sfsync.store.subject_reads import SubjectReads
from sfsync.store.sync_views import candidate_count, mirror_fields, mirror_state
from sfsync.store.workspace import RecordUpdate

T0 = dt.datetime(2025, 1, 1, 12, 0, tzinfo=dt.UTC)


def seeded(store: Store) -> None:
    records = [
        MirrorRecord("Lead", "00Qb", {"Id": "00Qb", "Email": "ada@x.example"}, T0, T0),
        MirrorRecord("Lead", "00QA", {"Id": "00QA", "Email": "Ada@X.example"}, T0, T0),
        MirrorRecord("Lead", "00Qc", {"Id": "00Qc", "Email": "ada@x.example"}, T0, T0, is_deleted=True),
        MirrorRecord("Account", "001a", {"Id": "001a", "Website": "https://x.example"}, T0, T0),
        MirrorRecord("Opportunity", "006a", {"Id": "006a", "AccountId": "001a"}, T0, T0),
    ]
    store.mirror.upsert(records)
    store.links.add(
        [Link(Kind.PERSON, "p_1", "Lead", "00Qb", False, T0), Link(Kind.COMPANY, "c_1", "Account", "001a", True, T0)]
    )
    store.ledger.record([LedgerEntry("Lead", "00Qb", "Title", "CTO", T0)])
    store.workspace.upsert(Kind.COMPANY, [RecordUpdate(Kind.COMPANY, 1, "c_1", "x.example", {"domain": "x.example"})])


def test_loaded_answers_equal_the_direct_reads(store: Store) -> None:
    seeded(store)
    reads = SubjectReads(store.session)
    with store.session.read() as conn:
        reads.load_mirror(conn, "Lead", "email_norm", ["ada@x.example", "nobody@x.example"])
        reads.load_mirror(conn, "Opportunity", "account_id", ["001a"])
        reads.load_states(conn, "Lead", ["00Qb", "00Qc", "00Qz"])
        reads.load_links(conn, Kind.PERSON, ["p_1", "p_2"])
        assert [r.id for r in reads.load_companies(conn, ["x.example", "y.example"])] == ["c_1"]
    session = store.session
    for key in (["ada@x.example"], ["nobody@x.example"], ["ada@x.example", "ada@x.example"]):
        assert reads.mirror_fields("Lead", "email_norm", key) == mirror_fields(session, "Lead", "email_norm", key)
    assert [f["Id"] for f in reads.mirror_fields("Lead", "email_norm", ["ada@x.example"])] == ["00QA", "00Qb"]
    assert reads.mirror_fields("Opportunity", "account_id", ["001a"]) == [{"Id": "006a", "AccountId": "001a"}]
    assert reads.candidate_count("Lead", "ada@x.example") == candidate_count(session, "Lead", "ada@x.example") == 2
    for sf_id in ("00Qb", "00Qc", "00Qz"):
        assert reads.mirror_state("Lead", sf_id) == mirror_state(session, "Lead", sf_id)
        assert reads.ledger_values("Lead", sf_id) == store.ledger.values("Lead", sf_id)
        assert reads.link_by_sf_id("Lead", sf_id) == store.links.by_sf_id("Lead", sf_id)
    for person in ("p_1", "p_2"):
        assert reads.links_for(Kind.PERSON, person) == store.links.for_record(Kind.PERSON, person)
    assert reads.find_company("x.example") == store.workspace.find(Kind.COMPANY, "x.example")
    assert reads.find_company("y.example") is None


def test_keys_outside_the_chunk_are_read_from_the_store(store: Store) -> None:
    seeded(store)
    reads = SubjectReads(store.session)
    with store.session.read() as conn:
        reads.load_mirror(conn, "Lead", "email_norm", ["nobody@x.example"])
    assert [f["Id"] for f in reads.mirror_fields("Lead", "email_norm", ["ada@x.example"])] == ["00QA", "00Qb"]
    assert reads.mirror_fields("Account", "domain_norm", ["x.example"]) == [
        {"Id": "001a", "Website": "https://x.example"}
    ]
    assert reads.candidate_count("Lead", "ada@x.example") == 2 and reads.candidate_count("Lead", None) == 0
    state = reads.mirror_state("Lead", "00Qc")
    assert state is not None and state[1] is True
    assert reads.ledger_values("Lead", "00Qb") == {"Title": "CTO"}
    assert [link.sf_id for link in reads.links_for(Kind.COMPANY, "c_1")] == ["001a"]
    assert reads.link_by_sf_id("Account", "001a") is not None
    found = reads.find_company("x.example")
    assert found is not None and found.id == "c_1"


def test_a_linked_records_state_taken_from_the_key_read_is_its_own_copy(store: Store) -> None:
    seeded(store)
    reads = SubjectReads(store.session)
    with store.session.read() as conn:
        reads.load_mirror(conn, "Lead", "email_norm", ["ada@x.example"])  # 00Qb is live on this email
        reads.load_states(conn, "Lead", ["00Qb"])
    state = reads.mirror_state("Lead", "00Qb")
    assert state == mirror_state(store.session, "Lead", "00Qb") and state is not None
    state[0]["Email"] = "changed@x.example"  # type: ignore[index]
    assert reads.mirror_fields("Lead", "email_norm", ["ada@x.example"])[1]["Email"] == "ada@x.example"
    assert reads.mirror_state("Lead", "00Qb") == mirror_state(store.session, "Lead", "00Qb")
