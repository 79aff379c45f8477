"""A share's scratch rows taken into the cache whole, on both backends: what it keeps and leaves out."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from sfsync.store import Store
from sfsync.store.derivation_scratch import ScratchRows
from sfsync.store.derivations import Derived, output_text


def _output(value: object) -> str | None:
    return output_text(json.dumps(value))


def test_scratch_rows_are_taken_with_outputs_rewritten_and_held_clusters_left_out(store: Store, tmp_path: Path) -> None:
    scratch = ScratchRows(tmp_path / "rows-1")
    scratch.add(("company", "c1"), "c1", _output({"skips": ["account"]}), ["w|company|id|c1", "m|Account|x|1"])
    scratch.add(("company", "c2"), "c2", _output({"skips": ["other"]}), ["m|Account|x|2"])
    scratch.add(("person", "p1"), "c1", _output({"changes": ["contact"]}), ["m|Contact|email|a@c1"])
    scratch.add(("person", "p2"), "c2", None, ["m|Lead|email|b@c2"])  # derived nothing
    scratch.add(("person", "p3"), None, _output({"changes": ["lead"]}), ["m|Lead|email|c@x", "w|person|id|p3"])
    scratch.finish(lambda workspace_id, _output_of: _output({"skips": [f"rewritten {workspace_id}"]}), "company",
                   ["c1", "gone"], ["c2"])  # fmt: skip
    store.derivations.replace(
        [Derived("person", "p0", None, _output({"entries": ["e"]}), ["m|Lead|email|d@x"])],
        everything=True,
        scratch=[tmp_path / "rows-1"],
    )
    cached = store.derivations.cached()
    assert {key: (row.cluster, row.output) for key, row in cached.items()} == {
        ("company", "c1"): ("c1", {"skips": ["rewritten c1"]}),
        ("person", "p1"): ("c1", {"changes": ["contact"]}),
        ("person", "p3"): (None, {"changes": ["lead"]}),
        ("person", "p0"): (None, {"entries": ["e"]}),
    }
    # Only the tokens not implied by the record itself or its company are kept as inputs.
    assert _inputs(store) == {
        ("company", "c1"): {"m|Account|x|1"},
        ("person", "p1"): {"m|Contact|email|a@c1"},
        ("person", "p3"): {"m|Lead|email|c@x"},
        ("person", "p0"): {"m|Lead|email|d@x"},
    }


def _inputs(store: Store) -> dict[tuple[str, str], set[str]]:
    table = store.derivations.tables.derivation_input
    found: dict[tuple[str, str], set[str]] = {}
    with store.session.read() as conn:
        for kind, workspace_id, token in conn.execute(select(table.c.kind, table.c.workspace_id, table.c.token)):
            found.setdefault((kind, workspace_id), set()).add(token)
    return found
