"""The Markdown view: summary above the fold, banners, `<details>` per object, never over the limit."""

from __future__ import annotations

import re

import pytest
from plan_cases import CASES, ENCRYPTED, case_json, many_changes
from syrupy.assertion import SnapshotAssertion

from sfsync.render.markdown import LIMIT, render_markdown
from sfsync.render.redact import redact_plan


def markdown(name: str) -> str:
    return render_markdown(redact_plan(case_json(name), encrypted=ENCRYPTED))


def balanced(text: str) -> bool:
    return len(re.findall(r"<details[ >]", text)) == text.count("</details>")


@pytest.mark.parametrize("name", sorted(CASES))
def test_markdown_view(name: str, snapshot: SnapshotAssertion) -> None:
    out = markdown(name)
    assert balanced(out)
    assert out == snapshot


def test_summary_table_sits_above_the_first_details_block() -> None:
    out = markdown("updates_and_kept_fields")
    assert out.index("| Object | Create | Update |") < out.index("<details>")
    assert "| **Total** | **0** | **2** | **3** | **2** | **3** | **1** | **0** |" in out


def test_banners_for_overwrites_conflicts_and_errors() -> None:
    updates = markdown("updates_and_kept_fields")
    assert "> [!WARNING]\n> **This plan overwrites 2 existing Salesforce values**" in updates
    assert "> [!IMPORTANT]\n> **1 conflict:**" in updates
    assert "> [!CAUTION]\n> **2 errors: this plan cannot be applied.**" in markdown("errors_and_warnings")
    assert "[!" not in markdown("nothing_to_do")
    first = markdown("first_apply")
    assert "> [!NOTE]\n> **Planned with a config that is not applied yet: nothing was recorded.**" in first
    assert first.count("[!") == 1


def test_one_details_block_per_object_and_one_for_skips() -> None:
    out = markdown("errors_and_warnings")
    assert "<details><summary>Lead: 1 to create, 0 to update</summary>" in out
    assert "<details><summary>Skipped records (2)</summary>" in out


def test_fifty_thousand_changes_fit_under_the_limit_with_a_note() -> None:
    out = render_markdown(many_changes(50_000))
    assert len(out) <= LIMIT
    assert balanced(out)
    assert "See it all with `sfsync show plan.json`." in out
    shown = re.search(r"This comment shows (\d+) of 50000 records", out)
    assert shown is not None and 0 < int(shown.group(1)) < 50_000
    # every object keeps a share of the comment
    for sobject in ("Account", "Contact", "Lead"):
        assert "**create** person" in out.split(f"<summary>{sobject}:")[1].split("</details>")[0]


@pytest.mark.parametrize("limit", [4_000, 10_000])
def test_any_limit_is_respected_and_the_note_names_the_plan_file(limit: int) -> None:
    out = render_markdown(many_changes(2_000), plan_file="out/plan.json", limit=limit)
    assert len(out) <= limit
    assert "`sfsync show out/plan.json`" in out


def test_nothing_is_cut_when_it_fits() -> None:
    out = render_markdown(many_changes(30))
    assert "not shown" not in out
    assert "This comment shows" not in out
    assert out.count("**create** person") + out.count("**update** person") == 30


def test_text_from_the_plan_cannot_break_out_of_the_markdown() -> None:
    body = case_json("first_apply")
    body["changes"][0]["workspace"]["label"] = "</details><script>x</script> | @org/team **bold**"
    body["changes"][0]["fields"][0]["after"] = "a|b`c</code>"
    out = render_markdown(body)
    assert "<script>" not in out
    assert "@org/team" not in out
    assert "a|b" not in out and "&lt;/code&gt;" in out
    assert balanced(out)


def test_a_record_with_only_kept_fields_or_none_still_gets_its_row() -> None:
    body = case_json("updates_and_kept_fields")
    body["changes"][0]["fields"] = []
    body["changes"][1]["fields"] = []
    body["changes"][1]["skipped_fields"] = []
    out = render_markdown(body)
    assert "| `~` | **update** Acme (acme.example)" in out and "· <code>Name</code>" in out
    assert "| `~` | **update** ada&#64;acme.example" in out
