"""A local org seeded with a dataset, and the control API calls the benchmarks make.

The dataset's records are part of the org's seed, so `reset()` puts the org back in the dataset's
state in milliseconds (a table copy from the seed snapshot) before every measured run.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

from sfsync.localorg.seed import DEFAULT_SEED, Seed, SeedRecord, load_seed
from sfsync.localorg.server import Connection, start_in_background

ROOT = Path(__file__).resolve().parents[2]
BASE_SEED = DEFAULT_SEED
AUTH_PREFIX = "auth."


class BenchOrg:
    """A running org as the harness sees it: connection details and the control API."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self._control = requests.Session()
        self._control.verify = connection.ca_file
        self._control.trust_env = False  # REQUESTS_CA_BUNDLE would override `verify`
        self._control.headers["Authorization"] = f"Bearer {connection.admin_token}"

    def control(self, path: str, method: str = "GET", json: Any = None) -> Any:
        response = self._control.request(method, f"{self.connection.control_url}/{path}", json=json, timeout=600)
        response.raise_for_status()
        return response.json()

    def reset(self) -> None:
        self.control("reset", "POST")

    def block_duplicate_leads(self) -> None:
        """The org's Lead duplicate rule blocks on create instead of alerting (an admin's choice; Salesforce's
        standard rule alerts): sfsync then sends the Leads' creates in one job (engine/planning/create_jobs)."""
        rules = self.control("duplicate-rules")
        for rule in rules:
            if rule["object"] == "Lead":
                rule["action"] = "block"
        self.control("duplicate-rules", "PUT", rules)

    def clear_calls(self) -> None:
        self.control("calls", "DELETE")

    def calls(self) -> dict[str, int]:
        """API calls per endpoint since the last clear; logins (`auth.*`) are not API calls."""
        counters = self.control("calls")
        counters.pop("api_usage", None)
        return {name: int(n) for name, n in counters.items() if not name.startswith(AUTH_PREFIX) and n}

    def live_counts(self) -> dict[str, int]:
        return {name: int(entry["live"]) for name, entry in self.control("counts").items()}

    def environment(self) -> dict[str, str]:
        """What `sfsync` and the baselines read: the benchmark config's `${VAR}`s."""
        c = self.connection
        return {
            "SF_INSTANCE_URL": c.instance_url,
            "SF_USERNAME": c.username,
            "SF_PASSWORD": c.password,
            "SF_SECURITY_TOKEN": c.security_token,
            "SF_CA_BUNDLE": c.ca_file,
            "SF_ACCESS_TOKEN": c.access_token,
        }


def seeded(records: Iterator[SeedRecord]) -> Seed:
    base = load_seed(BASE_SEED)
    # The dataset's records were made over the last month, not in the second before the run: what a real org's
    # incremental reads and apply's Bulk check (records changed since the plan) see.
    return dataclasses.replace(base, records=(*base.records, *records), api_limit=1_000_000_000, history_days=30)


@contextmanager
def running_org(data_dir: Path, records: Iterator[SeedRecord]) -> Iterator[BenchOrg]:
    running = start_in_background(data_dir, seeded(records))
    try:
        yield BenchOrg(running.connection)
    finally:
        running.stop()
