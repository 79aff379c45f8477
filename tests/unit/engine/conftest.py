"""Engine test fixtures: a fresh SQLite store, the fake port, and configs written to files."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from engine_support import SFSYNC_FIELDS, store, write_config  # noqa: F401 - the shared fixtures
from fake_port import FakePort


@pytest.fixture
def port() -> FakePort:
    return FakePort({name: SFSYNC_FIELDS for name in ("Account", "Contact", "Lead")})
