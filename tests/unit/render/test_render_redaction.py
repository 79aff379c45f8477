"""Sensitive values never reach any view: asserted on the rendered strings themselves."""

from __future__ import annotations

import copy
import io

import pytest
from plan_cases import ENCRYPTED, SECRET_VALUES, case_json

from sfsync.engine.row_report import RowReport
from sfsync.engine.sensitive import encrypted_fields
from sfsync.render.events import NdjsonSink, emit_plan
from sfsync.render.redact import (
    SENSITIVE,
    looks_secret,
    redact_plan,
    scrubber,
    sensitive_values,
)
from sfsync.render.views import FORMATS, render_plan_view
from sfsync.salesforce.port import FieldInfo, ObjectDescribe


@pytest.mark.parametrize("output", FORMATS)
def test_no_sensitive_value_in_any_view(output: str) -> None:
    rendered = render_plan_view(case_json("sensitive_values"), output, encrypted=ENCRYPTED)
    for secret in SECRET_VALUES:
        assert secret not in rendered
    assert SENSITIVE in rendered
    assert "CTO" in rendered  # values that are not sensitive are still shown


def test_no_sensitive_value_in_the_event_stream() -> None:
    body = case_json("sensitive_values")
    stream = io.StringIO()
    sink = NdjsonSink(stream, "apply", scrub=scrubber(sensitive_values(body, encrypted=ENCRYPTED)))
    emit_plan(sink, redact_plan(body, encrypted=ENCRYPTED))
    sink.row_result(RowReport("k", "Contact", "update", "rejected", message="bad value tok_live_51HxYzSecret"))
    for secret in SECRET_VALUES:
        assert secret not in stream.getvalue()


def test_the_plan_given_is_not_changed() -> None:
    body = case_json("sensitive_values")
    before = copy.deepcopy(body)
    redact_plan(body, encrypted=ENCRYPTED)
    assert body == before


def test_empty_values_stay_visible_so_a_reader_sees_the_field_was_empty() -> None:
    redacted = redact_plan(case_json("sensitive_values"), encrypted=ENCRYPTED)
    note = next(f for f in redacted["changes"][0]["fields"] if f["field"] == "Encrypted_Note__c")
    assert (note["before"], note["after"], note["sensitive"]) == (None, SENSITIVE, True)


def test_structural_strings_are_never_scrubbed() -> None:
    body = case_json("first_apply")
    body["changes"][1]["fields"][1]["sensitive"] = True
    body["changes"][1]["fields"][1]["after"] = "Contact"  # a value equal to an object name
    redacted = redact_plan(body)
    assert redacted["changes"][1]["sobject"] == "Contact"
    assert redacted["changes"][1]["fields"][1]["after"] == SENSITIVE


def test_credentials_in_config_changes_are_masked_but_references_stay() -> None:
    body = case_json("nothing_to_do")
    body["config_diff"] = [
        {"kind": "connection_changed", "path": "connection.auth", "before": {"password": "${SF_PASSWORD}"},
         "after": {"client_secret": "hunter2", "method": "password"}},
    ]  # fmt: skip
    entry = redact_plan(body)["config_diff"][0]
    assert entry["before"] == {"password": "${SF_PASSWORD}"}
    assert entry["after"] == {"client_secret": SENSITIVE, "method": "password"}


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("Api_Token__c", True),
        ("Password__c", True),
        ("Client_Secret__c", True),
        ("SSN__c", True),
        ("Private_Key__c", True),
        ("Email", False),
        ("Title", False),
        ("Sfsync_Intent__c", False),
    ],
)
def test_names_that_look_like_secrets(name: str, secret: bool) -> None:
    assert looks_secret(name) is secret


def test_encrypted_fields_come_from_describes() -> None:
    fields = {
        "Title": FieldInfo("Title", "string"),
        "Vault__c": FieldInfo("Vault__c", "encryptedstring", encrypted=True),
    }
    describe = ObjectDescribe("Contact", True, True, True, fields, "digest")
    assert encrypted_fields({"Contact": describe}) == {("Contact", "Vault__c")}


def test_sensitive_defaults_inside_a_play_are_masked() -> None:
    body = case_json("sensitive_values")
    defaults = {"Contact": {"Tax_Id__c": "123-45-6789", "Title": "VIP"}}
    play = {"name": "vip", "sync_to_salesforce": {"defaults": defaults}}
    body["config_diff"] = [{"kind": "play_added", "path": "plays.vip", "before": None, "after": play}]
    out = render_plan_view(body, "json")
    assert "123-45-6789" not in out
    assert '"Title": "VIP"' in out
