"""The plan's codec: any plan value survives its JSON form, and what it writes is what the schema allows."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from tempfile import TemporaryDirectory
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sfsync.catalogue import Kind
from sfsync.config.models import PersonObject, Policy
from sfsync.engine.plans.codec import adapted, decode, encode, encoded_line
from sfsync.engine.plans.derivation import DerivationSummary
from sfsync.engine.plans.digest import ValueDigest
from sfsync.engine.plans.file import plan_from_file, save_plan
from sfsync.engine.plans.identity import IdentityChange, IdentityKind, WorkspaceRef
from sfsync.engine.plans.json_form import plan_from_json, plan_to_json
from sfsync.engine.plans.plan import (
    KNOWN_AFTER_APPLY,
    Action,
    Api,
    ConfigChange,
    FieldChange,
    FieldSkip,
    Fingerprint,
    KnownAfterApply,
    ObjectEstimate,
    Plan,
    PlanDiagnostic,
    PlayEntry,
    RecordChange,
    Skip,
    SkipCode,
    SourceRead,
)
from sfsync.engine.plans.record_form import record_json
from sfsync.engine.plans.sections import record_line
from sfsync.errors import Severity
from sfsync.render.plan_schema import plan_problems

TEXT = st.text(max_size=12)
NAMES = st.text("ABCabc_.-", min_size=1, max_size=8)
SALESFORCE_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), TEXT
)
HELD = st.one_of(SALESFORCE_VALUES, st.builds(ValueDigest, TEXT))
WORKSPACE = st.builds(WorkspaceRef, st.sampled_from(Kind), NAMES, TEXT)


@st.composite
def field_changes(draw: st.DrawFn) -> FieldChange:
    ref = draw(st.none() | NAMES)
    after = KnownAfterApply(ref) if ref is not None else draw(HELD)
    return FieldChange(
        draw(NAMES), draw(HELD), after, draw(TEXT), draw(st.sampled_from(Policy)), draw(TEXT), ref, draw(st.booleans())
    )


FIELD_SKIPS = st.builds(FieldSkip, NAMES, HELD, HELD, st.sampled_from(SkipCode), TEXT, st.booleans())
RECORD_CHANGES = st.builds(
    RecordChange,
    NAMES,
    NAMES,
    st.sampled_from(Action),
    WORKSPACE,
    st.none() | NAMES,
    TEXT,
    st.lists(field_changes(), max_size=3).map(tuple),
    st.lists(FIELD_SKIPS, max_size=2).map(tuple),
    st.integers(0, 1),
    st.lists(NAMES, max_size=2).map(tuple),
    TEXT,
)
SKIPS = st.builds(Skip, WORKSPACE, st.none() | NAMES, st.sampled_from(SkipCode), TEXT, st.none() | NAMES)
ENTRIES = st.builds(PlayEntry, NAMES, st.sampled_from(Kind), NAMES, st.booleans())
IDENTITY = st.builds(
    IdentityChange,
    st.sampled_from(IdentityKind),
    WORKSPACE,
    NAMES,
    NAMES,
    st.none() | TEXT,
    st.none() | TEXT,
    st.none() | NAMES,
    st.none() | WORKSPACE,
    TEXT,
)
COUNTS = st.integers(0, 10**6)
PLANS = st.builds(
    Plan,
    st.builds(
        Fingerprint,
        TEXT,
        COUNTS,
        TEXT,
        st.dictionaries(NAMES, TEXT, max_size=2),
        TEXT,
        st.dictionaries(NAMES, TEXT, max_size=2),
        st.dictionaries(NAMES, st.builds(SourceRead, TEXT, TEXT, st.none() | TEXT, COUNTS, COUNTS), max_size=2),
    ),  # fmt: skip
    st.sampled_from(PersonObject),
    st.booleans(),
    st.lists(st.builds(ConfigChange, NAMES, TEXT, SALESFORCE_VALUES, SALESFORCE_VALUES), max_size=2).map(tuple),
    st.lists(
        st.builds(
            PlanDiagnostic,
            st.sampled_from(Severity),
            TEXT,
            TEXT,
            st.none() | TEXT,
            st.none() | COUNTS,
            st.none() | COUNTS,
            TEXT,
        ),  # fmt: skip
        max_size=2,
    ).map(tuple),
    st.lists(RECORD_CHANGES, max_size=3).map(tuple),
    st.lists(SKIPS, max_size=3).map(tuple),
    st.lists(ENTRIES, max_size=2).map(tuple),
    st.lists(st.builds(ObjectEstimate, NAMES, COUNTS, COUNTS, st.sampled_from(Api), COUNTS, TEXT), max_size=2).map(
        tuple
    ),
    st.dictionaries(NAMES, st.dictionaries(NAMES, COUNTS, max_size=2), max_size=2),
    st.lists(IDENTITY, max_size=2).map(tuple),
    st.booleans(),
    tool_version=TEXT,
    derivation=st.none() | st.builds(DerivationSummary, COUNTS, COUNTS, COUNTS, COUNTS, TEXT),
)
TAGGED = st.one_of(
    RECORD_CHANGES.map(lambda r: ("change", r)),
    SKIPS.map(lambda r: ("skip", r)),
    ENTRIES.map(lambda r: ("play_entry", r)),
)
QUICK = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _through_json(value: Any) -> Any:
    return json.loads(json.dumps(value, ensure_ascii=False))


@QUICK
@given(TAGGED)
def test_every_record_survives_its_json_form_and_conforms_to_the_schema(tagged: tuple[str, Any]) -> None:
    tag, record = tagged
    written = _through_json(encode(record))
    assert plan_problems(written, tag) == []
    assert decode(type(record), written) == record


@QUICK
@given(PLANS)
def test_every_plan_survives_its_json_form_and_its_file(plan: Plan) -> None:
    document = _through_json(plan_to_json(plan))
    assert plan_problems(document) == []
    assert plan_from_json(document) == plan
    with TemporaryDirectory() as directory:
        save_plan(plan, Path(directory) / "plan")
        again = plan_from_file(Path(directory) / "plan")
        assert again == plan
        assert again.counts() == plan.counts()


@QUICK
@given(TAGGED)
def test_records_are_written_without_the_adapter_exactly_as_it_writes_them(tagged: tuple[str, Any]) -> None:
    _, record = tagged
    written = record_json(record)
    assert written is not None  # every value the strategies draw is one the records' writer takes
    assert written == adapted(record)
    assert json.dumps(written, ensure_ascii=False) == json.dumps(adapted(record), ensure_ascii=False)  # key order too
    assert decode(type(record), _through_json(written)) == record


@QUICK
@given(TAGGED, st.sampled_from([None, 1e-07, 1e16, 0.1, -2.5, 'é\u2028\x00"\\', 2**70]))
def test_a_records_line_is_the_one_json_writes_of_the_adapters_form(tagged: tuple[str, Any], value: Any) -> None:
    tag, record = tagged
    if isinstance(record, RecordChange):  # and with a value whose text the two JSON writers might not agree on
        extra = FieldChange("Amount", value, value, "person.amount", Policy.OWNED, "new record")
        record = replace(record, fields=(*record.fields, extra))
    form, line = encoded_line(tag, record)
    assert form == adapted(record)
    assert line == record_line(tag, adapted(record))


@pytest.mark.parametrize("value", [Decimal("1.50"), dt.date(2026, 1, 31), float("nan"), [1, 2], Severity.ERROR])
def test_a_record_holding_another_value_is_written_by_the_adapter(value: Any) -> None:
    change = FieldChange("Amount", None, value, "person.amount", Policy.OWNED, "new record")
    record = RecordChange("Lead/pe-1", "Lead", Action.CREATE, WorkspaceRef(Kind.PERSON, "pe-1"), None, "", (change,))
    assert record_json(record) is None
    assert encode(record) == adapted(record)


def test_known_after_apply_is_its_text_in_json_and_the_marker_when_read() -> None:
    change = FieldChange(
        "AccountId", None, KnownAfterApply("Account/co-1"), "company", Policy.OWNED, "", "Account/co-1"
    )
    written = _through_json(encode(change))
    assert written["after"] == KNOWN_AFTER_APPLY
    assert decode(FieldChange, written).after == KnownAfterApply("Account/co-1")
    plain_text = decode(FieldChange, {**written, "ref": None})  # without `ref` the text is only a text
    assert plain_text.after == KNOWN_AFTER_APPLY and not isinstance(plain_text.after, KnownAfterApply)


def test_read_back_mappings_are_read_only() -> None:
    plan = decode(Plan, _through_json(encode(_small_plan())))
    assert isinstance(plan.fingerprint.describes, MappingProxyType)
    assert isinstance(plan.refresh["Contact"], MappingProxyType)
    with pytest.raises(TypeError):
        plan.fingerprint.describes["Contact"] = "edited"  # type: ignore[index]


def test_a_plan_file_header_counts_are_held_read_only(tmp_path: Path) -> None:
    skip = Skip(WorkspaceRef(Kind.PERSON, "pe-1"), "Lead", SkipCode.EXCLUDED, "rule")
    save_plan(replace(_small_plan(), skips=(skip,)), tmp_path / "plan")
    tally = plan_from_file(tmp_path / "plan").tally
    assert isinstance(tally, MappingProxyType) and isinstance(tally["Lead"], MappingProxyType)
    assert tally["Lead"]["skip"] == 1


def test_a_record_of_the_wrong_shape_says_where() -> None:
    written = _through_json(encode(Skip(WorkspaceRef(Kind.PERSON, "pe-1"), "Lead", SkipCode.EXCLUDED, "rule")))
    with pytest.raises(ValueError, match=r"^code: Input should be 'excluded'"):
        decode(Skip, {**written, "code": "no_such_code"})
    with pytest.raises(ValueError, match=r"^workspace\.id: "):
        decode(Skip, {**written, "workspace": {"kind": "person"}})


def test_a_fingerprint_saved_before_sources_reads_with_none() -> None:
    written = encode(_small_plan().fingerprint)
    del written["sources"]
    assert decode(Fingerprint, written).sources == {}
    read = SourceRead("def", "dig", '{"int": "3"}', rows=2, rejected=1)
    assert decode(Fingerprint, {**written, "sources": {"crm": encode(read)}}).sources == {"crm": read}


def _small_plan() -> Plan:
    fingerprint = Fingerprint("lineage", 1, "00D", {"Contact": "d1"}, "c1", {"Contact": "2026-01-01"})
    return Plan(fingerprint, PersonObject.LEADS, True, (), (), (), (), (), (), refresh={"Contact": {"read": 3}})
