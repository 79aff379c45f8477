"""Value precedence and the per-field policies (DESIGN §3)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from sfsync.config.models import DateAs, FieldMapping, Policy
from sfsync.engine.field_values import Options
from sfsync.engine.plans.plan import FieldChange, FieldSkip, SkipCode
from sfsync.engine.values import InvalidFieldValue, TemplateFailure, Wanted, decide, same_value, wanted_values
from sfsync.salesforce.port import FieldInfo

MIDNIGHT = Options(date_as=DateAs.MIDNIGHT_UTC)

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


def test_a_template_that_grows_with_a_records_data_fails_within_its_budget_naming_the_default():
    defaults = [("default", {"Description": "{{ person.title * 1000000000 }}"})]
    with pytest.raises(TemplateFailure) as failure:
        wanted_values("Lead", {}, defaults, CONTEXT, "S_")
    assert failure.value.path == ("defaults", "Lead", "Description")
    assert "longer than 131,072" in str(failure.value)


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
    assert same_value(100, "100.0", FieldInfo("NumberOfEmployees", "int"))
    assert not same_value(100, "100.0")  # without a field type, text: numbers by value only in number fields
    assert same_value("true", True, FieldInfo("IsActive__c", "boolean"))
    assert same_value("Ada@Example.com", "ada@example.com", FieldInfo("Email", "email"))
    assert same_value("https://www.acme.example/", "acme.example", FieldInfo("Website", "url"))
    assert not same_value("Acme", "acme")


def test_two_pages_of_a_shared_platform_are_different_urls() -> None:
    """Compared by domain they would be one value, and a changed LinkedIn page would never be written."""
    url = FieldInfo("LinkedIn__c", "url")
    assert not same_value("https://linkedin.com/company/acme", "https://linkedin.com/company/other", url)
    assert same_value("https://linkedin.com/company/acme", "https://linkedin.com/company/acme", url)


CHECKBOX = FieldInfo("DoNotCall", "boolean", createable=True, updateable=True)


@pytest.mark.parametrize(
    ("policy", "wanted", "before", "expected"),
    [
        (Policy.IF_EMPTY, True, False, "write"),  # false is an empty checkbox: fill-empty raises it
        (Policy.IF_EMPTY, True, None, "write"),
        (Policy.IF_EMPTY, "yes", False, "write"),
        (Policy.IF_EMPTY, False, True, "skip"),  # never cleared by fill-empty
        (Policy.IF_EMPTY, False, False, "same"),
        (Policy.IF_EMPTY, False, None, "same"),  # writing false over null is no change
        (Policy.OWNED, False, True, "write"),
        (Policy.OWNED, False, None, "same"),
        (Policy.IF_UNCHANGED, True, False, "write"),
    ],
)
def test_a_checkbox_is_empty_when_false(policy, wanted, before, expected):
    result = decide(
        Wanted("DoNotCall", wanted, "person.do_not_call", policy), before, None, create=False, info=CHECKBOX
    )
    kind = {FieldChange: "write", FieldSkip: "skip", type(None): "same"}[type(result)]
    assert kind == expected
    if isinstance(result, FieldChange):
        assert result.after is bool(wanted)


def test_a_false_checkbox_is_sent_on_create():
    result = decide(
        Wanted("DoNotCall", False, "person.do_not_call", Policy.IF_EMPTY), None, None, create=True, info=CHECKBOX
    )
    assert isinstance(result, FieldChange) and result.after is False


@pytest.mark.parametrize(
    ("info", "value", "problem"),
    [
        (CHECKBOX, "maybe", "'maybe' is not a checkbox value"),
        (FieldInfo("NumberOfEmployees", "int", updateable=True), "1.5", "'1.5' is not a whole number"),
        (FieldInfo("AnnualRevenue", "currency", updateable=True), "Infinity", "'Infinity' is not a finite number"),
        (TEXT, ["a", "b"], "['a', 'b'] is a list; only a multi-select picklist takes a list"),
        (FieldInfo("Birthdate__c", "datetime", updateable=True), "2024-01-31", "'2024-01-31' is a date without a time"),
    ],
)
def test_a_value_that_cannot_go_into_its_field_is_a_row_error(info, value, problem):
    wanted = Wanted(info.name, value, "person.attributes.x", Policy.OWNED)
    with pytest.raises(InvalidFieldValue) as failure:
        decide(wanted, None, None, create=False, info=info)
    assert failure.value.reason.startswith(f"{info.name} (from person.attributes.x): {problem}")


def test_a_sensitive_invalid_value_is_not_shown():
    wanted = Wanted("NumberOfEmployees", "1.5", "person.attributes.x", Policy.OWNED, sensitive=True)
    with pytest.raises(InvalidFieldValue) as failure:
        decide(wanted, None, None, create=False, info=FieldInfo("NumberOfEmployees", "int"))
    assert "1.5" not in failure.value.reason and "(sensitive)" in failure.value.reason


def test_a_date_goes_to_a_datetime_field_as_midnight_utc_only_when_the_mapping_says_so():
    info = FieldInfo("EmailBouncedDate", "datetime", createable=True, updateable=True)
    wanted = Wanted(info.name, dt.date(2024, 1, 31), "person.last_activity_date", Policy.OWNED, False, MIDNIGHT)
    assert decide(wanted, "2024-01-31T00:00:00.000+0000", None, create=False, info=info) is None
    change = decide(wanted, None, None, create=True, info=info)
    assert isinstance(change, FieldChange) and change.after == "2024-01-31T00:00:00.000+0000"


SHORT = FieldInfo("Title", "string", length=10, createable=True, updateable=True)


def test_a_value_longer_than_the_field_is_a_field_skip_or_cut_when_the_mapping_opts_in():
    wanted = Wanted("Title", "Engineering lead", "person.title", Policy.OWNED)
    skipped = decide(wanted, "CTO", None, create=False, info=SHORT)
    assert isinstance(skipped, FieldSkip) and skipped.code is SkipCode.TOO_LONG
    assert skipped.reason == "too long: 16 characters, the field holds 10 (`truncate: true` on the mapping cuts it)"
    cut = decide(replace(wanted, options=Options(truncate=True)), "CTO", None, create=False, info=SHORT)
    assert isinstance(cut, FieldChange) and cut.after == "Engineerin"
    assert cut.reason == "owned by sfsync; truncated from 16 to 10 characters"
    assert decide(replace(wanted, options=Options(truncate=True)), "Engineerin", None, create=False, info=SHORT) is None


def test_a_too_long_value_the_policy_keeps_out_anyway_is_reported_by_the_policy():
    wanted = Wanted("Title", "Engineering lead", "person.title", Policy.IF_EMPTY)
    skipped = decide(wanted, "CTO", None, create=False, info=SHORT)
    assert isinstance(skipped, FieldSkip) and skipped.code is SkipCode.POLICY


BOUNCED = FieldInfo("EmailBouncedDate", "datetime")


@pytest.mark.parametrize(
    ("info", "sent", "salesforce", "next_value"),
    [
        (BOUNCED, "2024-01-31T10:00:00Z", "2024-01-31T10:00:00.000+0000", "2025-01-01T00:00:00Z"),
        (FieldInfo("AnnualRevenue", "currency", precision=18, scale=2), 1234.5678, 1234.57, 99),
        (FieldInfo("Channels__c", "multipicklist", picklist_values=("A", "B")), "B;A", "A;B", "A"),
        (FieldInfo("ReportsToId", "reference"), "003D000000K0fXO", "003D000000K0fXOIAZ", "003D000000K0fXP"),
    ],
)  # fmt: skip
def test_salesforce_form_of_a_written_value_is_no_change_and_no_conflict(info, sent, salesforce, next_value):
    info = replace(info, updateable=True)
    owned = Wanted(info.name, sent, "person.attributes.x", Policy.OWNED)
    assert decide(owned, salesforce, sent, create=False, info=info) is None  # an owned field is not rewritten
    changed = Wanted(info.name, next_value, "person.attributes.x", Policy.IF_UNCHANGED)
    result = decide(changed, salesforce, sent, create=False, info=info)  # the ledger holds what sfsync sent
    assert isinstance(result, FieldChange) and result.reason == "unchanged since sfsync wrote it"
