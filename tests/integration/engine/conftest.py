"""Engine scenarios against the local org over HTTPS: the real adapter, a fresh store per test."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sf_org import RunningOrg

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "unit" / "engine"))

from engine_support import (  # noqa: F401 - re-exported for the tests, and the shared fixtures
    add_companies,
    add_people,
    store,
    write_config,
)

from sfsync.localorg import seeding
from sfsync.localorg.testing import LocalOrgHandle, local_org  # noqa: F401 - the shared fixture
from sfsync.salesforce.adapter import SalesforceAdapter
from sfsync.salesforce.query import Eq, Query


@dataclass
class Org(RunningOrg):
    """The shared local org as a scenario drives it: the engine's port, and a person's hands."""

    def port(self) -> SalesforceAdapter:
        """The real adapter, logged in with the org's own integration user."""
        h = self.handle
        return self.adapter(username=h.username, password=h.password, security_token=h.security_token)

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
        request = Query(sobject, tuple(fields), Eq("Email", email))
        return [dict(r) for r in self.port().query(request)]


@pytest.fixture
def org(local_org: LocalOrgHandle) -> Iterator[Org]:  # noqa: F811
    running = Org(local_org)
    running.faults()
    yield running
    running.faults()
    seeding.reset(local_org.running.app.org)
