"""A write and the reads after it in one composite call (`send_write`), against the local org.

The reads run after the write (they see it), as many as Salesforce's composite limits leave room for;
a lost composite answers no read and leaves every row unknown.
"""

from __future__ import annotations

from sf_org import RunningOrg

from sfsync.salesforce.adapter import SalesforceAdapter
from sfsync.salesforce.port import GuardedUpdate, Outcome, Update, WriteOperation, WriteOptions
from sfsync.salesforce.query import Eq, In, Query
from sfsync.salesforce.write_requests import Retrieve, Write


def _lead(n: int) -> dict[str, str]:
    return {"LastName": f"L{n}", "Company": "C", "Email": f"l{n}@carried.example", "Sfsync_Id__c": f"c-{n}"}


def _stamps(port: SalesforceAdapter, ids: list[str]) -> dict[str, str]:
    return {row["Id"]: row["LastModifiedDate"] for row in port.retrieve("Lead", ids, ["Id", "LastModifiedDate"]) if row}


def test_an_upsert_carries_a_query_and_a_retrieve_that_see_it_in_one_call(org: RunningOrg) -> None:
    port = org.adapter()
    [old] = port.insert("Lead", [_lead(0)], WriteOptions())
    assert old.id is not None
    port.update("Lead", [Update(old.id, {"Title": "Chief"})], WriteOptions())
    before = port.call_counts().total
    keys = Query("Lead", ("Id", "Email"), In("Email", ("l1@carried.example", "nobody@carried.example")))
    targets = Retrieve("Lead", (old.id, "00Q5g0000009999AAA"), ("Id", "Title"))
    write = Write("Lead", WriteOperation.UPSERT, (_lead(1),), external_id_field="Sfsync_Id__c")
    written = port.send_write(write, [keys, targets])
    assert port.call_counts().total - before == 1
    assert port.call_counts().by_kind["composite_collections_upsert"] == 1
    [result] = written.results
    assert result.outcome is Outcome.OK and result.created is True
    assert [row["Id"] for row in written.answers[keys] if row] == [result.id]  # the query saw the upsert
    assert [row and row["Title"] for row in written.answers[targets]] == ["Chief", None]


def test_guarded_updates_carry_a_read_only_in_the_room_their_last_call_leaves(org: RunningOrg) -> None:
    port = org.adapter()
    ids = [str(r.id) for r in port.insert("Lead", [_lead(n) for n in range(26)], WriteOptions())]
    stamps = _stamps(port, ids)
    check = Retrieve("Lead", tuple(ids[:3]), ("Id", "Title"))

    def guarded(count: int, title: str) -> Write:
        updates = tuple(GuardedUpdate(i, {"Title": title}, stamps[i]) for i in ids[:count])
        return Write("Lead", WriteOperation.UPDATE, updates=updates)

    full = port.send_write(guarded(25, "Full"), [check])  # 25 subrequests already: no room
    assert [r.outcome for r in full.results] == [Outcome.OK] * 25 and check not in full.answers
    stamps = _stamps(port, ids)
    roomy = port.send_write(guarded(24, "Roomy"), [check])
    assert [r.outcome for r in roomy.results] == [Outcome.OK] * 24
    assert [row and row["Title"] for row in roomy.answers[check]] == ["Roomy"] * 3
    assert port.call_counts().by_kind["composite_update"] == 2


def test_reads_past_five_collections_or_queries_are_left_for_the_caller(org: RunningOrg) -> None:
    port = org.adapter()
    reads = [Query("Lead", ("Id",), Eq("Email", f"l{n}@carried.example")) for n in range(6)]
    written = port.send_write(Write("Lead", WriteOperation.INSERT, (_lead(0),)), reads)
    assert written.results[0].outcome is Outcome.OK
    assert list(written.answers) == reads[:4]  # the write is the fifth Collections-or-query subrequest
    assert [len(written.answers[r]) for r in reads[:4]] == [1, 0, 0, 0]


def test_a_lost_composite_answers_no_read_and_leaves_the_write_unknown(org: RunningOrg) -> None:
    port = org.adapter()
    org.faults({"match": {"endpoint": "rest.composite"}, "action": "commit_then_drop"})
    keys = Query("Lead", ("Id",), Eq("Email", "l0@carried.example"))
    written = port.send_write(Write("Lead", WriteOperation.INSERT, (_lead(0),)), [keys])
    assert [r.outcome for r in written.results] == [Outcome.UNKNOWN] and written.answers == {}
    org.faults()
    assert len(list(port.query(keys))) == 1  # committed once, never re-sent


def test_a_write_without_reads_goes_as_a_collections_request_of_its_own(org: RunningOrg) -> None:
    port = org.adapter()
    written = port.send_write(Write("Lead", WriteOperation.INSERT, (_lead(0),)))
    assert written.results[0].outcome is Outcome.OK and written.answers == {}
    assert port.call_counts().by_kind == {"login": 1, "collections_insert": 1}
