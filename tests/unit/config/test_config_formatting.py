from __future__ import annotations

from pathlib import Path

import pytest

from sfsync.config.formatting import format_text
from sfsync.config.source import parse
from sfsync.errors import ConfigError

EXAMPLES = sorted(Path(__file__).resolve().parents[3].joinpath("examples").glob("*/sfsync.yaml"))

MESSY = """\
# modeline stays first
version: 1
connection:
    instance_url: '${SF_INSTANCE_URL}'   # trailing comment kept (at its column)
    api_version: '62.0'
    auth:
        method: session
        access_token: "${SF_ACCESS_TOKEN}"
exclusions:
- name: a
    # a comment about applies_to
  applies_to: company
  where: {field: company.name, op: in, value: ['x', "y"]}
defaults:
  Lead:
    Company: '{{ company.name }}'
"""

EXPECTED = """\
# modeline stays first
version: 1
connection:
  instance_url: ${SF_INSTANCE_URL}       # trailing comment kept (at its column)
  api_version: "62.0"
  auth:
    method: session
    access_token: ${SF_ACCESS_TOKEN}
exclusions:
  - name: a
    # a comment about applies_to
    applies_to: company
    where: {field: company.name, op: in, value: [x, y]}
defaults:
  Lead:
    Company: "{{ company.name }}"
"""


def test_canonical_indentation_and_quoting_keep_comments_and_order() -> None:
    assert format_text(MESSY, "f.yaml") == EXPECTED


def test_formatting_is_idempotent_and_keeps_the_meaning() -> None:
    once = format_text(MESSY, "f.yaml")
    assert format_text(once, "f.yaml") == once
    assert parse(once, "f.yaml").value == parse(MESSY, "f.yaml").value


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.parent.name)
def test_examples_are_formatted(example: Path) -> None:
    text = example.read_text(encoding="utf-8")
    assert format_text(text, str(example)) == text


def test_hash_lines_inside_block_scalars_are_content() -> None:
    text = "defaults:\n  Lead:\n    Description: |\n      first\n        # not a comment\n"
    assert parse(format_text(text, "f.yaml"), "f.yaml").value == parse(text, "f.yaml").value


def test_invalid_yaml_is_not_formatted() -> None:
    with pytest.raises(ConfigError) as raised:
        format_text("a: 1\na: 2\n", "f.yaml")
    assert raised.value.diagnostics.items[0].summary == 'duplicate key "a"'


def test_a_file_of_comments_stays_as_it_is() -> None:
    assert format_text("# just a note\n\n", "f.yaml") == "# just a note\n"
    assert format_text("", "f.yaml") == ""
