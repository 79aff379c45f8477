"""The `org` fixture: the shared local org, reset after each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sf_org import RunningOrg

from sfsync.localorg import seeding
from sfsync.localorg.testing import LocalOrgHandle, local_org  # noqa: F401 - the shared fixture


@pytest.fixture
def org(local_org: LocalOrgHandle) -> Iterator[RunningOrg]:  # noqa: F811
    """The shared org, with its faults cleared and its data back to the seed after each test."""
    running = RunningOrg(local_org)
    running.faults()
    yield running
    running.faults()
    seeding.reset(running.app.org)
