"""A seed record the org refuses is the seed's error, naming the file and line, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from sfsync.errors import UsageError
from sfsync.localorg.seed import load_seed
from sfsync.localorg.server import build_org
from sfsync.localorg.testing import EXAMPLE_SEED

TWIN = "    - values: {FirstName: Grace, LastName: Twin, Email: GRACE@acme.example}\n"


def test_a_record_a_blocking_duplicate_rule_rejects_names_its_line(tmp_path: Path) -> None:
    lines = EXAMPLE_SEED.read_text("utf-8").splitlines(keepends=True)
    grace = next(i for i, line in enumerate(lines) if "Email: grace@acme.example, AccountId" in line)
    lines.insert(grace + 1, TWIN)  # the same email as a seeded Contact, which a blocking rule refuses
    seed_file = tmp_path / "seed.yaml"
    seed_file.write_text("".join(lines), "utf-8")
    with pytest.raises(UsageError) as caught:
        build_org(tmp_path / "org", load_seed(seed_file))
    assert str(caught.value) == (
        f"{seed_file}:{grace + 2}: the Contact record is rejected: DUPLICATES_DETECTED: Use one of these records?"
    )
