"""Config test set-up: hypothesis profiles and a writer for config files."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "default", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
settings.register_profile(
    "full", max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

VALID = """\
version: 1
connection:
  instance_url: ${SF_INSTANCE_URL}
  auth:
    method: password
    username: ${SF_USERNAME}
    password: ${SF_PASSWORD}
"""


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[[str], Path]:
    def write(text: str, name: str = "sfsync.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def valid_text() -> str:
    """A smallest valid config; tests append sections to it."""
    return VALID
