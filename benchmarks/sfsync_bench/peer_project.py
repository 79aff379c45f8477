"""The CumulusCI project the peer runs in: `cumulusci.yml`, the mapping, the dataset and its environment.

The dataset holds the same Lead rows the baselines send (`baselines.lead_rows`: every workspace row,
its company's name looked up by domain), as the SQL script `load_dataset` reads (`sql_path`). The
mapping upserts them on Lead by Email over the REST API (`action: etl_upsert`, `update_key: [Email]`,
`api: rest`): CumulusCI first reads every Lead's Id and Email from the org, joins them to the rows on
Email, then upserts on Id (a row without one is created).

The org connection comes from the environment (`CUMULUSCI_ORG_<name>`: instance URL, access token,
org and user ids), with token refresh off (`CUMULUSCI_DISABLE_REFRESH`), so there is no login flow;
requests trusts the local org's CA through `REQUESTS_CA_BUNDLE`. `HOME` is the run's own folder, so
CumulusCI's keychain files stay there; a fresh version-check stamp keeps `cci` from asking PyPI.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

import baselines

from sfsync_bench.org import BenchOrg
from sfsync_bench.snapshots import client, userinfo

ORG_NAME = "bench"
COLUMNS = ("Email", "FirstName", "LastName", "Title", "Phone", "Company", "Website", "LeadSource")
PROJECT = """\
project:
    name: SfsyncPeer
    package:
        name: SfsyncPeer
        api_version: "{api_version}"
"""
MAPPING = """\
Upsert Leads:
    sf_object: Lead
    table: Lead
    api: rest
    action: etl_upsert
    update_key: [Email]
    fields: [{fields}]
"""


def write_project(directory: Path, people: Path, companies: Path, api_version: str) -> int:
    """Write the project into `directory` (a new git repository: `cci` needs one); returns the rows loaded."""
    directory.mkdir(parents=True)
    subprocess.run(["git", "init", "--quiet", str(directory)], check=True)
    (directory / "cumulusci.yml").write_text(PROJECT.format(api_version=api_version), "utf-8")
    (directory / "mapping.yml").write_text(MAPPING.format(fields=", ".join(COLUMNS)), "utf-8")
    rows = list(baselines.lead_rows(people, companies))
    (directory / "dataset.sql").write_text(dataset_sql(rows), "utf-8")
    return len(rows)


def dataset_sql(rows: Iterable[Mapping[str, str]]) -> str:
    """The rows as the SQL script CumulusCI's datasets are (one `Lead` table, a local `id` per row)."""
    db = sqlite3.connect(":memory:")
    columns = ", ".join(f'"{c}" VARCHAR(255)' for c in COLUMNS)
    db.execute(f'CREATE TABLE "Lead" (id INTEGER NOT NULL PRIMARY KEY, {columns})')
    marks = ", ".join("?" for _ in range(len(COLUMNS) + 1))
    values = ((number, *(row.get(c) for c in COLUMNS)) for number, row in enumerate(rows, 1))
    db.executemany(f'INSERT INTO "Lead" VALUES ({marks})', values)
    db.commit()
    return "\n".join(db.iterdump()) + "\n"


def environment(org: BenchOrg, home: Path) -> dict[str, str]:
    """What `cci` needs to reach the local org as the integration user, with no login and no PyPI check."""
    c = org.connection
    info = userinfo(client(org))
    connection = {
        "instance_url": c.instance_url,
        "access_token": c.access_token,
        "org_id": info["organization_id"],
        "id": info["sub"],
        "username": c.username,
    }
    (home / ".cumulusci").mkdir(parents=True, exist_ok=True)
    (home / ".cumulusci" / "cumulus_timestamp").write_text(str(time.time()), "utf-8")
    return {
        "HOME": str(home),
        f"CUMULUSCI_ORG_{ORG_NAME}": json.dumps(connection),
        "CUMULUSCI_DISABLE_REFRESH": "1",
        "REQUESTS_CA_BUNDLE": c.ca_file,
        "NO_COLOR": "1",
        "COLUMNS": "160",
    }


def load_dataset_argv(cci: Path) -> list[str]:
    """`cci task run load_dataset` against the environment's org, with the project's mapping and dataset."""
    options = ["-o", "mapping", "mapping.yml", "-o", "sql_path", "dataset.sql"]
    return [str(cci), "task", "run", "load_dataset", "--org", ORG_NAME, *options]
