"""The real CumulusCI (`cci`) against the local org, unchanged: connecting, `query`, `load_dataset`,
`extract_dataset`.

CumulusCI connects as a CI job does (JWT, from the environment), so every command first makes the
organisation lookups of its connect: the token, userinfo, the API versions and the Organization row.
Each test reads what `cci` wrote (files) or did (records, read back through the org's REST API).
"""

from __future__ import annotations

import csv
import json
import re
import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
from cumulusci_client import ORG_NAME, CumulusCI

from sfsync.localorg.testing import LocalOrgHandle

pytestmark = [pytest.mark.org, pytest.mark.xdist_group("node-clients")]

MAPPING = """\
Upsert Accounts:
    sf_object: Account
    table: Account
    api: {api}
    action: etl_upsert
    update_key: [Name]
    fields: [Name, Industry, Website]
Upsert Contacts:
    sf_object: Contact
    table: Contact
    api: {api}
    action: etl_upsert
    update_key: [Email]
    fields: [FirstName, LastName, Email, Title]
    lookups:
        AccountId:
            table: Account
"""
# The dataset as the SQL script CumulusCI's datasets are: a local id per row, lookups by those ids.
# Acme Corp and Grace Hopper are in the seed (so they are updated), Initech and Peter Gibbons are not.
DATASET = """\
BEGIN TRANSACTION;
CREATE TABLE "Account" (id VARCHAR(255) NOT NULL, "Name" VARCHAR(255), "Industry" VARCHAR(255),
    "Website" VARCHAR(255), PRIMARY KEY (id));
INSERT INTO "Account" VALUES('Account-1','Acme Corp','Energy','https://acme.example');
INSERT INTO "Account" VALUES('Account-2','Initech','Banking','https://initech.example');
CREATE TABLE "Contact" (id VARCHAR(255) NOT NULL, "FirstName" VARCHAR(255), "LastName" VARCHAR(255),
    "Email" VARCHAR(255), "Title" VARCHAR(255), "AccountId" VARCHAR(255), PRIMARY KEY (id));
INSERT INTO "Contact" VALUES('Contact-1','Grace','Hopper','grace@acme.example','Rear Admiral','Account-1');
INSERT INTO "Contact" VALUES('Contact-2','Peter','Gibbons','peter@initech.example','Engineer','Account-2');
COMMIT;
"""
EXTRACT_MAPPING = """\
Accounts:
    sf_object: Account
    table: Account
    fields: [Name, Website]
Contacts:
    sf_object: Contact
    table: Contact
    fields: [FirstName, LastName, Email]
    lookups:
        AccountId:
            table: Account
"""


@pytest.fixture
def org(local_org: LocalOrgHandle) -> Iterator[LocalOrgHandle]:
    """The shared org from its seed; the seed again after."""
    local_org.reset()
    yield local_org
    local_org.reset()


def rest_query(org: LocalOrgHandle, soql: str) -> list[dict[str, Any]]:
    """Every record of `soql`, read through the org's REST API (the check, not CumulusCI)."""
    records: list[dict[str, Any]] = org.simple_salesforce().query_all(soql)["records"]
    return records


def test_connects_from_the_environment_with_the_organisation_lookups(cci: CumulusCI, org: LocalOrgHandle) -> None:
    [organization] = rest_query(org, "SELECT Id, OrganizationType, InstanceName FROM Organization")
    info = cci.org_info()
    assert (info["org_type"], info["instance_name"], info["is_sandbox"]) == (
        organization["OrganizationType"],
        organization["InstanceName"],
        False,
    )
    assert info["namespace"] is None and info["username"] == org.username
    assert info["instance_url"] == org.instance_url
    assert info["id"].endswith(f"/id/{organization['Id']}/{info['userinfo']['user_id']}")
    assert info["userinfo"]["preferred_username"] == org.username
    assert info["userinfo"]["organization_id"] == organization["Id"]
    latest = org.session().get(f"{org.instance_url}/services/data").json()[-1]["version"]
    table = re.sub(r"\x1b\[[0-9;]*m", "", cci.run("org", "info", ORG_NAME).stdout)  # rich bolds names
    shown = [line.split() for line in table.splitlines()]
    assert ["api_version", latest] in shown  # the table (not the JSON) shows the version CumulusCI settled on


def test_connects_with_an_access_token_and_no_refresh(cci: CumulusCI, org: LocalOrgHandle) -> None:
    # The other way a CI job may give CumulusCI an org: a ready session, with token refresh off.
    userinfo = org.session().get(
        f"{org.instance_url}/services/oauth2/userinfo", headers={"Authorization": f"Bearer {org.access_token}"}
    )
    connection = {"instance_url": org.instance_url, "access_token": org.access_token, "id": userinfo.json()["sub"]}
    env = {f"CUMULUSCI_ORG_{ORG_NAME}": json.dumps(connection), "CUMULUSCI_DISABLE_REFRESH": "1"}
    info = cci.org_info(env)
    assert (info["org_type"], info["instance_name"]) == ("Developer Edition", "LOCAL")
    assert info["userinfo"]["preferred_username"] == org.username


def test_query_task_writes_a_csv_of_the_records(cci: CumulusCI, org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    for n in range(3):
        sf.Account.create({"Name": f"Queried {n}", "Industry": "Energy", "NumberOfEmployees": n * 10})
    soql = "SELECT Id, Name, Industry, NumberOfEmployees FROM Account WHERE Industry = 'Energy' ORDER BY Name"
    done = cci.task("query", object="Account", query=soql, result_file="accounts.csv")
    assert "Wrote results to: accounts.csv" in done.output
    with (cci.project / "accounts.csv").open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    expected = [
        {"Id": r["Id"], "Name": r["Name"], "Industry": "Energy", "NumberOfEmployees": str(r["NumberOfEmployees"])}
        for r in rest_query(org, soql)
    ]
    assert rows == expected and [r["Name"] for r in rows] == ["Queried 0", "Queried 1", "Queried 2"]


@pytest.mark.parametrize(
    ("api", "rollback"), [("rest", "False"), ("bulk", "False"), ("bulk", "True")], ids=["rest", "bulk", "bulk-rollback"]
)
def test_load_dataset_upserts_by_key_with_the_account_lookup(
    cci: CumulusCI, org: LocalOrgHandle, api: str, rollback: str
) -> None:
    # `api: bulk` is Bulk API 1.0 ingest (CSV batches through `salesforce-bulk`), `rest` sObject Collections;
    # `enable_rollback` first reads the rows' current values with a Bulk API 1.0 JSON query job per step
    before = {r["Name"]: r["Id"] for r in rest_query(org, "SELECT Id, Name FROM Account")}
    grace_id = rest_query(org, "SELECT Id FROM Contact WHERE Email = 'grace@acme.example'")[0]["Id"]
    results_read = org.control("calls").get("bulk1.batch.results", 0)
    (cci.project / "mapping.yml").write_text(MAPPING.format(api=api), "utf-8")
    (cci.project / "dataset.sql").write_text(DATASET, "utf-8")
    for _ in range(2):  # the second load finds every row by its key: it updates, and creates nothing
        done = cci.task("load_dataset", mapping="mapping.yml", sql_path="dataset.sql", enable_rollback=rollback)
        assert "Prepared 2 rows for etl_upsert to Contact" in done.output
        assert "Cannot set recently viewed status" not in done.output  # its `FOR VIEW` queries are answered
        if api == "bulk":  # one Bulk job per step, one batch each
            assert done.output.count("Uploading batch 1") == 2
            assert done.output.count("finished with result: Success") == 2
            assert done.output.count("Querying batch 1") == (2 if rollback == "True" else 0)
    accounts = {r["Name"]: r for r in rest_query(org, "SELECT Id, Name, Industry, Website FROM Account")}
    assert set(accounts) == {*before, "Initech"} and accounts["Acme Corp"]["Id"] == before["Acme Corp"]
    assert (accounts["Acme Corp"]["Industry"], accounts["Initech"]["Industry"]) == ("Energy", "Banking")
    assert accounts["Initech"]["Website"] == "https://initech.example"
    contacts = {r["Email"]: r for r in rest_query(org, "SELECT Id, Email, Title, AccountId, Account.Name FROM Contact")}
    assert set(contacts) == {"grace@acme.example", "peter@initech.example"}
    grace, peter = contacts["grace@acme.example"], contacts["peter@initech.example"]
    assert (grace["Id"], grace["Title"], grace["AccountId"]) == (grace_id, "Rear Admiral", before["Acme Corp"])
    assert (peter["Title"], peter["AccountId"], peter["Account"]["Name"]) == (
        "Engineer",
        accounts["Initech"]["Id"],
        "Initech",
    )
    if api == "bulk":  # each batch's results were read: four batches over the two loads (and four queries)
        assert org.control("calls").get("bulk1.batch.results", 0) - results_read == (8 if rollback == "True" else 4)


def test_extract_dataset_writes_the_records_and_their_lookups(cci: CumulusCI, org: LocalOrgHandle) -> None:
    (cci.project / "extract.yml").write_text(EXTRACT_MAPPING, "utf-8")
    cci.task("extract_dataset", mapping="extract.yml", database_url="sqlite:///extracted.db")
    db = sqlite3.connect(cci.project / "extracted.db")
    try:
        accounts = dict(db.execute('SELECT id, "Name" FROM "Account"').fetchall())
        contacts = db.execute('SELECT "Email", "AccountId" FROM "Contact" ORDER BY "Email"').fetchall()
        websites = dict(db.execute('SELECT "Name", "Website" FROM "Account"').fetchall())
    finally:
        db.close()
    in_org = rest_query(org, "SELECT Name, Website FROM Account")
    assert sorted(accounts.values()) == sorted(r["Name"] for r in in_org)
    assert websites == {r["Name"]: r["Website"] or "" for r in in_org}
    emails = {r["Email"]: r["Account"] for r in rest_query(org, "SELECT Email, Account.Name FROM Contact")}
    assert [email for email, _ in contacts] == sorted(emails)
    for email, account_row in contacts:
        expected = emails[email]["Name"] if emails[email] else None
        assert (accounts.get(account_row) if account_row else None) == expected
