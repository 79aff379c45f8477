from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from sfsync.config import load_config
from sfsync.errors import ConfigError, Diagnostic, UsageError


def problems(path: Path) -> list[Diagnostic]:
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    return raised.value.diagnostics.sorted()


def test_a_valid_file_loads_with_its_source(write_config: Callable[[str], Path], valid_text: str) -> None:
    path = write_config(valid_text)
    loaded = load_config(path)
    assert loaded.path == path
    assert loaded.config.connection.auth.method == "password"
    assert loaded.source.text == valid_text
    assert loaded.warnings == ()


def test_every_problem_is_reported_in_one_pass(write_config: Callable[[str], Path], valid_text: str) -> None:
    text = valid_text + "sync:\n  api: soap\n  write: maybe\nmappings:\n  Lead:\n    Email: person.mail\nextra: 1\n"
    found = problems(write_config(text))
    assert [(d.position.line if d.position else None, d.summary) for d in found] == [
        (9, 'invalid value "soap" for sync.api'),
        (10, "sync.write must be true/false, not text"),
        (13, 'unknown workspace field "person.mail"'),
        (14, 'unknown key "extra"'),
    ]


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ("password: hunter2", "password"),
        ("password: '12345'", "password"),
        ("password: prefix-${SF_PASSWORD}", "password"),
        ("password_file: pw.txt\n    security_token: abcDEF123", "security_token"),
        ("password_file: pw.txt\n    api_token: abcDEF123", "api_token"),
    ],
)
def test_literal_secrets_are_errors_naming_the_line(
    write_config: Callable[[str], Path], valid_text: str, line: str, value: str
) -> None:
    text = valid_text.replace("password: ${SF_PASSWORD}", line)
    found = next(d for d in problems(write_config(text)) if "literal" in d.summary)
    assert found.summary == f"{value} is written in the file as a literal value"
    assert (
        found.position is not None
        and found.position.line
        == text.splitlines().index(next(row for row in text.splitlines() if row.strip().startswith(f"{value}:"))) + 1
    )
    assert "${SF_" in found.hint and f"{value}_file" in found.hint


def test_secret_files_and_references_are_accepted(write_config: Callable[[str], Path], valid_text: str) -> None:
    text = valid_text.replace("password: ${SF_PASSWORD}", "password_file: secrets/pw\n    security_token: ${TOKEN}")
    assert load_config(write_config(text)).config.connection.auth.method == "password"


def test_jinja_syntax_errors_in_play_defaults(write_config: Callable[[str], Path], valid_text: str) -> None:
    play = "plays:\n  - name: p\n    audience: {object: person}\n    sync_to_salesforce:\n      defaults:\n"
    text = valid_text + play + "        Lead: {Description: '{{ person.title | }}'}\n"
    (found,) = problems(write_config(text))
    assert found.summary.startswith("template syntax error:")
    assert found.path == ("plays", 0, "sync_to_salesforce", "defaults", "Lead", "Description")


def test_templates_may_only_read_fields_that_exist(write_config: Callable[[str], Path], valid_text: str) -> None:
    text = (
        valid_text + "defaults:\n  Lead:\n    Company: '{{ company.nam }}'\n    Title: '{{ person.attributes.role }}'\n"
    )
    (found,) = problems(write_config(text))
    assert found.summary == 'unknown workspace field "company.nam"'
    assert found.hint == 'did you mean "company.name"?'


def test_attributes_are_workspace_fields(write_config: Callable[[str], Path], valid_text: str) -> None:
    text = valid_text + "mappings:\n  Lead:\n    Segment__c: company.attributes.segment\n"
    assert load_config(write_config(text)).config.mappings["Lead"]["Segment__c"].from_ == "company.attributes.segment"


def test_person_filters_may_read_the_company(write_config: Callable[[str], Path], valid_text: str) -> None:
    where = "{field: company.industry, op: eq, value: Retail}"
    text = valid_text + f"exclusions:\n  - name: retail\n    applies_to: person\n    where: {where}\n"
    assert load_config(write_config(text)).config.exclusions[0].name == "retail"
    company_only = text.replace("applies_to: person", "applies_to: company").replace("company.industry", "person.title")
    (found,) = problems(write_config(company_only))
    assert found.summary == 'this filter cannot use person fields ("person.title")'


def test_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file"):
        load_config(tmp_path / "absent.yaml")
