from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from ruamel.yaml.composer import Composer

from sfsync.config import load_config
from sfsync.config.source import ALIAS_BUDGET, parse
from sfsync.errors import Position

TEXT = """\
version: 1
connection:
  instance_url: ${SF_INSTANCE_URL}
  auth: {method: session, access_token: "${SF_ACCESS_TOKEN}"}
mappings:
  Lead:
    Email: person.email
    Title:
      from: person.title
exclusions:
  - name: customers
    applies_to: company
    where: {salesforce: Account, field: Type, op: eq, value: Customer}
"""


def test_positions_of_keys_and_values(write_config: Callable[[str], Path]) -> None:
    path = write_config(TEXT)
    loaded = load_config(path)
    assert loaded.position(("mappings", "Lead", "Email")) == Position(str(path), 7, 12)
    assert loaded.position(("mappings", "Lead", "Email"), key=True) == Position(str(path), 7, 5)
    assert loaded.position(("connection", "auth", "access_token")) == Position(str(path), 4, 41)
    assert loaded.position(("exclusions", 0, "where", "field")) == Position(str(path), 13, 41)


def test_model_names_and_absent_parts_fall_back_to_what_is_written(write_config: Callable[[str], Path]) -> None:
    path = write_config(TEXT)
    loaded = load_config(path)
    assert loaded.position(("mappings", "Lead", "Title", "from_")) == Position(str(path), 9, 13)
    # A shorthand mapping has no `from` key: the shorthand value is where it is written.
    assert loaded.position(("mappings", "Lead", "Email", "from_")) == Position(str(path), 7, 12)
    assert loaded.position(("sync", "write")) == Position(str(path), 1, 1)


def test_duplicate_keys_are_all_reported_with_the_first_place() -> None:
    document = parse("a: 1\nb: 2\na: 3\nc:\n  d: 1\n  d: 2\n", "f.yaml")
    summaries = [(d.summary, d.position, d.hint) for d in document.problems]
    assert summaries == [
        (
            'duplicate key "a"',
            Position("f.yaml", 3, 1),
            "first defined on line 1; a key may appear only once in a mapping",
        ),
        (
            'duplicate key "d"',
            Position("f.yaml", 6, 3),
            "first defined on line 5; a key may appear only once in a mapping",
        ),
    ]


def test_merge_keys_are_not_duplicates() -> None:
    document = parse("base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n", "f.yaml")
    assert document.problems == ()
    assert document.value == {"base": {"x": 1}, "other": {"x": 1, "y": 2}}


def test_syntax_errors_are_positioned() -> None:
    document = parse("a:\n  b: [1, 2\n", "f.yaml")
    assert document.value is None
    (problem,) = document.problems
    assert problem.summary.startswith("YAML syntax error:")
    assert problem.position == Position("f.yaml", 2, 11)  # just after the last character


def test_values_are_plain_python() -> None:
    document = parse("a: 1.5\nb: true\nc: 2024-01-02\nd: [x, 2]\n", "f.yaml")
    assert document.value == {"a": 1.5, "b": True, "c": "2024-01-02", "d": ["x", 2]}
    assert type(document.value["a"]) is float  # type: ignore[index]


def _aliases_repeating(count: int) -> str:
    """A document whose one alias-shared list of `count - 1` scalars is copied once: `count` repeated values."""
    items = ", ".join(["x"] * (count - 1))
    return f"a: &shared [{items}]\nb: *shared\n"


def test_aliases_may_repeat_up_to_the_budget() -> None:
    document = parse(_aliases_repeating(ALIAS_BUDGET), "c.yaml")
    assert document.problems == ()
    assert document.value == {"a": ["x"] * (ALIAS_BUDGET - 1), "b": ["x"] * (ALIAS_BUDGET - 1)}


def test_aliases_that_repeat_more_than_the_budget_are_one_positioned_error() -> None:
    document = parse(_aliases_repeating(ALIAS_BUDGET + 1), "c.yaml")
    assert document.value is None
    [problem] = document.problems
    assert problem.position == Position("c.yaml", 1, 4)  # the anchored block that is copied
    assert f"more than {ALIAS_BUDGET:,} values" in problem.summary


def test_a_document_is_parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The composed node tree gives both the duplicate keys and the document (a second parse cost a config load
    as much again)."""
    composed: list[object] = []
    original = Composer.compose_document
    monkeypatch.setattr(Composer, "compose_document", lambda self: composed.append(self) or original(self))
    document = parse("a: 1\nb: [x, y]\na: 2\n", "f.yaml")
    assert len(composed) == 1
    assert document.value == {"a": 1, "b": ["x", "y"]}  # the first value stays, as `YAML.load` keeps it
    assert [d.summary for d in document.problems] == ['duplicate key "a"']


def test_an_empty_document_is_none() -> None:
    assert parse("", "f.yaml").value is None
    assert parse("# only a comment\n", "f.yaml").value is None
