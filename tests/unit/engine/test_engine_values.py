"""Value precedence and the per-field policies (DESIGN §3)."""

from __future__ import annotations

import pytest

from sfsync.config.models import FieldMapping, Policy
from sfsync.engine.plan import FieldChange, FieldSkip, SkipCode
from sfsync.engine.values import TemplateFailure, Wanted, decide, same_value, wanted_values
from sfsync.salesforce.port import FieldInfo

TEXT = FieldInfo("Title", "string", createable=True, updateable=True)
CONTEXT = {"person": {"title": "CTO", "email": "a@b.example", "phone": None}, "company": {"name": None}}


def _mapping(source: str, policy: Policy = Policy.IF_EMPTY) -> FieldMapping:
    return FieldMapping.model_validate({"from": source, "policy": policy})


def test_mapped_value_beats_play_default_beats_global_default():
    defaults = [("play:vip", {"Title": "Play", "LeadSource": "Web"}), ("default", {"LeadSource": "Other", "X": "g"})]
    wanted = wanted_values("Lead", {"Title": _mapping("person.title")}, defaults, CONTEXT, "Sfsync_")
    assert {w.field: (w.value, w.source) for w in wanted} == {
        "Title": ("CTO", "person.title"),
        "LeadSource": ("Web", "play:vip"),
        "X": ("g", "default"),
    }


def test_an_empty_mapped_value_falls_back_to_the_default():
    wanted = wanted_values("Lead", {"Phone": _mapping("person.phone")}, [("default", {"Phone": "n/a"})], CONTEXT, "S_")
    assert [(w.field, w.value, w.source) for w in wanted] == [("Phone", "n/a", "default")]


def test_templates_render_and_failures_name_the_default():
    defaults = [("default", {"Company": "{{ company.name or '[not provided]' }}", "Bad": "{{ person.nope.x }}"})]
    with pytest.raises(TemplateFailure) as failure:
        wanted_values("Lead", {}, defaults, CONTEXT, "S_")
    assert failure.value.path == ("defaults", "Lead", "Bad")
    ok = wanted_values("Lead", {}, [("default", {"Company": "{{ company.name or '[not provided]' }}"})], CONTEXT, "S_")
    assert ok[0].value == "[not provided]"


@pytest.mark.parametrize(
    ("policy", "before", "ledger", "expected"),
    [
        (Policy.IF_EMPTY, None, None, "write"),
        (Policy.IF_EMPTY, "  ", None, "write"),
        (Policy.IF_EMPTY, "VP", None, "skip"),
        (Policy.OWNED, "VP", None, "write"),
        (Policy.IF_UNCHANGED, "VP", "VP", "write"),
        (Policy.IF_UNCHANGED, "VP", "CEO", "skip"),
        (Policy.IF_UNCHANGED, "VP", None, "skip"),
        (Policy.CREATE_ONLY, None, None, "skip"),
        (Policy.IF_EMPTY, "CTO", None, "same"),
    ],
)
def test_update_policies(policy, before, ledger, expected):
    result = decide(Wanted("Title", "CTO", "person.title", policy), before, ledger, create=False, info=TEXT)
    kind = {FieldChange: "write", FieldSkip: "skip", type(None): "same"}[type(result)]
    assert kind == expected
    if isinstance(result, FieldSkip):
        assert result.code is SkipCode.POLICY


def test_create_fills_every_field_whatever_the_policy():
    result = decide(Wanted("Title", "CTO", "person.title", Policy.CREATE_ONLY), None, None, create=True, info=TEXT)
    assert isinstance(result, FieldChange) and result.after == "CTO"


def test_never_writes_null_and_never_changes_a_set_owner():
    assert decide(Wanted("Title", "  ", "default", Policy.OWNED), "VP", None, create=False, info=TEXT) is None
    owner = decide(Wanted("OwnerId", "005B", "default", Policy.OWNED), "005A", None, create=False, info=None)
    assert isinstance(owner, FieldSkip) and "owner" in owner.reason


def test_a_default_does_not_report_a_set_value_as_kept():
    assert (
        decide(Wanted("LeadSource", "Other", "default", Policy.IF_EMPTY), "Web", None, create=False, info=TEXT) is None
    )


def test_values_compare_the_way_salesforce_stores_them():
    assert same_value(100, "100.0")
    assert same_value("true", True)
    assert same_value("Ada@Example.com", "ada@example.com", FieldInfo("Email", "email"))
    assert same_value("https://www.acme.example/", "acme.example", FieldInfo("Website", "url"))
    assert not same_value("Acme", "acme")


def test_two_pages_of_a_shared_platform_are_different_urls() -> None:
    """Compared by domain they would be one value, and a changed LinkedIn page would never be written."""
    url = FieldInfo("LinkedIn__c", "url")
    assert not same_value("https://linkedin.com/company/acme", "https://linkedin.com/company/other", url)
    assert same_value("https://linkedin.com/company/acme", "https://linkedin.com/company/acme", url)
