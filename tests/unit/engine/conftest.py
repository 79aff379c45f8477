"""Engine test fixtures: a fresh SQLite store, the fake port, and configs written to files."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from engine_support import HEADER, SFSYNC_FIELDS
from fake_port import FakePort

from sfsync.config import LoadedConfig, load_config
from sfsync.store import Store, open_store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(f"sqlite:///{tmp_path / 'sfsync.db'}")
    yield opened
    opened.close()


@pytest.fixture
def port() -> FakePort:
    return FakePort({name: SFSYNC_FIELDS for name in ("Account", "Contact", "Lead")})


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[[str], LoadedConfig]:
    def write(body: str) -> LoadedConfig:
        path = tmp_path / "sfsync.yaml"
        path.write_text(HEADER + textwrap.dedent(body), encoding="utf-8")
        return load_config(path)

    return write
