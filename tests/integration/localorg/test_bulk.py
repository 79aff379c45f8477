"""Bulk API 2.0 of the local org, driven by the real simple-salesforce over HTTPS."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path
from typing import Any

import pytest
from simple_salesforce.bulk2 import ColumnDelimiter, LineEnding
from simple_salesforce.exceptions import SalesforceOperationError

pytestmark = pytest.mark.org


@pytest.fixture
def sf(local_org: Any) -> Any:
    local_org.reset()
    return local_org.simple_salesforce()


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def rest_rows(sf: Any, soql: str) -> list[dict[str, Any]]:
    return list(sf.query_all(soql)["records"])


def wait_for(sf: Any, path: str, states: tuple[str, ...] = ("JobComplete", "Failed", "Aborted")) -> dict[str, Any]:
    for _ in range(200):
        job: dict[str, Any] = sf.restful(path)
        if job["state"] in states:
            return job
        time.sleep(0.02)
    raise AssertionError(f"job {path} never reached {states}")


def test_insert_reports_successes_and_failures_as_salesforce_csv(sf: Any) -> None:
    records = [
        {"LastName": "Lovelace", "Company": "Analytical", "Email": "ADA@Analytical.example"},
        {"LastName": "Babbage", "Company": "", "Email": "charles@analytical.example"},
        {"LastName": "Boole", "Company": "Logic", "NumberOfEmployees": "many"},
    ]

    [summary] = sf.bulk2.Lead.insert(records=records, wait=0)

    assert summary["numberRecordsProcessed"] == 3
    assert summary["numberRecordsFailed"] == 2
    successes = sf.bulk2.Lead.get_successful_records(summary["job_id"])
    assert successes.splitlines()[0].startswith('"sf__Id","sf__Created",')
    [created] = rows(successes)
    assert created["sf__Created"] == "true" and created["LastName"] == "Lovelace"
    stored = sf.Lead.get(created["sf__Id"])
    assert stored["Email"] == "ada@analytical.example"  # the DML service lower-cases, as on REST
    failures = rows(sf.bulk2.Lead.get_failed_records(summary["job_id"]))
    errors = {f["LastName"]: f["sf__Error"] for f in failures}
    assert errors["Babbage"] == "REQUIRED_FIELD_MISSING:Required fields are missing: [Company]:Company --"
    assert errors["Boole"].startswith("INVALID_TYPE_ON_FIELD_IN_RECORD:")
    assert all(f["sf__Id"] == "" for f in failures)


def test_update_maps_columns_by_header_and_treats_na_as_null(sf: Any, tmp_path: Path) -> None:
    lead = sf.Lead.create({"LastName": "Hopper", "Company": "Navy", "Title": "Rear Admiral", "Phone": "555"})["id"]
    csv_file = f"Phone,Id,Title,Company\n,{lead},#N/A,Cobol Inc\n"

    [summary] = sf.bulk2.Lead.update(csv_file=_write(tmp_path, csv_file), wait=0)

    assert (summary["numberRecordsProcessed"], summary["numberRecordsFailed"]) == (1, 0)
    stored = sf.Lead.get(lead)
    assert stored["Title"] is None  # "#N/A" clears
    assert stored["Phone"] == "555"  # an empty cell leaves the value alone
    assert stored["Company"] == "Cobol Inc"
    [result] = rows(sf.bulk2.Lead.get_successful_records(summary["job_id"]))
    assert (result["sf__Id"], result["sf__Created"]) == (lead, "false")


def test_upsert_by_external_id_creates_and_updates(sf: Any) -> None:
    sf.bulk2.Account.insert(records=[{"Name": "Initech", "Sfsync_Id__c": "co-1"}], wait=0)
    records = [{"Sfsync_Id__c": "co-1", "Name": "Initech Ltd"}, {"Sfsync_Id__c": "co-2", "Name": "Hooli"}]

    [summary] = sf.bulk2.Account.upsert(records=records, external_id_field="Sfsync_Id__c", wait=0)

    assert (summary["numberRecordsProcessed"], summary["numberRecordsFailed"]) == (2, 0)
    results = rows(sf.bulk2.Account.get_successful_records(summary["job_id"]))
    assert {r["Sfsync_Id__c"]: r["sf__Created"] for r in results} == {"co-1": "false", "co-2": "true"}
    accounts = rest_rows(sf, "SELECT Name, Sfsync_Id__c FROM Account WHERE Sfsync_Id__c != null")
    names = {r["Sfsync_Id__c"]: r["Name"] for r in accounts}
    assert names == {"co-1": "Initech Ltd", "co-2": "Hooli"}


def test_lookup_column_by_parent_external_id(sf: Any, tmp_path: Path) -> None:
    sf.bulk2.Account.insert(records=[{"Name": "Umbrella", "Sfsync_Id__c": "co-9"}], wait=0)

    [summary] = sf.bulk2.Contact.insert(
        csv_file=_write(tmp_path, "LastName,Account.Sfsync_Id__c\nWesker,co-9\nRedfield,co-404\n"), wait=0
    )

    assert summary["numberRecordsFailed"] == 1
    [contact] = rest_rows(sf, "SELECT Account.Name FROM Contact WHERE LastName = 'Wesker'")
    assert contact["Account"]["Name"] == "Umbrella"
    [failure] = rows(sf.bulk2.Contact.get_failed_records(summary["job_id"]))
    assert failure["sf__Error"].startswith("INVALID_FIELD:Foreign key external ID: co-404 not found")


def test_duplicate_rules_apply_to_bulk_rows(sf: Any) -> None:
    [summary] = sf.bulk2.Contact.insert(records=[{"LastName": "Twin", "Email": "grace@acme.example"}], wait=0)

    assert summary["numberRecordsFailed"] == 1
    [failure] = rows(sf.bulk2.Contact.get_failed_records(summary["job_id"]))
    assert failure["sf__Error"].startswith("DUPLICATES_DETECTED:")


def test_rows_are_written_as_the_jobs_owner_with_their_permissions(local_org: Any, sf: Any) -> None:
    lead = sf.Lead.create({"LastName": "Owned", "Company": "Perms"})["id"]
    ada = local_org.simple_salesforce(as_user="ada@acme.local")
    restricted = local_org.simple_salesforce(as_user="restricted@acme.local")

    [by_ada] = ada.bulk2.Lead.insert(records=[{"LastName": "ByAda", "Company": "Perms"}], wait=0)
    [refused] = restricted.bulk2.Lead.insert(records=[{"LastName": "No", "Company": "Perms"}], wait=0)
    [read_only] = restricted.bulk2.Lead.update(records=[{"Id": lead, "Website": "https://x.example"}], wait=0)

    [created] = rows(ada.bulk2.Lead.get_successful_records(by_ada["job_id"]))
    ada_id = sf.query("SELECT Id FROM User WHERE Username = 'ada@acme.local'")["records"][0]["Id"]
    assert sf.Lead.get(created["sf__Id"])["CreatedById"] == ada_id
    [insert_error] = rows(restricted.bulk2.Lead.get_failed_records(refused["job_id"]))
    assert insert_error["sf__Error"].startswith("INSUFFICIENT_ACCESS_OR_READONLY:")
    [update_error] = rows(restricted.bulk2.Lead.get_failed_records(read_only["job_id"]))
    assert update_error["sf__Error"].startswith(
        "INVALID_FIELD_FOR_INSERT_UPDATE:Unable to create/update fields: Website."
    )
    assert update_error["sf__Error"].endswith(":Website --") and update_error["sf__Id"] == lead


def test_delete_keeps_the_recycle_bin_and_hard_delete_empties_it(sf: Any) -> None:
    soft, hard = (sf.Lead.create({"LastName": n, "Company": "Gone"})["id"] for n in ("Soft", "Hard"))

    [deleted] = sf.bulk2.Lead.delete(records=[{"Id": soft}], wait=0)
    [purged] = sf.bulk2.Lead.hard_delete(records=[{"Id": hard}], wait=0)

    assert deleted["numberRecordsFailed"] == purged["numberRecordsFailed"] == 0
    assert rest_rows(sf, "SELECT Id FROM Lead WHERE Company = 'Gone'") == []
    bin_rows = sf.query_all("SELECT Id, IsDeleted FROM Lead WHERE Company = 'Gone'", include_deleted=True)["records"]
    assert [(r["Id"], r["IsDeleted"]) for r in bin_rows] == [(soft, True)]


def test_a_job_with_an_unknown_column_fails_and_the_client_raises(sf: Any) -> None:
    with pytest.raises(SalesforceOperationError, match="InvalidBatch : Field name not found : Nope__c"):
        sf.bulk2.Lead.insert(records=[{"LastName": "X", "Company": "Y", "Nope__c": "z"}], wait=0)


def test_ingest_protocol_is_asynchronous_and_upload_answers_201(sf: Any) -> None:
    base = "jobs/ingest"
    job = sf.restful(base, method="POST", json={"operation": "insert", "object": "Lead", "lineEnding": "LF"})
    assert job["state"] == "Open" and job["contentUrl"].endswith(f"/jobs/ingest/{job['id']}/batches")
    data = "LastName,Company\n" + "".join(f"L{i},C\n" for i in range(450))
    upload = _put_csv(sf, f"{base}/{job['id']}/batches", data)
    assert upload.status_code == 201
    assert _put_csv(sf, f"{base}/{job['id']}/batches", "LastName,Company\nA,B\n").status_code == 400

    closed = sf.restful(f"{base}/{job['id']}", method="PATCH", json={"state": "UploadComplete"})

    assert closed["state"] == "UploadComplete"
    done = wait_for(sf, f"{base}/{job['id']}")
    assert done["jobType"] == "V2Ingest" and done["numberRecordsProcessed"] == 450
    expected = {"id", "operation", "object", "createdById", "createdDate", "systemModstamp", "state", "apiVersion"}
    assert expected <= set(done) and done["numberRecordsFailed"] == 0
    assert job["id"] in {j["id"] for j in sf.restful(base)["records"]}


def test_a_finished_job_can_be_deleted(sf: Any) -> None:
    [summary] = sf.bulk2.Lead.insert(records=[{"LastName": "Tmp", "Company": "Tmp"}], wait=0)
    url = f"{sf.base_url}jobs/ingest/{summary['job_id']}"

    assert sf.session.delete(url, headers=sf.headers).status_code == 204
    assert sf.session.get(url, headers=sf.headers).status_code == 404


def test_tab_delimited_crlf_jobs_round_trip(sf: Any) -> None:
    records = [{"LastName": "Tab\tbed", "Company": "Line, Ending"}]

    [summary] = sf.bulk2.Lead.insert(
        records=records, column_delimiter=ColumnDelimiter.TAB, line_ending=LineEnding.CRLF, wait=0
    )

    assert summary["numberRecordsFailed"] == 0
    text = sf.bulk2.Lead.get_successful_records(summary["job_id"])
    assert text.endswith('\t"Tab\tbed"\tLine, Ending\r\n') or text.endswith('\tLine, Ending\t"Tab\tbed"\r\n')
    [stored] = rest_rows(sf, "SELECT LastName FROM Lead WHERE Company = 'Line, Ending'")
    assert stored["LastName"] == "Tab\tbed"


def test_aborted_job_leaves_its_rows_unprocessed_under_both_spellings(sf: Any) -> None:
    job = sf.restful("jobs/ingest", method="POST", json={"operation": "insert", "object": "Lead"})
    _put_csv(sf, f"jobs/ingest/{job['id']}/batches", "LastName,Company\nA,B\nC,D\n")

    aborted = sf.restful(f"jobs/ingest/{job['id']}", method="PATCH", json={"state": "Aborted"})

    assert aborted["state"] == "Aborted"
    for spelling in ("unprocessedRecords", "unprocessedrecords"):
        response = sf.session.get(f"{sf.base_url}jobs/ingest/{job['id']}/{spelling}", headers=sf.headers)
        assert response.text == "LastName,Company\nA,B\nC,D\n"


def test_another_users_job_does_not_exist_for_them(local_org: Any, sf: Any) -> None:
    job = sf.restful("jobs/ingest", method="POST", json={"operation": "insert", "object": "Lead"})
    other = local_org.simple_salesforce(as_user="ada@acme.local")

    response = other.session.get(f"{other.base_url}jobs/ingest/{job['id']}", headers=other.headers)

    assert response.status_code == 404


def test_query_pages_carry_locator_headers_and_quoted_values(sf: Any) -> None:
    sf.bulk2.Lead.insert(records=[{"LastName": f"Page{i}", "Company": "Paged"} for i in range(5)], wait=0)

    pages = list(sf.bulk2.Lead.query("SELECT Id, LastName FROM Lead WHERE Company = 'Paged'", max_records=2, wait=0))

    assert len(pages) == 3
    assert all(page.startswith('"Id","LastName"\n') for page in pages)
    names = sorted(r["LastName"] for page in pages for r in rows(page))
    assert names == [f"Page{i}" for i in range(5)]
    assert '"Page0"' in "".join(pages)


def test_query_headers_and_relationship_columns(sf: Any) -> None:
    body = {"operation": "query", "query": "SELECT LastName, Account.Name FROM Contact"}
    job = sf.restful("jobs/query", method="POST", json=body)
    assert job["state"] == "UploadComplete"
    wait_for(sf, f"jobs/query/{job['id']}")

    response = sf.session.get(f"{sf.base_url}jobs/query/{job['id']}/results", headers=sf.headers)

    assert response.headers["Sforce-NumberOfRecords"] == "1"
    assert response.headers["Sforce-Locator"] == "null"
    assert response.text == '"LastName","Account.Name"\n"Hopper","Acme Corp"\n'


def test_query_all_sees_deleted_rows_and_download_writes_files(sf: Any, tmp_path: Path) -> None:
    lead = sf.Lead.create({"LastName": "Binned", "Company": "Bin"})["id"]
    sf.Lead.delete(lead)
    soql = "SELECT Id, IsDeleted FROM Lead WHERE Company = 'Bin'"

    [page] = list(sf.bulk2.Lead.query_all(soql, wait=0))
    [live] = list(sf.bulk2.Lead.query(soql, wait=0))
    [downloaded] = sf.bulk2.Lead.download(soql, path=str(tmp_path), wait=0)

    assert rows(page) == [{"Id": lead, "IsDeleted": "true"}]
    assert rows(live) == []
    assert downloaded["number_of_records"] == 0
    assert Path(downloaded["file"]).read_text() == '"Id","IsDeleted"\n'


def test_a_bad_query_is_refused_when_the_job_is_created(sf: Any) -> None:
    response = sf.session.post(
        f"{sf.base_url}jobs/query", headers=sf.headers, json={"operation": "query", "query": "SELECT Nope FROM Lead"}
    )

    assert response.status_code == 400
    assert response.json()[0]["errorCode"] == "INVALID_FIELD"


def _write(directory: Path, text: str) -> str:
    path = directory / "upload.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def _put_csv(sf: Any, path: str, data: str) -> Any:
    headers = {**sf.headers, "Content-Type": "text/csv; charset=UTF-8"}
    return sf.session.put(f"{sf.base_url}{path}", headers=headers, data=data.encode("utf-8"))
