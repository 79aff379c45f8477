"""Fixtures of the client tests: the installed Node.js clients and CumulusCI, pointed at the shared local org.

A test is skipped, saying why, when node or npm is missing (Node.js clients) or the package index is
out of reach (CumulusCI); an install that fails otherwise is an error.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import cumulusci_client
import pytest
from cumulusci_client import CumulusCI, CumulusCIUnavailable, OrgLogin
from node_clients import NodeClients, install, missing_tools

from sfsync.localorg.testing import LocalOrgHandle


@pytest.fixture(scope="session")
def clients(local_org: LocalOrgHandle, tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeClients]:
    reason = missing_tools()
    if reason is not None:
        pytest.skip(reason)
    bin_dir = install()
    home = tmp_path_factory.mktemp("node-home")
    yield NodeClients(bin_dir, home, local_org.ca_file, local_org.instance_url)


CUMULUSCI_PROJECT = """\
project:
    name: LocalOrgClient
    package:
        name: LocalOrgClient
        api_version: "{api_version}"
"""


@pytest.fixture(scope="session")
def cci_executable() -> Path:
    try:
        return cumulusci_client.install()
    except CumulusCIUnavailable as error:
        pytest.skip(str(error))


@pytest.fixture
def cci(cci_executable: Path, local_org: LocalOrgHandle, tmp_path: Path) -> CumulusCI:
    """CumulusCI in a new project (a git repository: `cci` looks for one), logging in to the shared
    org by JWT as its integration user; the org is as the test left it (tests reset it themselves)."""
    project = tmp_path / "project"
    project.mkdir()
    subprocess.run(["git", "init", "--quiet", str(project)], check=True)
    (project / "cumulusci.yml").write_text(CUMULUSCI_PROJECT.format(api_version=local_org.api_version), "utf-8")
    login = OrgLogin(
        local_org.instance_url,
        local_org.username,
        local_org.consumer_key,
        Path(local_org.private_key_file),
        Path(local_org.ca_file),
    )
    return CumulusCI(cci_executable, tmp_path / "home", project, login)
