"""Change detection for incremental plans, on both backends: the triggers' log and the cache's dirty set."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import inspect, select

from sfsync.catalogue import Kind
from sfsync.store import Store
from sfsync.store.derivation_schema import change_log
from sfsync.store.derivations import Derived, output_text
from sfsync.store.ledger import LedgerEntry
from sfsync.store.links import Link
from sfsync.store.mirror import MirrorRecord
from sfsync.store.workspace import RecordUpdate

NOW = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)


def _logged(store: Store) -> set[str]:
    with store.session.read() as conn:
        return set(conn.scalars(select(change_log.c.token)))


def _person(store: Store, email: str, **values: object) -> str:
    update = RecordUpdate(Kind.PERSON, 2, None, email, {"email": email, **values})
    store.workspace.upsert(Kind.PERSON, [update])
    record = store.workspace.find(Kind.PERSON, email)
    assert record is not None
    return record.id


def _contact(sf_id: str, email: str, title: str = "CTO") -> MirrorRecord:
    return MirrorRecord("Contact", sf_id, {"Id": sf_id, "Email": email, "Title": title}, NOW, NOW)


def test_nothing_is_logged_while_there_is_no_cache(store: Store) -> None:
    _person(store, "ada@x.example", last_name="Lovelace")
    store.mirror.upsert([_contact("003A", "ada@x.example")])
    assert _logged(store) == set()


def test_a_write_that_changes_only_bookkeeping_logs_nothing(store: Store) -> None:
    store.derivations.commit(0, "sha256:x")
    person = _person(store, "ada@x.example", last_name="Lovelace")
    assert _logged(store) == {f"w|person|id|{person}"}
    store.derivations.commit(store.derivations.current_seq(), "sha256:x")
    _person(store, "ada@x.example", last_name="Lovelace")  # the same file loaded again: updated_at moves
    store.mirror.upsert([_contact("003A", "ada@x.example")])
    assert "m|Contact|sf_id|003A" in _logged(store)
    store.derivations.commit(store.derivations.current_seq(), "sha256:x")
    store.mirror.upsert([_contact("003A", "ada@x.example")])  # read again, unchanged: refreshed_at moves
    assert _logged(store) == set()


def test_a_mirror_row_moving_key_logs_the_old_key_and_the_new(store: Store) -> None:
    store.mirror.upsert([_contact("003A", "ada@x.example")])
    store.derivations.commit(0, "sha256:x")
    store.mirror.upsert([_contact("003A", "bob@x.example")])
    logged = _logged(store)
    assert {"m|Contact|email_norm|ada@x.example", "m|Contact|email_norm|bob@x.example"} <= logged
    assert "m|Contact|sf_id|003A" in logged


def test_links_ledger_and_play_membership_are_logged(store: Store) -> None:
    person = _person(store, "ada@x.example")
    store.derivations.commit(0, "sha256:x")
    store.links.add([Link(Kind.PERSON, person, "Contact", "003A", True, NOW)])
    store.ledger.record([LedgerEntry("Contact", "003A", "Title", "CTO", NOW)])
    store.plays.enter("everyone", Kind.PERSON, [person])
    assert {
        f"l|person|{person}",
        "ls|Contact|003A",
        "g|Contact|003A",
        f"p|person|{person}",
    } <= _logged(store)


def test_dirty_records_are_those_whose_inputs_moved_since_the_cache(store: Store) -> None:
    ada, bob = _person(store, "ada@x.example"), _person(store, "bob@x.example")
    store.derivations.commit(0, "sha256:x")
    reads_ada = {f"w|person|id|{ada}", "m|Contact|email_norm|ada@x.example"}
    reads_bob = {f"w|person|id|{bob}", "m|Contact|email_norm|bob@x.example"}
    store.derivations.replace(
        [
            Derived("person", ada, None, None, reads_ada),
            Derived("person", bob, None, output_text(json.dumps({"skips": []})), reads_bob),
        ]
    )
    seq = store.derivations.current_seq()
    store.derivations.commit(seq, "sha256:x")
    assert store.derivations.dirty(seq) == set()
    store.mirror.upsert([_contact("003A", "bob@x.example")])  # a Contact appears on bob's email
    assert store.derivations.dirty(seq) == {("person", bob)}
    assert store.derivations.cached()[("person", bob)].output == {"skips": []}
    later = store.derivations.current_seq()
    store.derivations.commit(later, "sha256:x")
    assert _logged(store) == set()  # the log is pruned up to the cache
    assert store.derivations.dirty(later) == set()
    store.derivations.forget([("person", bob)])
    assert set(store.derivations.cached()) == {("person", ada)}


def test_removing_a_record_logs_it(store: Store) -> None:
    ada = _person(store, "ada@x.example")
    store.derivations.commit(0, "sha256:x")
    store.workspace.remove(Kind.PERSON, ada)
    assert _logged(store) == {f"w|person|id|{ada}"}


def _cache(store: Store, *derived: Derived) -> int:
    """Write these derivations as the whole cache, current to now: the sequence it is current to."""
    store.derivations.commit(0, "sha256:x")
    store.derivations.replace(derived, everything=True)
    seq = store.derivations.current_seq()
    store.derivations.commit(seq, "sha256:x")
    return seq


def _inputs(store: Store) -> set[tuple[str, str, str]]:
    inputs = store.derivations.tables.derivation_input
    with store.session.read() as conn:
        return {(r.kind, r.workspace_id, r.token) for r in conn.execute(select(inputs))}


def test_a_record_is_dirty_when_its_own_row_moves_though_no_input_row_names_it(store: Store) -> None:
    ada, bob = _person(store, "ada@x.example"), _person(store, "bob@x.example")
    own = {f"w|person|id|{ada}", f"p|person|{ada}", f"l|person|{ada}"}
    seq = _cache(store, Derived("person", ada, None, None, own), Derived("person", bob, None, None, set()))
    assert _inputs(store) == set()  # every token ada read names ada itself
    _person(store, "ada@x.example", last_name="Lovelace")
    assert store.derivations.dirty(seq) == {("person", ada)}


def test_a_record_is_dirty_when_its_play_membership_or_links_move(store: Store) -> None:
    ada, bob = _person(store, "ada@x.example"), _person(store, "bob@x.example")
    seq = _cache(store, Derived("person", ada, None, None, set()), Derived("person", bob, None, None, set()))
    store.plays.enter("everyone", Kind.PERSON, [ada])
    assert store.derivations.dirty(seq) == {("person", ada)}
    seq = store.derivations.current_seq()
    store.derivations.commit(seq, "sha256:x")
    store.links.add([Link(Kind.PERSON, bob, "Contact", "003B", True, NOW)])
    assert store.derivations.dirty(seq) == {("person", bob)}


def test_a_company_moving_makes_the_records_derived_with_it_dirty(store: Store) -> None:
    store.workspace.upsert(
        Kind.COMPANY, [RecordUpdate(Kind.COMPANY, 2, None, "acme.example", {"domain": "acme.example"})]
    )
    company = store.workspace.find(Kind.COMPANY, "acme.example")
    assert company is not None
    ada, bob = _person(store, "ada@acme.example"), _person(store, "bob@x.example")
    company_reads = {f"w|company|id|{company.id}", f"l|company|{company.id}", "m|Account|domain_norm|acme.example"}
    seq = _cache(
        store,
        Derived("company", company.id, company.id, None, company_reads),
        Derived("person", ada, company.id, None, company_reads | {"m|Contact|email_norm|ada@acme.example"}),
        Derived("person", bob, None, None, {f"w|company|id|{company.id}"}),  # looked it up, not derived with it
    )
    assert _inputs(store) == {
        ("company", company.id, "m|Account|domain_norm|acme.example"),
        ("person", ada, "m|Account|domain_norm|acme.example"),
        ("person", ada, "m|Contact|email_norm|ada@acme.example"),
        ("person", bob, f"w|company|id|{company.id}"),
    }
    store.links.add([Link(Kind.COMPANY, company.id, "Account", "001A", True, NOW)])
    assert store.derivations.dirty(seq) == {("company", company.id), ("person", ada)}
    seq = store.derivations.current_seq()
    store.derivations.commit(seq, "sha256:x")
    store.workspace.upsert(
        Kind.COMPANY, [RecordUpdate(Kind.COMPANY, 2, None, "acme.example", {"domain": "acme.example", "name": "Acme"})]
    )
    assert store.derivations.dirty(seq) == {("company", company.id), ("person", ada), ("person", bob)}


def test_a_full_replace_keeps_each_output_as_written_and_indexes_the_tokens_and_clusters_again(store: Store) -> None:
    odd = {"skips": [{"reason": 'a\x00b \ufffe \u00e9 \\ \t "q"'}]}  # U+0000, our mark, escapes, non-ASCII
    many = [
        Derived(
            "person",
            f"p_{n:04}",
            None,
            output_text(json.dumps(odd if n % 2 else {"n": n}, ensure_ascii=n % 4 == 1)),
            {f"g|Lead|{n}"},
        )
        for n in range(1500)
    ]
    seq = _cache(store, *many)  # enough rows for PostgreSQL's COPY path
    cached = store.derivations.cached()
    assert cached[("person", "p_0001")].output == odd
    assert cached[("person", "p_0002")].output == {"n": 2}
    assert cached[("person", "p_0003")].output == odd  # written with the characters raw, not escaped
    assert len(_inputs(store)) == 1500
    with store.session.read() as conn:
        indexes = inspect(conn).get_indexes(store.derivations.tables.derivation_input.name)
        clusters = inspect(conn).get_indexes(store.derivations.tables.derivation.name)
    assert [index["column_names"] for index in indexes] == [["token"]]
    assert [index["column_names"] for index in clusters] == [["cluster"]]  # built again too
    store.ledger.record([LedgerEntry("Lead", "7", "Title", "CTO", NOW)])
    assert store.derivations.dirty(seq) == {("person", "p_0007")}


def test_the_unmatched_records_are_the_new_ones_and_the_removed_ones(store: Store) -> None:
    ada, bob = _person(store, "ada@x.example"), _person(store, "bob@x.example")
    skip = output_text(json.dumps({"skips": [{"sobject": "Lead"}]}))
    derived = [Derived("person", ada, None, skip, ()), Derived("person", "p_gone", None, None, ())]
    store.derivations.replace(derived, everything=True)
    assert store.derivations.unmatched() == ({("person", bob)}, {("person", "p_gone")})
    assert [i for i, _ in store.derivations.outputs("person")] == [ada]  # only what derived something
    assert set(store.derivations.cached()) == {("person", ada), ("person", "p_gone")}
    store.derivations.replace([Derived("person", bob, None, None, ())])
    store.derivations.forget([("person", "p_gone")])
    assert store.derivations.unmatched() == (set(), set())


def test_a_few_moved_records_clusters_and_outputs_are_read_without_the_rest(store: Store) -> None:
    company = RecordUpdate(Kind.COMPANY, 2, None, "x.example", {"domain": "x.example", "name": "X"})
    store.workspace.upsert(Kind.COMPANY, [company])
    found = store.workspace.find(Kind.COMPANY, "x.example")
    assert found is not None
    ada, bob, cy = (_person(store, f"{n}@x.example") for n in ("ada", "bob", "cy"))
    skip = output_text(json.dumps({"skips": [{"sobject": "Contact"}]}))
    store.derivations.replace(
        [Derived("company", found.id, found.id, None, ()), Derived("person", ada, found.id, skip, ()),
         Derived("person", bob, None, None, ())],
        everything=True,
    )  # fmt: skip
    assert store.derivations.clusters_of([("person", ada), ("person", bob), ("person", cy)]) == {
        ("person", ada): found.id,
        ("person", bob): None,
    }
    assert store.derivations.members([found.id]) == {("company", found.id), ("person", ada)}
    outputs = dict(store.derivations.record_outputs("person"))
    assert outputs == {ada: {"skips": [{"sobject": "Contact"}]}, bob: None, cy: None}  # cy: no row yet
    assert [i for i, _ in store.derivations.record_outputs("person")] == store.workspace.ordered(
        Kind.PERSON, {ada, bob, cy, "p_gone"}
    )
    assert store.workspace.ordered(Kind.PERSON, {bob}) == [bob]
