"""Bulk API 1.0 query jobs over HTTPS, spoken as the `salesforce-bulk` client (CumulusCI's) speaks it."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pytest
import requests

from sfsync.localorg.testing import LocalOrgHandle

pytestmark = pytest.mark.org

NS = "{http://www.force.com/2009/06/asyncapi/dataload}"
JOB_DOC = (
    '<?xml version="1.0" encoding="UTF-8"?><jobInfo xmlns="http://www.force.com/2009/06/asyncapi/dataload">'
    "<operation>{operation}</operation><object>{sobject}</object><contentType>CSV</contentType></jobInfo>"
)
CLOSE_DOC = (
    '<?xml version="1.0" encoding="UTF-8"?><jobInfo xmlns="http://www.force.com/2009/06/asyncapi/dataload">'
    "<state>Closed</state></jobInfo>"
)


def _parse(content: bytes) -> ET.Element:
    return ET.fromstring(content)  # noqa: S314 - the local org's own answer, in a test


class Bulk1:
    def __init__(self, org: LocalOrgHandle) -> None:
        self.base = f"{org.instance_url}/services/async/{org.api_version}"
        self.http = org.session()
        self.http.headers["X-SFDC-Session"] = org.access_token

    def call(self, method: str, path: str, body: str = "", content: str = "application/xml") -> requests.Response:
        headers = {"Content-Type": f"{content}; charset=UTF-8"}
        return self.http.request(method, f"{self.base}/{path}", data=body.encode(), headers=headers)

    def xml(self, method: str, path: str, body: str = "", content: str = "application/xml") -> dict[str, str]:
        response = self.call(method, path, body, content)
        assert response.status_code < 300, response.text
        return {child.tag.removeprefix(NS): child.text or "" for child in _parse(response.content)}

    def query(self, soql: str, operation: str = "query") -> tuple[str, str]:
        job = self.xml("POST", "job", JOB_DOC.format(operation=operation, sobject="Lead"))
        assert job["state"] == "Open" and job["operation"] == operation
        batch = self.xml("POST", f"job/{job['id']}/batch", soql, "text/csv")
        return job["id"], batch["id"]


def test_a_query_batch_completes_and_its_result_is_the_matching_rows(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    sf.Lead.create({"LastName": "Bulk One", "Company": "C", "Email": "bulk.one@example.com"})
    bulk = Bulk1(org)
    job_id, batch_id = bulk.query("SELECT Id, Email FROM Lead WHERE LastName = 'Bulk One'")
    status = bulk.xml("GET", f"job/{job_id}")
    assert (status["numberBatchesCompleted"], status["numberBatchesTotal"]) == ("1", "1")
    listed = _parse(bulk.call("GET", f"job/{job_id}/batch").content)
    assert [e.text for e in listed.iter(f"{NS}state")] == ["Completed"]
    assert bulk.xml("POST", f"job/{job_id}", CLOSE_DOC)["state"] == "Closed"
    results = _parse(bulk.call("GET", f"job/{job_id}/batch/{batch_id}/result").content)
    (result_id,) = [e.text for e in results.iter(f"{NS}result")]
    answer = bulk.call("GET", f"job/{job_id}/batch/{batch_id}/result/{result_id}")
    assert answer.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.text)))
    lead = sf.query("SELECT Id FROM Lead WHERE LastName = 'Bulk One'")["records"][0]["Id"]
    assert rows == [["Id", "Email"], [lead, "bulk.one@example.com"]]
    assert answer.text.splitlines()[1].startswith('"')  # every value quoted, as Salesforce writes them
    calls = org.control("calls")
    assert calls["bulk1.job.create"] >= 1 and calls["bulk1.batch.result"] >= 1


def test_a_query_matching_nothing_says_so_and_a_bad_query_fails_its_batch(org: LocalOrgHandle) -> None:
    bulk = Bulk1(org)
    job_id, batch_id = bulk.query("SELECT Id FROM Lead WHERE LastName = 'Nobody at all'")
    result_id = _parse(bulk.call("GET", f"job/{job_id}/batch/{batch_id}/result").content)[0].text
    assert bulk.call("GET", f"job/{job_id}/batch/{batch_id}/result/{result_id}").text == (
        "Records not found for this query"
    )
    job_id, batch_id = bulk.query("SELECT NoSuchField__c FROM Lead")
    batch = bulk.xml("GET", f"job/{job_id}/batch/{batch_id}")
    assert batch["state"] == "Failed"
    assert batch["stateMessage"].startswith("InvalidBatch : Failed to process query: INVALID_FIELD")


def test_bad_sessions_are_refused_with_the_error_document(org: LocalOrgHandle) -> None:
    bulk = Bulk1(org)
    bulk.http.headers["X-SFDC-Session"] = "not-a-session"
    refused = bulk.call("GET", "job/7505g0000000001AAA")
    assert refused.status_code == 400
    assert _parse(refused.content).findtext(f"{NS}exceptionCode") == "InvalidSessionId"


def test_pk_chunking_is_refused(org: LocalOrgHandle) -> None:
    bulk = Bulk1(org)
    bulk.http.headers["Sforce-Enable-PKChunking"] = "chunkSize=50000"
    refused = bulk.call("POST", "job", JOB_DOC.format(operation="query", sobject="Lead"))
    assert refused.status_code == 400
    assert _parse(refused.content).findtext(f"{NS}exceptionCode") == "InvalidJob"
