"""Bulk API 1.0 ingest over HTTPS in XML and CSV, spoken as `salesforce-bulk` (CumulusCI's client) speaks
it: job creation (the cases of tests/cases/localorg/bulk-v1-jobs.yaml), batches, results and the error shapes."""

from __future__ import annotations

import csv
import io
import json
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml

from sfsync.localorg.testing import LocalOrgHandle

pytestmark = pytest.mark.org

NS = "{http://www.force.com/2009/06/asyncapi/dataload}"
XMLNS = "http://www.force.com/2009/06/asyncapi/dataload"
CASES = yaml.safe_load(
    (Path(__file__).parents[3] / "cases" / "localorg" / "bulk-v1-jobs.yaml").read_text(encoding="utf-8")
)
RESULT_HEADER = ["Id", "Success", "Created", "Error"]


def _job_doc(fields: dict[str, Any]) -> str:
    elements = "".join(f"<{name}>{value}</{name}>" for name, value in fields.items())
    return f'<?xml version="1.0" encoding="UTF-8"?><jobInfo xmlns="{XMLNS}">{elements}</jobInfo>'


def _fields(content: bytes) -> dict[str, str]:
    root = ET.fromstring(content)  # noqa: S314 - the local org's own answer, in a test
    return {child.tag.removeprefix(NS): child.text or "" for child in root}


class Bulk1:
    """Bulk API 1.0 over XML, with CSV batches."""

    def __init__(self, org: LocalOrgHandle) -> None:
        self.base = f"{org.instance_url}/services/async/{org.api_version}"
        self.http = org.session()
        self.http.headers["X-SFDC-Session"] = org.access_token

    def call(self, method: str, path: str, body: str = "", content: str = "application/xml") -> requests.Response:
        return self.http.request(
            method, f"{self.base}/{path}", data=body.encode(), headers={"Content-Type": f"{content}; charset=UTF-8"}
        )

    def xml(self, method: str, path: str, body: str = "", content: str = "application/xml") -> dict[str, str]:
        answer = self.call(method, path, body, content)
        assert answer.status_code < 300, answer.text
        return _fields(answer.content)

    def job(self, **fields: str) -> str:
        return self.xml("POST", "job", _job_doc({**fields, "contentType": "CSV"}))["id"]

    def batch(self, job_id: str, csv_text: str) -> str:
        return self.xml("POST", f"job/{job_id}/batch", csv_text, "text/csv")["id"]

    def close(self, job_id: str) -> dict[str, str]:
        return self.xml("POST", f"job/{job_id}", _job_doc({"state": "Closed"}))

    def finished(self, job_id: str, batch_id: str) -> dict[str, str]:
        deadline = time.monotonic() + 30
        while True:
            batch = self.xml("GET", f"job/{job_id}/batch/{batch_id}")
            if batch["state"] in ("Completed", "Failed") or time.monotonic() > deadline:
                return batch
            time.sleep(0.05)

    def results(self, job_id: str, batch_id: str) -> list[list[str]]:
        answer = self.call("GET", f"job/{job_id}/batch/{batch_id}/result")
        assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/csv"), answer.text
        return list(csv.reader(io.StringIO(answer.text)))


def _error(answer: requests.Response) -> tuple[int, str]:
    return answer.status_code, _fields(answer.content)["exceptionCode"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_a_job_is_created_or_refused_as_salesforce_would(org: LocalOrgHandle, case: dict[str, Any]) -> None:
    bulk = Bulk1(org)
    if case["format"] == "json":
        answer = bulk.call("POST", "job", json.dumps(case["job"]), "application/json")
        body = answer.json()
        assert answer.headers["Content-Type"] == "application/json"
    else:
        answer = bulk.call("POST", "job", case.get("raw") or _job_doc(case["job"]))
        body = _fields(answer.content)
    assert answer.status_code == case["status"], answer.text
    if "code" in case:
        assert (body["exceptionCode"], bool(body["exceptionMessage"])) == (case["code"], True)
    for name, value in case.get("answer", {}).items():
        assert body[name] == (value if case["format"] == "json" else str(value)), name


def test_rows_are_written_in_order_and_each_has_its_result(org: LocalOrgHandle) -> None:
    bulk = Bulk1(org)
    job_id = bulk.job(operation="insert", object="Lead")
    upload = 'LastName,Company,Email\r\n"Ingest, One",Acme,one@ingest.example\r\n,Acme,\r\nIngest Three,Acme,bad\r\n'
    batch_id = bulk.batch(job_id, upload)
    assert bulk.close(job_id)["state"] == "Closed"
    batch = bulk.finished(job_id, batch_id)
    assert (batch["state"], batch["numberRecordsProcessed"], batch["numberRecordsFailed"]) == ("Completed", "3", "2")
    header, first, missing, bad_email = bulk.results(job_id, batch_id)
    assert header == RESULT_HEADER
    stored = org.simple_salesforce().query("SELECT Id, LastName FROM Lead WHERE Email = 'one@ingest.example'")
    assert first == [stored["records"][0]["Id"], "true", "true", ""]
    assert stored["records"][0]["LastName"] == "Ingest, One"
    required = "REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --"
    assert missing == ["", "false", "false", required]
    assert bad_email[:3] == ["", "false", "false"] and bad_email[3].startswith("INVALID_EMAIL_ADDRESS:")
    assert bulk.call("GET", f"job/{job_id}/batch/{batch_id}/request").text == upload  # the batch as sent
    job = bulk.xml("GET", f"job/{job_id}")
    assert (job["numberBatchesCompleted"], job["numberRecordsProcessed"], job["numberRecordsFailed"]) == ("1", "3", "2")


def test_a_header_the_object_does_not_have_fails_the_batch_with_its_state_message(org: LocalOrgHandle) -> None:
    bulk = Bulk1(org)
    job_id = bulk.job(operation="insert", object="Lead")
    batch_id = bulk.batch(job_id, "LastName,NoSuchField__c\nA,B\n")
    batch = bulk.finished(job_id, batch_id)
    assert (batch["state"], batch["stateMessage"]) == ("Failed", "InvalidBatch : Field name not found : NoSuchField__c")
    listed = ET.fromstring(bulk.call("GET", f"job/{job_id}/batch").content)  # noqa: S314
    assert [e.text for e in listed.iter(f"{NS}stateMessage")] == [batch["stateMessage"]]
    assert _error(bulk.call("GET", f"job/{job_id}/batch/{batch_id}/result")) == (400, "InvalidBatch")
    assert bulk.xml("GET", f"job/{job_id}")["numberBatchesFailed"] == "1"


def test_unknown_jobs_and_batches_and_a_closed_job_are_refused(org: LocalOrgHandle) -> None:
    bulk = Bulk1(org)
    assert _error(bulk.call("GET", "job/750000000000001AAA")) == (400, "InvalidJob")
    job_id = bulk.job(operation="insert", object="Lead")
    assert _error(bulk.call("GET", f"job/{job_id}/batch/751000000000001AAA")) == (400, "InvalidBatch")
    as_json = bulk.call("POST", f"job/{job_id}/batch", '[{"LastName": "Json"}]', "application/json")
    assert (as_json.status_code, as_json.json()["exceptionCode"]) == (400, "InvalidBatch")  # CSV jobs take CSV
    bulk.close(job_id)
    assert _error(bulk.call("POST", f"job/{job_id}/batch", "LastName\nLate\n", "text/csv")) == (400, "InvalidJobState")
    assert _error(bulk.call("POST", f"job/{job_id}", _job_doc({"state": "Closed"}))) == (400, "InvalidJobState")
    assert bulk.xml("POST", f"job/{job_id}", _job_doc({"state": "Aborted"}))["state"] == "Aborted"
    other = org.simple_salesforce(as_user="ada@acme.local")
    bulk.http.headers["X-SFDC-Session"] = other.session_id  # another user's job does not exist for them
    assert _error(bulk.call("GET", f"job/{job_id}")) == (400, "InvalidJob")


def test_a_serial_job_runs_its_batches_one_after_another_in_order(org: LocalOrgHandle) -> None:
    bulk = Bulk1(org)
    job_id = bulk.job(operation="upsert", object="Lead", externalIdFieldName="Sfsync_Id__c", concurrencyMode="Serial")
    batches = [bulk.batch(job_id, f"Sfsync_Id__c,LastName,Company\nserial-1,Version {n},Acme\n") for n in range(1, 5)]
    bulk.close(job_id)
    created = [bulk.results(job_id, b)[1][2] for b in batches if bulk.finished(job_id, b)["state"] == "Completed"]
    assert created == ["true", "false", "false", "false"]  # the first batch created it, the others updated it
    [lead] = org.simple_salesforce().query("SELECT LastName FROM Lead WHERE Sfsync_Id__c = 'serial-1'")["records"]
    assert lead["LastName"] == "Version 4"


def test_rows_meet_the_duplicate_rules_and_lookups_of_every_other_write(org: LocalOrgHandle) -> None:
    bulk = Bulk1(org)
    job_id = bulk.job(operation="insert", object="Contact")
    upload = (
        "LastName,Email,Account.Sfsync_Id__c\n"
        "Copy,grace@acme.example,\n"  # the seed's Contact rule blocks a second grace@acme.example
        "Orphan,orphan@acme.example,no-such-account\n"
    )
    batch_id = bulk.batch(job_id, upload)
    assert bulk.finished(job_id, batch_id)["state"] == "Completed"
    _, duplicate, orphan = bulk.results(job_id, batch_id)
    assert duplicate[:3] == ["", "false", "false"] and duplicate[3].startswith("DUPLICATES_DETECTED:")
    assert orphan[3].startswith("INVALID_FIELD:Foreign key external ID: no-such-account not found")
    emails = org.simple_salesforce().query("SELECT Email FROM Contact WHERE LastName IN ('Copy', 'Orphan')")
    assert emails["records"] == []
