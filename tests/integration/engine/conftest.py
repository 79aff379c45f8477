"""Engine scenarios against the local org over HTTPS: the real adapter, a fresh store per test."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "unit" / "engine"))

from engine_support import HEADER, add_companies, add_people  # noqa: F401 - re-exported for the tests

from sfsync.config import LoadedConfig, load_config
from sfsync.localorg import seeding
from sfsync.localorg.faults import parse_rules
from sfsync.localorg.testing import LocalOrgHandle, local_org  # noqa: F401 - the shared fixture
from sfsync.salesforce.adapter import SalesforceAdapter
from sfsync.salesforce.auth import Credentials
from sfsync.salesforce.retry import RetryPolicy
from sfsync.salesforce.soql import literal, select
from sfsync.store import Store, open_store

FAST = RetryPolicy(attempts=3, initial_wait=0.001, max_wait=0.002, jitter=0.001)


@dataclass
class Org:
    """The shared local org as a scenario drives it: the engine's port, and a person's hands."""

    handle: LocalOrgHandle

    def port(self) -> SalesforceAdapter:
        h = self.handle
        credentials = Credentials(
            method="password",
            instance_url=h.instance_url,
            ca_bundle=str(h.ca_file),
            username=h.username,
            password=h.password,
            security_token=h.security_token,
            timeout_seconds=10.0,
        )
        return SalesforceAdapter(credentials, retry=FAST, bulk_wait=0)

    def create(self, sobject: str, **values: Any) -> str:
        """A record created by a person (ada), not by sfsync."""
        result = self.handle.control(f"records/{sobject}", "POST", {"as": "ada@acme.local", "values": values})
        assert result["success"], result
        return str(result["id"])

    def edit(self, sobject: str, record_id: str, **values: Any) -> None:
        result = self.handle.control(
            f"records/{sobject}/{record_id}", "PATCH", {"as": "ada@acme.local", "values": values}
        )
        assert result["success"], result

    def records(self, sobject: str, email: str) -> list[dict[str, Any]]:
        fields = ["Id", "Email", "Title", "LastName"] + (["AccountId"] if sobject == "Contact" else [])
        soql = select(fields, sobject, f"Email = {literal(email)}")
        return [dict(r) for r in self.port().query(soql)]

    def faults(self, *rules: dict[str, Any]) -> None:
        self.handle.running.app.faults.replace(parse_rules(list(rules)))


@pytest.fixture
def org(local_org: LocalOrgHandle) -> Iterator[Org]:  # noqa: F811
    running = Org(local_org)
    running.faults()
    yield running
    running.faults()
    seeding.reset(local_org.running.app.org)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(f"sqlite:///{tmp_path / 'sfsync.db'}")
    yield opened
    opened.close()


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[[str], LoadedConfig]:
    def write(body: str) -> LoadedConfig:
        path = tmp_path / "sfsync.yaml"
        path.write_text(HEADER + textwrap.dedent(body), encoding="utf-8")
        return load_config(path)

    return write
