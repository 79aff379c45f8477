"""The usual alternatives to sfsync, written with simple-salesforce the way integration scripts are.

    python benchmarks/baselines.py per-record --people people.csv --companies companies.csv [--limit N]
    python benchmarks/baselines.py blind-bulk --people people.csv --companies companies.csv

- `per-record`: for each row, query the Lead by email, then update the first match or create one,
  record by record. It overwrites what people typed and creates duplicates when a query misses.
- `blind-bulk`: one Bulk API 2.0 upsert of every row on `Sfsync_Id__c` (the lower-cased email),
  reading nothing first: the speed reference, and unsafe (human edits overwritten, duplicates made).

Connects with SF_INSTANCE_URL, SF_ACCESS_TOKEN and SF_CA_BUNDLE; prints one JSON line of outcomes.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceError

EXTERNAL_ID = "Sfsync_Id__c"
BULK_POLL_SECONDS = 1.0  # the same pause sfsync's adapter makes before polling a Bulk job


def connect() -> Salesforce:
    session = requests.Session()
    session.verify = os.environ["SF_CA_BUNDLE"]
    session.trust_env = False  # REQUESTS_CA_BUNDLE would override `verify`
    return Salesforce(
        instance_url=os.environ["SF_INSTANCE_URL"], session_id=os.environ["SF_ACCESS_TOKEN"], session=session
    )


def lead_rows(people: Path, companies: Path) -> Iterator[dict[str, str]]:
    """Each person row as Lead fields, with the company's name looked up by domain."""
    with companies.open(encoding="utf-8", newline="") as handle:
        names = {row["Domain"]: row["Name"] for row in csv.DictReader(handle)}
    with people.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            domain = row["Company Domain"]
            yield {
                "Email": row["Email"],
                "FirstName": row["First Name"],
                "LastName": row["Last Name"],
                "Title": row["Title"],
                "Phone": row["Work Phone"],
                "Company": names.get(domain) or "[not provided]",
                "Website": domain,
                "LeadSource": "Web",
            }


def per_record(sf: Salesforce, rows: Iterator[dict[str, str]], limit: int | None) -> dict[str, int]:
    outcomes: Counter[str] = Counter()
    for number, lead in enumerate(rows):
        if limit is not None and number >= limit:
            break
        email = lead["Email"].replace("\\", "\\\\").replace("'", "\\'")
        found = sf.query(f"SELECT Id FROM Lead WHERE Email = '{email}' LIMIT 1")["records"]
        try:
            if found:
                sf.Lead.update(found[0]["Id"], lead)
                outcomes["updated"] += 1
            else:
                sf.Lead.create(lead)
                outcomes["created"] += 1
        except SalesforceError as error:  # a script logs the failure and goes on with the next row
            outcomes[f"failed {_error_code(error)}"] += 1
    return dict(outcomes)


def _error_code(error: SalesforceError) -> str:
    content = error.content
    first = content[0] if isinstance(content, list) and content else {}
    return str(first.get("errorCode", "")) if isinstance(first, dict) else ""


def blind_bulk(sf: Salesforce, rows: Iterator[dict[str, str]], explain: bool) -> dict[str, int]:
    latest = {lead["Email"].lower(): lead for lead in rows}  # one row per external id, the later wins
    with tempfile.TemporaryDirectory(prefix="blind-bulk-") as scratch:
        path = Path(scratch) / "leads.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, [EXTERNAL_ID, *next(iter(latest.values()))])
            writer.writeheader()
            writer.writerows({EXTERNAL_ID: key, **lead} for key, lead in latest.items())
        jobs: list[dict[str, Any]] = sf.bulk2.Lead.upsert(
            csv_file=str(path), external_id_field=EXTERNAL_ID, wait=BULK_POLL_SECONDS
        )
    failed = sum(int(job["numberRecordsFailed"]) for job in jobs)
    processed = sum(int(job["numberRecordsProcessed"]) for job in jobs)
    outcomes = {"written": processed - failed, "failed": failed, "jobs": len(jobs)}
    for job in jobs if failed and explain else ():
        for row in csv.DictReader(sf.bulk2.Lead.get_failed_records(job["job_id"]).splitlines()):
            code = row.get("sf__Error", "").split(":", 1)[0]
            outcomes[f"failed {code}"] = outcomes.get(f"failed {code}", 0) + 1
    return outcomes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("kind", choices=("per-record", "blind-bulk"))
    parser.add_argument("--people", type=Path, required=True)
    parser.add_argument("--companies", type=Path, required=True)
    parser.add_argument("--limit", type=int, default=None, help="per-record: stop after this many rows")
    parser.add_argument(
        "--explain-failures", action="store_true", help="blind-bulk: fetch the failed rows' error codes (one more call)"
    )
    args = parser.parse_args()
    sf = connect()
    rows = lead_rows(args.people, args.companies)
    outcomes = (
        per_record(sf, rows, args.limit) if args.kind == "per-record" else blind_bulk(sf, rows, args.explain_failures)
    )
    sys.stdout.write(json.dumps(outcomes) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
