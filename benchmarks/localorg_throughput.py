"""Local org throughput, measured with the real simple-salesforce over HTTPS (run on demand, not a test).

    .venv/bin/python benchmarks/localorg_throughput.py [--records 20000] [--bulk-rows 100000] [--million]

Seeds `--records` leads, then measures sObject Collections create throughput (records/s), the
latency of a 2,000-row query page, and one Bulk API 2.0 ingest job of `--bulk-rows` rows.
`--million` also bulk-loads leads until the org holds 1,000,000 of them and times a query page there.
Goals: >= 5,000 records/s through Collections, <= 100 ms per 2,000-row page, 1M records storable.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests
from simple_salesforce import Salesforce

from sfsync.localorg.seed import DEFAULT_SEED, load_seed
from sfsync.localorg.server import RunningOrg, start_in_background

SEED = DEFAULT_SEED
COLLECTION_SIZE = 200
PAGE_SOQL = "SELECT Id, FirstName, LastName, Email, Company, Status, CreatedDate FROM Lead"


@contextmanager
def running_org(data_dir: Path) -> Iterator[RunningOrg]:
    running = start_in_background(data_dir, load_seed(SEED))
    try:
        yield running
    finally:
        running.stop()


def client(running: RunningOrg) -> Salesforce:
    session = requests.Session()
    session.verify = running.connection.ca_file
    session.trust_env = False  # REQUESTS_CA_BUNDLE would override `verify`
    connection = running.connection
    return Salesforce(instance_url=connection.instance_url, session_id=connection.access_token, session=session)


def bulk_load(sf: Salesforce, count: int, prefix: str, directory: Path) -> tuple[float, float]:
    """Insert `count` leads in one Bulk API 2.0 job: (seconds the client waited, seconds the org worked)."""
    path = directory / f"{prefix}.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("LastName,Company,Email\n")
        handle.writelines(f"{prefix}{i},Company {i % 500},{prefix}{i}@bench.example\n" for i in range(count))
    started = time.perf_counter()
    [summary] = sf.bulk2.Lead.insert(csv_file=str(path), wait=0)
    elapsed = time.perf_counter() - started
    if summary["numberRecordsFailed"]:
        raise SystemExit(f"bulk load of {count} rows had {summary['numberRecordsFailed']} failures")
    job = sf.restful(f"jobs/ingest/{summary['job_id']}")
    return elapsed, job["totalProcessingTime"] / 1000


def collections_rate(sf: Salesforce, requests_count: int) -> float | None:
    """Records per second created through `POST composite/sobjects`, 200 per request; None if not served."""
    created = 0
    started = time.perf_counter()
    for batch in range(requests_count):
        records = [
            {"attributes": {"type": "Lead"}, "LastName": f"Coll{batch}-{i}", "Company": "Collections"}
            for i in range(COLLECTION_SIZE)
        ]
        try:
            results = sf.restful("composite/sobjects", method="POST", json={"allOrNone": False, "records": records})
        except Exception as error:  # the endpoint may be missing from this build of the org
            print(f"  collections unavailable: {type(error).__name__}")
            return None
        created += sum(1 for r in results if r.get("success"))
    return created / (time.perf_counter() - started)


def page_latency_ms(sf: Salesforce, runs: int = 7) -> tuple[float, int]:
    """Median milliseconds of the first and a following page (2,000 rows each) of a lead query."""
    timings: list[float] = []
    size = 0
    for _ in range(runs):
        first, first_ms = timed(lambda: sf.query(PAGE_SOQL))
        timings.append(first_ms)
        size = len(first["records"])
        if first.get("nextRecordsUrl"):
            _, next_ms = timed(lambda url=first["nextRecordsUrl"]: sf.query_more(url, identifier_is_url=True))
            timings.append(next_ms)
    return statistics.median(timings), size


def timed(action: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = action()
    return result, (time.perf_counter() - started) * 1000


def verdict(ok: bool) -> str:
    return "ok" if ok else "BELOW GOAL"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--records", type=int, default=20_000, help="leads seeded before measuring")
    parser.add_argument("--bulk-rows", type=int, default=100_000, help="rows in the measured bulk ingest job")
    parser.add_argument("--collections-requests", type=int, default=50, help="Collections requests of 200 records")
    parser.add_argument("--million", action="store_true", help="also fill the org to 1,000,000 leads")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="localorg-bench-") as scratch, running_org(Path(scratch) / "org") as org:
        sf = client(org)
        directory = Path(scratch)
        print(f"seeding {args.records:,} leads ...")
        bulk_load(sf, args.records, "seed", directory)

        rate = collections_rate(sf, args.collections_requests)
        if rate is not None:
            print(f"collections create: {rate:,.0f} records/s  (goal >= 5,000: {verdict(rate >= 5000)})")

        latency, size = page_latency_ms(sf)
        print(f"query page ({size:,} rows): {latency:.1f} ms median  (goal <= 100 ms: {verdict(latency <= 100)})")

        waited, worked = bulk_load(sf, args.bulk_rows, "bulk", directory)
        print(
            f"bulk ingest {args.bulk_rows:,} rows: {waited:.1f} s as the client polled, {worked:.1f} s processing "
            f"({args.bulk_rows / worked:,.0f} rows/s)"
        )

        if args.million:
            total = sf.query("SELECT COUNT() FROM Lead")["totalSize"]
            missing = max(0, 1_000_000 - total)
            seconds = bulk_load(sf, missing, "million", directory)[0] if missing else 0.0
            total = sf.query("SELECT COUNT() FROM Lead")["totalSize"]
            latency, size = page_latency_ms(sf, runs=3)
            print(f"1M: {total:,} leads stored (+{missing:,} in {seconds:.0f} s); page of {size:,}: {latency:.1f} ms")


if __name__ == "__main__":
    main()
