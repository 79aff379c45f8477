"""Collections and Bulk API 2.0 writes: per-row results in row order, never a null sent."""

from __future__ import annotations

from sf_org import RunningOrg

from sfsync.salesforce.port import Outcome, Update, WriteOperation, WriteOptions
from sfsync.salesforce.query import Like, LikeAt, Query

RESPECT = WriteOptions()


def test_insert_returns_ids_and_per_row_errors_in_order(org: RunningOrg) -> None:
    port = org.adapter()
    results = port.insert(
        "Lead",
        [
            {"LastName": "Ok", "Company": "A", "Email": "ok@new.example", "Phone": None},
            {"LastName": "NoCompany"},
            {"LastName": "Long" * 40, "Company": "B"},
        ],
        RESPECT,
    )
    assert [r.outcome for r in results] == [Outcome.OK, Outcome.REJECTED, Outcome.REJECTED]
    assert results[0].id and results[0].id.startswith("00Q")
    assert results[1].errors[0].code == "REQUIRED_FIELD_MISSING" and "Company" in results[1].errors[0].fields
    assert results[2].errors[0].code == "STRING_TOO_LONG"
    assert port.call_counts().by_kind["collections_insert"] == 1


def test_duplicate_rule_rejects_the_row(org: RunningOrg) -> None:
    # Collections rows carry the code and message only (no matched ids): the engine re-matches.
    port = org.adapter()
    rows = [{"LastName": "Hopper", "Email": "grace@acme.example"}, {"LastName": "New", "Email": "new@acme.example"}]
    results = port.insert("Contact", rows, RESPECT)
    assert [r.outcome for r in results] == [Outcome.REJECTED, Outcome.OK]
    assert results[0].errors[0].code == "DUPLICATES_DETECTED"


def test_update_and_upsert(org: RunningOrg) -> None:
    port = org.adapter()
    [created] = port.insert("Lead", [{"LastName": "U", "Company": "C", "Sfsync_Id__c": "w-1"}], RESPECT)
    assert created.id is not None
    [updated] = port.update("Lead", [Update(created.id, {"Title": "CTO", "Phone": None})], RESPECT)
    assert updated.outcome is Outcome.OK
    upserts = port.upsert(
        "Lead",
        "Sfsync_Id__c",
        [{"Sfsync_Id__c": "w-1", "City": "Oslo"}, {"Sfsync_Id__c": "w-2", "LastName": "N", "Company": "D"}],
        RESPECT,
    )
    assert [(r.outcome, r.created) for r in upserts] == [(Outcome.OK, False), (Outcome.OK, True)]
    [row] = port.retrieve("Lead", [created.id], ["Title", "City"])
    assert row is not None and (row["Title"], row["City"]) == ("CTO", "Oslo")


def test_bulk_insert_maps_results_back_to_rows(org: RunningOrg) -> None:
    port = org.adapter()
    records = [
        {"LastName": "B1", "Company": "X", "Email": "b1@bulk.example"},
        {"LastName": "B2", "Email": "b2@bulk.example"},
        {"LastName": "B3", "Company": "Y", "Email": "b3@bulk.example"},
    ]
    results = port.bulk_write("Lead", WriteOperation.INSERT, records)
    assert [r.outcome for r in results] == [Outcome.OK, Outcome.REJECTED, Outcome.OK]
    assert results[1].errors[0].code == "REQUIRED_FIELD_MISSING"
    emails = {
        r["Id"]: r["Email"]
        for r in port.query(Query("Lead", ("Id", "Email"), Like("Email", "@bulk.example", LikeAt.ENDS)))
    }
    assert emails[results[0].id] == "b1@bulk.example" and emails[results[2].id] == "b3@bulk.example"


def test_bulk_results_are_fetched_only_where_the_job_counted_rows(org: RunningOrg) -> None:
    port = org.adapter()
    clean = [{"LastName": "C1", "Company": "X"}, {"LastName": "C2", "Company": "Y"}]
    org.handle.control("calls", "DELETE")
    assert [r.outcome for r in port.bulk_write("Lead", WriteOperation.INSERT, clean)] == [Outcome.OK, Outcome.OK]
    files = ("bulk.ingest.successful", "bulk.ingest.failed", "bulk.ingest.unprocessed")
    fetched = {k: v for k, v in org.handle.control("calls").items() if k in files}
    assert fetched == {"bulk.ingest.successful": 1}
    org.handle.control("calls", "DELETE")
    mixed = [{"LastName": "C3", "Company": "X"}, {"LastName": "C4"}]
    assert [r.outcome for r in port.bulk_write("Lead", WriteOperation.INSERT, mixed)] == [
        Outcome.OK,
        Outcome.REJECTED,
    ]
    calls = org.handle.control("calls")
    assert (calls.get("bulk.ingest.successful"), calls.get("bulk.ingest.failed")) == (1, 1)
    assert not calls.get("bulk.ingest.unprocessed")


def test_bulk_upsert_by_external_id(org: RunningOrg) -> None:
    port = org.adapter()
    [first] = port.insert("Lead", [{"LastName": "E", "Company": "C", "Sfsync_Id__c": "bulk-1"}], RESPECT)
    records = [{"Sfsync_Id__c": "bulk-1", "City": "Lima"}, {"Sfsync_Id__c": "bulk-2", "LastName": "F", "Company": "D"}]
    results = port.bulk_write("Lead", WriteOperation.UPSERT, records, external_id_field="Sfsync_Id__c")
    assert [(r.outcome, r.created) for r in results] == [(Outcome.OK, False), (Outcome.OK, True)]
    assert results[0].id == first.id
    assert port.call_counts().by_kind["bulk_upsert"] == 1
