"""A pytest plugin: `local_org`, a session-wide local org on a free port with the example seed.

Enable with `pytest_plugins = ["sfsync.localorg.testing"]`. The seed is the one shipped with sfsync
(`sfsync.localorg.seed.DEFAULT_SEED`) unless `SFSYNC_LOCALORG_SEED` names another file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from sfsync.localorg.seed import DEFAULT_SEED, load_seed
from sfsync.localorg.server import RunningOrg, start_in_background

EXAMPLE_SEED = DEFAULT_SEED  # the name tests import


class LocalOrgHandle:
    """A running local org as tests see it."""

    def __init__(self, running: RunningOrg) -> None:
        self.running = running
        connection = running.connection
        self.instance_url = connection.instance_url
        self.ca_file = connection.ca_file
        self.api_version = connection.api_version
        self.username = connection.username
        self.password = connection.password
        self.security_token = connection.security_token
        self.access_token = connection.access_token
        self.consumer_key = connection.consumer_key
        self.consumer_secret = connection.consumer_secret
        self.private_key_file = connection.private_key_file
        self.admin_token = connection.admin_token
        self.data_dir = Path(connection.data_dir)
        self.host = self.instance_url.removeprefix("https://")
        self._control = self.session()
        self._control.headers["Authorization"] = f"Bearer {self.admin_token}"

    def session(self) -> requests.Session:
        """A requests session that trusts the org's certificate."""
        session = requests.Session()
        session.verify = self.ca_file
        session.trust_env = False  # otherwise REQUESTS_CA_BUNDLE from the environment overrides `verify`
        return session

    def control(self, path: str, method: str = "GET", json: Any = None) -> Any:
        """Call the control API; raises for any non-2xx answer."""
        response = self._control.request(method, f"{self.instance_url}/_localorg/{path.lstrip('/')}", json=json)
        response.raise_for_status()
        return response.json()

    def reset(self) -> None:
        """Back to the seeded state, with a fresh `access_token` (tests may have expired the old one)."""
        self.control("reset", "POST")
        self.access_token = self.control("sessions", "POST", {"as": self.username})["access_token"]

    def use_password_login(
        self,
        monkeypatch: pytest.MonkeyPatch,
        username: str | None = None,
        password: str | None = None,
        security_token: str | None = None,
    ) -> None:
        """Set the `${SF_...}` variables a password-login config reads: this org, as the integration user
        unless another user's credentials are given."""
        env = {"SF_INSTANCE_URL": self.instance_url, "SF_CA_BUNDLE": str(self.ca_file)}
        env |= {
            "SF_USERNAME": self.username if username is None else username,
            "SF_PASSWORD": self.password if password is None else password,
            "SF_SECURITY_TOKEN": self.security_token if security_token is None else security_token,
        }
        for name, value in env.items():
            monkeypatch.setenv(name, value)

    def simple_salesforce(self, login: str = "session", *, as_user: str | None = None, **kwargs: Any) -> Any:
        """A real `simple_salesforce.Salesforce` against this org.

        `login`: "session" (the ready access token, or a new session of `as_user`), "soap" (username,
        password, security token), "password" (OAuth password grant with the seed's connected app) or
        "jwt" (pass `consumer_key` and `privatekey`). `kwargs` override the defaults.
        """
        from simple_salesforce.api import Salesforce

        options: dict[str, Any] = {"session": self.session(), "version": self.api_version}
        if login == "session":
            token = self.access_token
            if as_user is not None:
                token = self.control("sessions", "POST", {"as": as_user})["access_token"]
            options |= {"instance_url": self.instance_url, "session_id": token}
        elif login == "jwt":
            options |= {"username": self.username, "domain": f"{self.host}/services/oauth2/token#"}
        elif login == "soap":
            options |= {
                "username": self.username,
                "password": self.password,
                "security_token": self.security_token,
                "domain": f"{self.host}/services/Soap/u/{self.api_version}#",
            }
        elif login == "password":
            options |= {
                "username": self.username,
                "password": self.password,
                "consumer_key": self.consumer_key,
                "consumer_secret": self.consumer_secret,
                "domain": f"{self.host}/services/oauth2/token#",
            }
        else:
            raise ValueError(f"unknown login {login!r}")
        return Salesforce(**(options | kwargs))


@pytest.fixture(scope="session")
def local_org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalOrgHandle]:
    seed_path = Path(os.environ.get("SFSYNC_LOCALORG_SEED", EXAMPLE_SEED))
    running = start_in_background(tmp_path_factory.mktemp("localorg"), load_seed(seed_path))
    try:
        yield LocalOrgHandle(running)
    finally:
        running.stop()
