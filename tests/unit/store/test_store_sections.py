from __future__ import annotations

import datetime as dt

import pytest

from sfsync.catalogue import Kind
from sfsync.store import Store, StoreError
from sfsync.store.backend import redact
from sfsync.store.intents import IntentState
from sfsync.store.ledger import LedgerEntry
from sfsync.store.links import Link
from sfsync.store.mirror import MirrorRecord
from sfsync.store.runs import Outcome, RowResult
from sfsync.store.sync_views import Conversion, conversions_elsewhere, merged_links

T0 = dt.datetime(2025, 1, 1, 12, 0, tzinfo=dt.UTC)


def at(seconds: int) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def account(sf_id: str, website: str, modified: int = 0, deleted: bool = False) -> MirrorRecord:
    return MirrorRecord("Account", sf_id, {"Website": website, "Name": sf_id}, at(modified), at(modified), deleted)


def contact(sf_id: str, account_id: str, email: str = "", deleted: bool = False) -> MirrorRecord:
    return MirrorRecord("Contact", sf_id, {"AccountId": account_id, "Email": email}, at(0), at(0), deleted)


def test_mirror_extracts_match_columns(store: Store) -> None:
    store.mirror.upsert([contact("003A", "001A", " Ada@Example.com ")])
    stored = store.mirror.get("Contact", "003A")
    assert stored is not None and stored.fields["Email"] == " Ada@Example.com "
    with store._session.read() as conn:
        row = conn.exec_driver_sql("SELECT email_norm, account_id FROM mirror").one()
    assert tuple(row) == ("ada@example.com", "001A")


def test_mirror_keys_follow_idna_2008_and_refuse_shared_hosts(store: Store) -> None:
    """`faß.de` and `fass.de` are two domains; a LinkedIn page is no company's website; EAI emails are keyed."""
    store.mirror.upsert(
        [
            account("001A", "https://faß.de"),
            account("001B", "fass.de"),
            account("001C", "https://www.linkedin.com/company/acme"),
            contact("003A", "001A", "José@Faß.de"),
        ]
    )
    with store.session.read() as conn:
        rows = conn.exec_driver_sql("SELECT sf_id, domain_norm, email_norm FROM mirror ORDER BY sf_id").all()
    assert [tuple(r) for r in rows] == [
        ("001A", "xn--fa-hia.de", None),
        ("001B", "fass.de", None),
        ("001C", None, None),
        ("003A", None, "josé@xn--fa-hia.de"),
    ]


def test_watermark_keeps_the_ids_seen_at_the_highest_stamp(store: Store) -> None:
    store.mirror.upsert([account("001A", "a.com", 5), account("001B", "b.com", 9)])
    store.mirror.upsert([account("001C", "c.com", 9), account("001D", "d.com", 3)])
    mark = store.mirror.watermark("Account")
    assert mark is not None
    assert mark.system_modstamp == at(9)
    assert mark.ids_at_stamp == {"001B", "001C"}
    store.mirror.upsert([account("001E", "e.com", 10)])
    mark = store.mirror.watermark("Account")
    assert mark is not None and (mark.system_modstamp, mark.ids_at_stamp) == (at(10), {"001E"})
    store.mirror.reset_watermark("Account")
    assert store.mirror.watermark("Account") is None


def test_mirror_counts_live_records_per_object(store: Store) -> None:
    store.mirror.upsert([account("001A", "a.com"), account("001B", "b.com", deleted=True), contact("003A", "001A")])
    assert store.mirror.counts() == {"Account": 1, "Contact": 1}


def test_links_are_unique_both_ways(store: Store) -> None:
    store.links.add([Link(Kind.PERSON, "p_1", "Contact", "003A", True, T0)])
    with pytest.raises(StoreError, match="already linked"):
        store.links.add([Link(Kind.PERSON, "p_2", "Contact", "003A", False, T0)])
    with pytest.raises(StoreError, match="already linked"):
        store.links.add([Link(Kind.PERSON, "p_1", "Contact", "003B", False, T0)])
    assert store.links.for_record(Kind.PERSON, "p_1") == [Link(Kind.PERSON, "p_1", "Contact", "003A", True, T0)]
    assert store.links.by_sf_id("Contact", "003A") is not None
    assert store.links.counts() == {(Kind.PERSON, "Contact"): 1}


def test_dangling_links_are_those_whose_record_is_deleted_or_missing(store: Store) -> None:
    store.mirror.upsert([contact("003LIVE", "001A"), contact("003DEL", "001A", deleted=True)])
    store.links.add(
        [
            Link(Kind.PERSON, "p_live", "Contact", "003LIVE", True, T0),
            Link(Kind.PERSON, "p_del", "Contact", "003DEL", True, T0),
            Link(Kind.PERSON, "p_gone", "Contact", "003GONE", False, T0),
        ]
    )
    assert sorted(link.workspace_id for link in store.links.dangling()) == ["p_del", "p_gone"]


def test_a_link_follows_a_merge_to_its_master_and_can_change_hands(store: Store) -> None:
    loser = MirrorRecord("Contact", "003OLD", {"Email": "a@x.com", "MasterRecordId": "003NEW"}, at(1), at(1), True)
    store.mirror.upsert([loser, contact("003NEW", "001A", "b@x.com"), contact("003TAKEN", "001A")])
    first = Link(Kind.PERSON, "p_1", "Contact", "003OLD", True, T0, "run-1")
    store.links.add([first, Link(Kind.PERSON, "p_2", "Contact", "003TAKEN", False, T0)])
    assert [(item.sf_id, master) for item, master in merged_links(store.session)] == [("003OLD", "003NEW")]
    moved = store.links.follow(first, "003NEW", written_before=True)
    assert store.links.for_record(Kind.PERSON, "p_1") == [moved]
    assert (moved.sf_id, moved.created_by_sfsync, moved.written_before) == ("003NEW", False, True)
    assert moved.run_id == "run-1"
    assert not moved.by_reading and list(merged_links(store.session)) == []
    with pytest.raises(StoreError, match="already linked"):  # the master may not be taken twice
        store.links.follow(moved, "003TAKEN", written_before=False)
    store.links.reassign(moved, "p_3")
    assert store.links.by_sf_id("Contact", "003NEW") == Link(
        Kind.PERSON, "p_3", "Contact", "003NEW", False, moved.linked_at, "run-1", True
    )


def test_converted_leads_whose_contact_another_record_holds_are_listed(store: Store) -> None:
    lead = MirrorRecord("Lead", "00QA", {"IsConverted": True, "ConvertedContactId": "003C"}, at(1), at(1))
    other_lead = MirrorRecord("Lead", "00QB", {"IsConverted": True, "ConvertedContactId": "003D"}, at(1), at(1))
    store.mirror.upsert([lead, other_lead, contact("003C", "001A"), contact("003D", "001A")])
    store.links.add(
        [
            Link(Kind.PERSON, "p_loaded", "Lead", "00QA", True, T0),
            Link(Kind.PERSON, "p_read", "Contact", "003C", False, T0),
            Link(Kind.PERSON, "p_own", "Lead", "00QB", True, T0),
            Link(Kind.PERSON, "p_own", "Contact", "003D", False, T0),  # its own Contact: nothing to follow
        ]
    )
    assert conversions_elsewhere(store.session) == [Conversion(Kind.PERSON, "p_loaded", "00QA", "003C", "p_read")]
    store.links.remove(store.links.for_record(Kind.PERSON, "p_read")[0])
    assert conversions_elsewhere(store.session) == []


def test_ledger_keeps_the_last_written_value_per_field(store: Store) -> None:
    store.ledger.record(
        [LedgerEntry("Contact", "003A", "Title", "CTO", T0), LedgerEntry("Contact", "003A", "Phone", "1", T0)]
    )
    store.ledger.record([LedgerEntry("Contact", "003A", "Title", "CEO", at(5), "run-2")])
    assert store.ledger.values("Contact", "003A") == {"Title": "CEO", "Phone": "1"}
    assert [e.field for e in store.ledger.entries("Contact")] == ["Phone", "Title"]


def test_written_values_are_ledgered_as_entries_would_be(store: Store) -> None:
    store.ledger.record([LedgerEntry("Contact", "003A", "Title", "CTO", T0)])
    written = [("Contact", "003A", {"Title": "CEO", "Phone": "1"}), ("Lead", "00QA", {})]
    store.ledger.record_written(written, at(5), "r2")
    assert list(store.ledger.entries("Contact")) == [
        LedgerEntry("Contact", "003A", "Phone", "1", at(5), "r2"),
        LedgerEntry("Contact", "003A", "Title", "CEO", at(5), "r2"),
    ]
    assert list(store.ledger.entries("Lead")) == []


def test_intents_stay_unresolved_until_their_outcome_is_known(store: Store) -> None:
    first = store.intents.open(Kind.PERSON, "p_1", "Contact", "digest-1")
    second = store.intents.open(Kind.PERSON, "p_2", "Contact", "digest-2")
    store.intents.resolve(first.id, IntentState.CREATED, "003A")
    store.intents.resolve(second.id, IntentState.UNKNOWN)
    assert [i.id for i in store.intents.unresolved()] == [second.id]
    resolved = store.intents.get(first.id)
    assert resolved is not None and (resolved.state, resolved.sf_id) == (IntentState.CREATED, "003A")
    assert resolved.resolved_at is not None
    with pytest.raises(StoreError):
        store.intents.resolve("no-such-intent", IntentState.FAILED)


def test_plays_are_edge_triggered(store: Store) -> None:
    assert store.plays.enter("high-intent", Kind.PERSON, ["a", "b"]) == ["a", "b"]
    assert store.plays.enter("high-intent", Kind.PERSON, ["a", "b", "c"]) == ["c"]
    store.plays.leave("high-intent", Kind.PERSON, ["a"])
    assert [m.workspace_id for m in store.plays.members("high-intent", Kind.PERSON)] == ["b", "c"]
    assert store.plays.enter("high-intent", Kind.PERSON, ["a"]) == ["a"]


def test_runs_log_row_results_and_counts(store: Store) -> None:
    run = store.runs.start("apply")
    store.runs.record(
        [
            RowResult(run.id, "Contact", "update", Outcome.WRITTEN, "003A", "person", "p_1", fields=("Title",)),
            RowResult(run.id, "Lead", "create", Outcome.REJECTED, None, "person", "p_2", "DUPLICATES_DETECTED", "dup"),
            RowResult(run.id, "Lead", "create", Outcome.REJECTED, None, "person", "p_3", "REQUIRED_FIELD_MISSING"),
        ]
    )
    store.runs.finish(run.id, "failed", {"written": 1, "rejected": 2})
    last = store.runs.last()
    assert last is not None and (last.id, last.status, dict(last.counts)) == (
        run.id,
        "failed",
        {"written": 1, "rejected": 2},
    )
    assert store.runs.outcome_counts(run.id) == {Outcome.WRITTEN: 1, Outcome.REJECTED: 2}
    results = list(store.runs.results(run.id))
    assert results[0].fields == ("Title",) and results[1].error_code == "DUPLICATES_DETECTED"
    rejected = [(r.workspace_id, r.error_code) for r in store.runs.results(run.id, Outcome.REJECTED)]
    assert rejected == [("p_2", "DUPLICATES_DETECTED"), ("p_3", "REQUIRED_FIELD_MISSING")]


def test_describe_cache_round_trips_with_a_stable_hash(store: Store) -> None:
    cached = store.describes.put("Account", {"name": "Account", "fields": [{"name": "Id"}]}, "Tue, 01 Jul 2025")
    again = store.describes.put("Account", {"fields": [{"name": "Id"}], "name": "Account"})
    assert cached.sha256 == again.sha256
    stored = store.describes.get("Account")
    assert stored is not None and stored.describe["name"] == "Account" and stored.last_modified is None


def test_applied_config_bumps_the_serial(store: Store) -> None:
    lineage = store.meta.version().lineage
    applied = store.meta.record_applied_config("abc", '{"version":1}')
    assert applied.serial == 1
    assert store.meta.version().serial == 1 and store.meta.version().lineage == lineage
    last = store.meta.last_applied_config()
    assert last is not None and last.canonical == '{"version":1}'


def test_a_failed_transaction_leaves_no_trace(store: Store) -> None:
    run = store.runs.start("apply")
    with pytest.raises(RuntimeError), store.transaction():
        store.links.add([Link(Kind.PERSON, "p_1", "Contact", "003A", True, T0, run.id)])
        store.ledger.record([LedgerEntry("Contact", "003A", "Title", "CTO", T0, run.id)])
        store.meta.bump_serial()
        raise RuntimeError("crash between batches")
    assert store.links.by_sf_id("Contact", "003A") is None
    assert store.ledger.values("Contact", "003A") == {}
    assert store.meta.version().serial == 0
    with store.transaction():
        store.links.add([Link(Kind.PERSON, "p_1", "Contact", "003A", True, T0, run.id)])
        store.meta.bump_serial()
    assert store.links.by_sf_id("Contact", "003A") is not None
    assert store.meta.version().serial == 1


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://sfsync:pw@db/s", "postgresql://sfsync:***@db/s"),
        (
            "postgresql://sfsync@db/s?sslmode=require&password=pw",
            "postgresql://sfsync@db/s?password=***&sslmode=require",  # the query in key order
        ),
        ("postgresql+psycopg://sfsync@db/s?PassWord=pw", "postgresql://sfsync@db/s?PassWord=***"),
        ("sqlite:///state/sfsync.db", "sqlite:///state/sfsync.db"),
    ],
)
def test_a_store_url_is_shown_without_its_password(url: str, shown: str) -> None:
    assert redact(url) == shown
