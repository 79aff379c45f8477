"""Whatever a file holds, loading it yields a config or positioned diagnostics, never a crash."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from sfsync.config import load_config
from sfsync.config.formatting import format_text
from sfsync.config.source import parse
from sfsync.errors import ConfigError

KEYS = [
    "version", "connection", "instance_url", "api_version", "auth", "method", "username", "password",
    "password_file", "security_token", "client_id", "client_secret", "private_key_file", "access_token",
    "sfdx_url", "ca_bundle", "timeout_seconds", "store", "sync", "write", "read", "person_object",
    "owned_prefix", "external_id_field", "api", "mappings", "Lead", "Account", "Contact", "Email",
    "Sfsync_Intent__c", "from", "direction", "policy", "sensitive", "defaults", "exclusions", "plays",
    "name", "applies_to", "where", "all", "any", "not", "field", "op", "value", "salesforce", "audience",
    "object", "sync_to_salesforce", "Company", "Bad Key", "",
]  # fmt: skip
WORDS = [
    "1", "password", "jwt", "session", "leads", "person.email", "company.name", "person.nope", "eq", "in",
    "is_null", "owned", "read_write", "${SF_PASSWORD}", "${BAD VAR}", "{{ company.name }}", "{{ oops",
    "{% if %}", "hunter2", "company", "person", "Opportunity", "true", "null", "2024-01-01", "59.0",
]  # fmt: skip
TOKENS = [*KEYS, *WORDS, ": ", ":", "\n", "  ", "\t", "- ", "{", "}", "[", "]", ", ", "'", '"', "&a ", "*a",
          "<<: ", "---\n", "# c", "|\n", ">-\n", "!tag ", "%YAML 1.2\n", "? ", "\\", "\x00", "\ufeff"]  # fmt: skip

yamlish = st.lists(st.sampled_from(TOKENS), max_size=60).map("".join)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.sampled_from(WORDS), st.text(max_size=8)
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.sampled_from(KEYS), children, max_size=5)
    ),
    max_leaves=30,
)
BASE = {
    "version": 1,
    "connection": {
        "instance_url": "${SF_INSTANCE_URL}",
        "auth": {"method": "session", "access_token": "${SF_ACCESS_TOKEN}"},
    },
}


def assert_loads_or_positions(path: Path) -> None:
    try:
        load_config(path)
    except ConfigError as error:
        assert len(error.diagnostics) > 0
        for diagnostic in error.diagnostics:
            assert diagnostic.position is not None, diagnostic
            assert diagnostic.position.line >= 1 and diagnostic.position.column >= 1, diagnostic
            assert diagnostic.summary


@given(text=st.one_of(yamlish, st.text(max_size=200)))
def test_arbitrary_text(tmp_path: Path, text: str) -> None:
    path = tmp_path / "sfsync.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    assert_loads_or_positions(path)


@given(document=documents, sections=st.dictionaries(st.sampled_from(KEYS), documents, max_size=4))
def test_arbitrary_documents(tmp_path: Path, document: object, sections: dict[str, object]) -> None:
    path = tmp_path / "sfsync.yaml"
    for candidate in (document, {**BASE, **sections}):
        path.write_text(json.dumps(candidate, indent=2), encoding="utf-8")
        assert_loads_or_positions(path)


@given(document=documents)
def test_formatting_arbitrary_documents_is_stable(document: object) -> None:
    for text in (json.dumps(document, indent=2), json.dumps(document)):
        once = format_text(text, "f.yaml")
        assert format_text(once, "f.yaml") == once
        assert parse(once, "f.yaml").value == parse(text, "f.yaml").value


@given(text=yamlish)
def test_formatting_arbitrary_text_keeps_its_meaning(text: str) -> None:
    try:
        once = format_text(text, "f.yaml")
    except ConfigError:
        return  # not YAML: fmt reports it and changes nothing
    assert format_text(once, "f.yaml") == once
    assert parse(once, "f.yaml").value == parse(text, "f.yaml").value
