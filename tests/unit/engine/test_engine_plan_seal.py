"""The plan's seal: an HMAC over the plan's canonical JSON, made in one streaming pass."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from sfsync.engine.plans.file import plan_file_chunks
from sfsync.engine.plans.seal import canonical_chunks, check_seal, seal_of, sealed
from sfsync.errors import ForeignPlanError

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "render"))
from plan_cases import CASES, case_json, many_changes

KEY = bytes(range(32))


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_canonical_text_is_the_sorted_compact_json_of_everything_but_the_seal(name: str) -> None:
    document = {**case_json(name), "seal": "hmac-sha256:whatever"}
    expected = json.dumps({k: v for k, v in document.items() if k != "seal"}, sort_keys=True, separators=(",", ":"))
    assert "".join(canonical_chunks(document)) == expected


def test_non_ascii_and_numbers_round_trip_through_the_file_to_the_same_seal() -> None:
    document = case_json("first_apply")
    document["changes"][0]["fields"][0]["after"] = "Ärzte \u2603 \U0001f600 \ud800"
    document["refresh"] = {"Account": {"read": 10**20}}
    document["changes"][0]["fields"][1]["after"] = 0.1 + 0.2
    saved = "".join(plan_file_chunks(sealed(document, KEY)))
    check_seal(json.loads(saved), KEY)


def test_the_seal_covers_every_value_and_only_this_key_makes_it() -> None:
    document = sealed(case_json("updates_and_kept_fields"), KEY)
    check_seal(document, KEY)
    edited = json.loads(json.dumps(document))
    edited["changes"][0]["fields"][0]["policy"] = "if_empty"
    with pytest.raises(ForeignPlanError, match="its seal does not match its content"):
        check_seal(edited, KEY)
    with pytest.raises(ForeignPlanError, match="its seal does not match its content"):
        check_seal(document, bytes(32))
    reordered = dict(reversed(list(document.items())))  # the content is sealed, not the layout
    check_seal(reordered, KEY)


@pytest.mark.parametrize("seal", [None, "", 42, "hmac-sha256:" + "0" * 64, "Ärger"])
def test_a_missing_or_foreign_seal_is_refused(seal: object) -> None:
    document = {**case_json("nothing_to_do"), "seal": seal}
    with pytest.raises(ForeignPlanError, match="the plan was not made by this store or was edited"):
        check_seal(document, KEY)


def test_a_large_plan_is_sealed_one_change_at_a_time() -> None:
    document = many_changes(5_000)
    pieces = list(canonical_chunks(document))
    assert max(map(len, pieces)) < 2_000  # never the whole plan as one string
    assert seal_of(document, KEY) == seal_of(json.loads(json.dumps(document)), KEY)


def test_a_plan_of_another_store_is_named_so() -> None:
    document = sealed(case_json("nothing_to_do"), bytes(32))  # another store's key
    lineage = document["fingerprint"]["lineage"]
    with pytest.raises(ForeignPlanError, match=f"made against another store \\(lineage {lineage}; this store is L2\\)"):
        check_seal(document, KEY, "L2")
    with pytest.raises(ForeignPlanError, match="its seal does not match its content"):
        check_seal(document, KEY, lineage)  # same lineage: edited, or re-sealed elsewhere
