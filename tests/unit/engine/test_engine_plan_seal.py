"""The plan's seal: an HMAC over the plan file's header, which holds the SHA-256 of every section."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from plan_file_support import rebuild

from sfsync.engine.plans.file import PlanFile, open_plan, save_plan
from sfsync.engine.plans.json_form import plan_from_json
from sfsync.engine.plans.seal import check_seal, seal_of
from sfsync.errors import ForeignPlanError

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "render"))
from plan_cases import CASES, case_json, many_changes

KEY = bytes(range(32))


def saved(tmp_path: Path, document: dict[str, Any], key: bytes | None = KEY) -> PlanFile:
    path = tmp_path / "plan.json"
    save_plan(plan_from_json(document), path, key)
    opened = open_plan(path)
    assert isinstance(opened, PlanFile)
    return opened


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_saved_plan_carries_this_store_seal(tmp_path: Path, name: str) -> None:
    opened = saved(tmp_path, case_json(name))
    opened.check_sealed(KEY)
    assert seal_of(opened.header, KEY) != seal_of(opened.header, bytes(32))


def test_non_ascii_and_numbers_keep_their_seal(tmp_path: Path) -> None:
    document = case_json("first_apply")
    document["changes"][0]["fields"][0]["after"] = "Ärzte \u2603 \U0001f600"
    document["refresh"] = {"Account": {"read": 10**20}}
    document["changes"][0]["fields"][1]["after"] = 0.1 + 0.2
    saved(tmp_path, document).check_sealed(KEY)


def test_another_key_is_refused(tmp_path: Path) -> None:
    opened = saved(tmp_path, case_json("updates_and_kept_fields"))
    with pytest.raises(ForeignPlanError, match="its seal does not match its content"):
        opened.check_sealed(bytes(32))


def test_an_edited_record_is_refused_though_the_header_and_seal_are_kept(tmp_path: Path) -> None:
    opened = saved(tmp_path, case_json("updates_and_kept_fields"))

    def edit(records: list[dict[str, Any]]) -> None:
        records[0]["change"]["fields"][0]["policy"] = "if_empty"

    rebuild(opened.path, edit, KEY)  # the layout follows the edit and is sealed again: the digest does not
    edited = open_plan(opened.path)
    assert isinstance(edited, PlanFile)
    with pytest.raises(ForeignPlanError, match="the plan was not made by this store or was edited: its changes"):
        edited.check_sealed(KEY)


def test_an_edited_header_is_refused(tmp_path: Path) -> None:
    opened = saved(tmp_path, case_json("updates_and_kept_fields"))
    rebuild(opened.path, lambda records: None, edit_header=lambda header: header.update(write_enabled=False))
    edited = open_plan(opened.path)
    assert isinstance(edited, PlanFile) and edited.header != opened.header
    with pytest.raises(ForeignPlanError, match="its seal does not match its content"):
        edited.check_sealed(KEY)


@pytest.mark.parametrize("seal", [None, "", 42, "hmac-sha256:" + "0" * 64, "Ärger"])
def test_a_missing_or_foreign_seal_is_refused(seal: object) -> None:
    with pytest.raises(ForeignPlanError, match="the plan was not made by this store or was edited"):
        check_seal(b'{"format_version":2}\n', seal, KEY)


def test_a_plan_saved_without_a_store_has_no_seal(tmp_path: Path) -> None:
    with pytest.raises(ForeignPlanError, match="it has no seal"):
        saved(tmp_path, case_json("nothing_to_do"), key=None).check_sealed(KEY)


def test_a_large_plan_is_sealed_and_checked_a_section_at_a_time(tmp_path: Path) -> None:
    opened = saved(tmp_path, many_changes(5_000))
    assert opened.sections["changes"].count == 5_000 and len(opened.header) < 5_000
    opened.check_sealed(KEY)


def test_a_plan_of_another_store_is_named_so(tmp_path: Path) -> None:
    opened = saved(tmp_path, case_json("nothing_to_do"), key=bytes(32))  # another store's key
    lineage = case_json("nothing_to_do")["fingerprint"]["lineage"]
    with pytest.raises(ForeignPlanError, match=f"made against another store \\(lineage {lineage}; this store is L2\\)"):
        opened.check_sealed(KEY, "L2")
    with pytest.raises(ForeignPlanError, match="its seal does not match its content"):
        opened.check_sealed(KEY, lineage)  # same lineage: edited, or re-sealed elsewhere


def test_apply_reads_a_private_copy_so_the_file_changed_after_the_check_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    save_plan(plan_from_json(case_json("updates_and_kept_fields")), path, KEY)
    held = open_plan(path, held=True)
    assert isinstance(held, PlanFile)
    held.check_sealed(KEY)
    before = list(held.plan().changes)
    save_plan(plan_from_json(case_json("first_apply")), path, KEY)  # another plan where the checked one was
    assert list(held.plan().changes) == before and open_plan(path) != held
