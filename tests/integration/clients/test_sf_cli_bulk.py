"""The Salesforce CLI's Bulk API 2.0 and sObject Tree commands against the local org, with CSV and JSON files."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from node_clients import NodeClients

from sfsync.localorg.testing import LocalOrgHandle

pytestmark = [pytest.mark.org, pytest.mark.xdist_group("node-clients")]


@pytest.fixture
def org(local_org: LocalOrgHandle) -> Iterator[LocalOrgHandle]:
    local_org.reset()
    yield local_org
    local_org.reset()


def test_upsert_import_and_export_bulk_with_csv_files(
    clients: NodeClients, org: LocalOrgHandle, tmp_path: Path
) -> None:
    token = org.access_token
    upserts = tmp_path / "upsert.csv"
    upserts.write_text("Name,Sfsync_Id__c,Industry\nBulk One,b-1,Energy\nBulk Two,b-2,Banking\n")
    flags = ("-s", "Account", "-w", "5", "-o", token)
    upserted = clients.sf("data", "upsert", "bulk", "-f", str(upserts), "-i", "Sfsync_Id__c", *flags, cwd=tmp_path)
    assert upserted["result"]["jobInfo"]["state"] == "JobComplete"
    assert [r["sf__Created"] for r in upserted["result"]["records"]["successfulResults"]] == ["true", "true"]
    imports = tmp_path / "import.csv"
    imports.write_text("Name,Industry\nImported One,Energy\nImported Two,\n")
    imported = clients.sf("data", "import", "bulk", "-f", str(imports), *flags, cwd=tmp_path)["result"]
    assert (imported["processedRecords"], imported["successfulRecords"], imported["failedRecords"]) == (2, 2, 0)
    soql = "SELECT Id, Name, Industry, IsDeleted FROM Account WHERE Name LIKE 'Bulk %' OR Name LIKE 'Imported %'"
    exported = clients.sf(
        "data", "export", "bulk", "-q", soql, "--output-file", "out.csv", "--result-format", "csv",
        "-w", "5", "-o", token, cwd=tmp_path,
    )  # fmt: skip
    assert exported["result"]["totalSize"] == 4
    with (tmp_path / "out.csv").open(newline="") as file:
        rows = sorted((r["Name"], r["Industry"], r["IsDeleted"]) for r in csv.DictReader(file))
    assert rows == [
        ("Bulk One", "Energy", "false"),
        ("Bulk Two", "Banking", "false"),
        ("Imported One", "Energy", "false"),
        ("Imported Two", "", "false"),
    ]


def test_tree_export_and_import_as_a_plan_and_nested(clients: NodeClients, org: LocalOrgHandle, tmp_path: Path) -> None:
    token = org.access_token
    soql = "SELECT Id, Name, (SELECT FirstName, LastName FROM Contacts) FROM Account WHERE Name = 'Acme Corp'"
    clients.sf("data", "tree", "export", "-q", soql, "-d", "plan", "-p", "-o", token, cwd=tmp_path)
    accounts = tmp_path / "plan" / "Account.json"
    accounts.write_text(accounts.read_text().replace("Acme Corp", "Acme Planned"))
    plan = str(tmp_path / "plan" / "Account-Contact-plan.json")
    planned = clients.sf("data", "tree", "import", "-p", plan, "-o", token, cwd=tmp_path)["result"]
    assert [(r["refId"], r["type"]) for r in planned] == [("AccountRef1", "Account"), ("ContactRef1", "Contact")]
    clients.sf("data", "tree", "export", "-q", soql, "-d", "nested", "-o", token, cwd=tmp_path)
    [nested] = (tmp_path / "nested").glob("*.json")
    nested.write_text(nested.read_text().replace("Acme Corp", "Acme Nested"))
    clients.sf("data", "tree", "import", "-f", str(nested), "-o", token, cwd=tmp_path)
    check = "SELECT Name, (SELECT LastName FROM Contacts) FROM Account WHERE Name LIKE 'Acme %' ORDER BY Name"
    records = clients.sf("data", "query", "-q", check, "-o", token)["result"]["records"]
    found = [(r["Name"], [c["LastName"] for c in (r["Contacts"] or {"records": []})["records"]]) for r in records]
    assert found == [("Acme Corp", ["Hopper"]), ("Acme Nested", ["Hopper"]), ("Acme Planned", ["Hopper"])]
    assert json.loads(nested.read_text())["records"][0]["Contacts"]["records"][0]["LastName"] == "Hopper"
