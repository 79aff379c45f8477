"""`limits/recordCount`: the records each object holds, as Salesforce's Record Count resource answers."""

from __future__ import annotations

import pytest

from sfsync.localorg.testing import LocalOrgHandle

pytestmark = pytest.mark.org


def _counts(org: LocalOrgHandle, query: str = "") -> dict[str, int]:
    answer = org.simple_salesforce().restful(f"limits/recordCount{query}")
    return {entry["name"]: entry["count"] for entry in answer["sObjects"]}


def test_counts_the_objects_asked_for_and_leaves_out_unknown_names(org: LocalOrgHandle) -> None:
    sf = org.simple_salesforce()
    leads = sf.query("SELECT COUNT() FROM Lead")["totalSize"]
    assert _counts(org, "?sObjects=Lead,lead,NoSuchObject") == {"Lead": leads}
    sf.Lead.create({"LastName": "Counted", "Company": "C"})
    deleted = sf.Lead.create({"LastName": "Deleted", "Company": "C"})["id"]
    sf.Lead.delete(deleted)
    assert _counts(org, "?sObjects=Lead") == {"Lead": leads + 1}  # the recycle bin is not counted


def test_without_sobjects_every_object_is_counted(org: LocalOrgHandle) -> None:
    counts = _counts(org)
    assert {"Account", "Contact", "Lead", "Opportunity", "User"} <= set(counts)
    assert counts["User"] >= 1
