"""Fixtures of the client tests: the installed Node.js clients, pointed at the shared local org.

The module is skipped, saying why, when node or npm is missing; an install that fails is an error.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
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
