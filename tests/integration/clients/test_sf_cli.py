"""The real Salesforce CLI (`sf`) against the local org, unchanged: queries, records, describes, the org.

The CLI is slow to start, so each test runs few commands and checks everything they show.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from node_clients import NodeClients

from sfsync.localorg.testing import LocalOrgHandle

pytestmark = [pytest.mark.org, pytest.mark.xdist_group("node-clients")]

MANY = 2_150  # more than one query page (2,000 rows)


@pytest.fixture(scope="module")
def org(local_org: LocalOrgHandle) -> Iterator[LocalOrgHandle]:
    """The shared org from its seed, with MANY extra Accounts named `Many NNNN`; the seed again after."""
    local_org.reset()
    session = local_org.session()
    session.headers["Authorization"] = f"Bearer {local_org.access_token}"
    url = f"{local_org.instance_url}/services/data/v{local_org.api_version}/composite/sobjects"
    for start in range(0, MANY, 200):
        records = [
            {"attributes": {"type": "Account"}, "Name": f"Many {n:04d}", "Industry": "Energy"}
            for n in range(start, min(MANY, start + 200))
        ]
        response = session.post(url, json={"allOrNone": True, "records": records})
        assert response.status_code == 200 and all(r["success"] for r in response.json())
    yield local_org
    local_org.reset()


def query(clients: NodeClients, org: LocalOrgHandle, soql: str, *flags: str, target: str = "") -> dict[str, Any]:
    """`sf data query` on the org by its access token (or on `target`, an alias)."""
    command = ("data", "query", "-q", soql, "-o", target or org.access_token, *flags)
    result: dict[str, Any] = clients.sf(*command)["result"]
    return result


def test_query_plain_relationship_fields_and_subquery(clients: NodeClients, org: LocalOrgHandle) -> None:
    soql = "SELECT Id, Name, Owner.Name, (SELECT LastName FROM Contacts) FROM Account WHERE Name = 'Acme Corp'"
    result = query(clients, org, soql)
    assert result["totalSize"] == 1 and result["done"] is True
    [record] = result["records"]
    assert record["Name"] == "Acme Corp" and len(record["Id"]) == 18
    assert record["Owner"]["Name"] == "Ada Lovelace"
    assert [c["LastName"] for c in record["Contacts"]["records"]] == ["Hopper"]


def test_query_count_and_more_than_one_page(clients: NodeClients, org: LocalOrgHandle) -> None:
    assert query(clients, org, "SELECT COUNT() FROM Account WHERE Name LIKE 'Many %'")["totalSize"] == MANY
    result = query(clients, org, "SELECT Id, Name FROM Account WHERE Name LIKE 'Many %' ORDER BY Name")
    names = [r["Name"] for r in result["records"]]
    assert result["totalSize"] == MANY and names == [f"Many {n:04d}" for n in range(MANY)]


def test_query_all_rows_sees_the_recycle_bin(clients: NodeClients, org: LocalOrgHandle) -> None:
    created = clients.sf("data", "create", "record", "-s", "Account", "-v", "Name='Binned Co'", "-o", org.access_token)
    record_id = created["result"]["id"]
    clients.sf("data", "delete", "record", "-s", "Account", "-i", record_id, "-o", org.access_token)
    soql = f"SELECT Id, IsDeleted FROM Account WHERE Id = '{record_id}'"  # noqa: S608 - SOQL sent to the org
    assert query(clients, org, soql)["totalSize"] == 0
    rows = query(clients, org, soql, "--all-rows")["records"]
    assert [(r["Id"], r["IsDeleted"]) for r in rows] == [(record_id, True)]


def test_query_result_formats_csv_and_json(clients: NodeClients, org: LocalOrgHandle) -> None:
    soql = "SELECT Name, Owner.Name FROM Account WHERE Name IN ('Acme Corp', 'Globex') ORDER BY Name"
    text = clients.sf_text("data", "query", "-q", soql, "-o", org.access_token, "--result-format", "csv")
    lines = [line for line in text.splitlines() if "," in line]
    assert lines == ["Name,Owner.Name", "Acme Corp,Ada Lovelace", "Globex,Sfsync Integration"]
    grouped = "SELECT Industry, COUNT(Id) total FROM Account WHERE Name LIKE 'Many %' GROUP BY Industry"
    text = clients.sf_text("data", "query", "-q", grouped, "-o", org.access_token, "--result-format", "csv")
    assert [line for line in text.splitlines() if "," in line] == ["Industry,total", f"Energy,{MANY}"]
    as_json = clients.sf_text("data", "query", "-q", soql, "-o", org.access_token, "--result-format", "json")
    assert '"Name": "Acme Corp"' in as_json and '"totalSize": 2' in as_json


def test_record_create_get_update_delete(clients: NodeClients, org: LocalOrgHandle) -> None:
    token = org.access_token
    values = "Name='Record Co' Industry=Banking NumberOfEmployees=12"
    created = clients.sf("data", "create", "record", "-s", "Account", "-v", values, "-o", token)["result"]
    assert created["success"] is True and created["errors"] == []
    record_id = created["id"]
    clients.sf("data", "update", "record", "-s", "Account", "-i", record_id, "-v", "Industry=Energy", "-o", token)
    got = clients.sf("data", "get", "record", "-s", "Account", "-i", record_id, "-o", token)["result"]
    assert (got["Name"], got["Industry"], got["NumberOfEmployees"]) == ("Record Co", "Energy", 12)
    by_where = clients.sf("data", "get", "record", "-s", "Account", "-w", "Name='Record Co'", "-o", token)
    assert by_where["result"]["Id"] == record_id
    clients.sf("data", "delete", "record", "-s", "Account", "-i", record_id, "-o", token)
    missing = clients.sf("data", "get", "record", "-s", "Account", "-i", record_id, "-o", token, expect_error=True)
    assert "ENTITY_IS_DELETED" in str(missing)


def test_sobject_describe_and_list(clients: NodeClients, org: LocalOrgHandle) -> None:
    described = clients.sf("sobject", "describe", "-s", "Account", "-o", org.access_token)["result"]
    assert described["name"] == "Account" and described["keyPrefix"] == "001"
    assert {"Id", "Name", "OwnerId"} <= {f["name"] for f in described["fields"]}
    listed = clients.sf("sobject", "list", "--sobject", "all", "-o", org.access_token)["result"]
    assert {"Account", "Contact", "Lead", "Opportunity", "User"} <= set(listed)


def test_org_display_and_limits(clients: NodeClients, org: LocalOrgHandle) -> None:
    shown = clients.sf("org", "display", "-o", org.access_token)["result"]
    assert shown["connectedStatus"] == "Connected" and shown["instanceUrl"] == org.instance_url
    assert shown["id"].startswith("00D")
    limits = {row["name"]: row for row in clients.sf("org", "list", "limits", "-o", org.access_token)["result"]}
    daily = limits["DailyApiRequests"]
    assert daily["max"] > 0 and 0 < daily["remaining"] < daily["max"]


def test_login_with_an_access_token_then_use_the_alias(
    clients: NodeClients, org: LocalOrgHandle, tmp_path: Path
) -> None:
    login = ("org", "login", "access-token", "-r", org.instance_url, "--no-prompt", "-a", "local")
    logged = clients.sf(*login, env={"SF_ACCESS_TOKEN": org.access_token})["result"]
    assert logged["username"] == org.username and logged["orgId"].startswith("00D")
    result = query(clients, org, "SELECT Name FROM Account WHERE Name = 'Globex'", target="local")
    assert [r["Name"] for r in result["records"]] == ["Globex"]
