"""The API tests drive the local org the way the CLI tests do: a working directory logged in to it."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "cli"))

from cli_org import org_workdir  # noqa: F401 - the shared fixture
