"""These tests use the local org's own pytest fixture (`sfsync.localorg.testing`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sfsync.localorg.testing import LocalOrgHandle, local_org

__all__ = ["local_org"]


@pytest.fixture
def org(local_org: LocalOrgHandle) -> Iterator[LocalOrgHandle]:
    """The shared local org in its seeded state; reset again afterwards (faults, limits, data), so that
    other tests sharing the org never see what these tests did to it."""
    local_org.reset()
    yield local_org
    local_org.reset()
