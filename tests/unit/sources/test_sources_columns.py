"""`columns:` renames a source's columns to the loader's names; attributes go under `attributes`."""

from __future__ import annotations

from sfsync.sources.columns import ColumnMap

COLUMNS = ColumnMap.of(
    {"Mail": "person.email", "Surname": "person.last_name", "title": "person.attributes.title", "who": "email.person"}
)


def test_mapped_columns_are_renamed_and_others_kept() -> None:
    row = COLUMNS.row({"Mail": "a@x.example", "Surname": "Ng", "City": "Oslo"})
    assert row == {"email": "a@x.example", "last_name": "Ng", "City": "Oslo"}


def test_an_attribute_is_never_taken_for_a_standard_field_of_its_name() -> None:
    row = COLUMNS.row({"Mail": "a@x.example", "title": "Chief", "attributes": {"tier": "gold"}})
    assert row == {"email": "a@x.example", "attributes": {"tier": "gold", "title": "Chief"}}


def test_the_header_checked_is_the_renamed_one_without_attributes() -> None:
    assert COLUMNS.header(["Mail", "Surname", "title", "City"]) == ["email", "last_name", "City"]
    assert COLUMNS.header(["who"]) == ["person"]
