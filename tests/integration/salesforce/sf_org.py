"""The shared local org seen from these tests: connect the real adapter to it as any seeded user."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sfsync.localorg.app import LocalOrgApp
from sfsync.localorg.faults import parse_rules
from sfsync.localorg.testing import LocalOrgHandle
from sfsync.salesforce.adapter import SalesforceAdapter
from sfsync.salesforce.auth import Credentials
from sfsync.salesforce.retry import RetryPolicy

FAST = RetryPolicy(attempts=3, initial_wait=0.001, max_wait=0.002, jitter=0.001)
USERS = {
    "integration": ("integration@acme.local", "integration-pass", "LOCALTOKEN"),
    "restricted": ("restricted@acme.local", "restricted-pass", "RESTRICTEDTOKEN"),
    "noapi": ("noapi@acme.local", "noapi-pass", ""),
}


@dataclass
class RunningOrg:
    handle: LocalOrgHandle

    @property
    def app(self) -> LocalOrgApp:
        return self.handle.running.app

    @property
    def instance_url(self) -> str:
        return self.handle.instance_url

    @property
    def ca_file(self) -> str:
        return str(self.handle.ca_file)

    def credentials(self, who: str = "integration", **overrides: Any) -> Credentials:
        username, password, token = USERS[who]
        base: dict[str, Any] = {
            "method": "password",
            "instance_url": self.instance_url,
            "ca_bundle": self.ca_file,
            "username": username,
            "password": password,
            "security_token": token,
            "timeout_seconds": 10.0,
        }
        return Credentials(**{**base, **overrides})

    def adapter(self, who: str = "integration", **overrides: Any) -> SalesforceAdapter:
        return SalesforceAdapter(self.credentials(who, **overrides), retry=FAST, bulk_wait=0)

    def faults(self, *rules: dict[str, Any]) -> None:
        self.app.faults.replace(parse_rules(list(rules)))
