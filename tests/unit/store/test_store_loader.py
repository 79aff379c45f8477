from __future__ import annotations

import csv
import datetime as dt
import sys
from pathlib import Path

import pytest

from sfsync.catalogue import FieldType, Kind
from sfsync.errors import UsageError
from sfsync.store import Store
from sfsync.store.loader import LoadSummary, Rejection, load_workspace
from sfsync.store.loader.coerce import BadValue, coerce

DATA = Path(__file__).parents[2] / "data" / "workspace"


def load(store: Store, path: Path, kind: Kind, batch_size: int = 1000) -> tuple[LoadSummary, list[Rejection]]:
    rejections: list[Rejection] = []
    summary = load_workspace(store, path, kind, rejections.append, batch_size)
    return summary, rejections


def test_a_good_csv_loads_every_row_with_typed_normalised_values(store: Store) -> None:
    summary, rejections = load(store, DATA / "people-good.csv", Kind.PERSON)
    assert rejections == []
    assert summary == LoadSummary(loaded=3)
    ada = store.workspace.find(Kind.PERSON, "ada.lovelace@analytical.example")
    assert ada is not None
    assert ada.values["email"] == "Ada.Lovelace@Analytical.example"
    assert (ada.values["first_name"], ada.values["last_name"]) == ("Ada", "Lovelace")
    assert ada.values["company_domain"] == "analytical.example"
    assert ada.values["do_not_call"] is True and ada.values["eu_resident"] is True
    assert ada.values["last_activity_date"] == dt.date(2024, 5, 1)
    assert ada.attributes == {"Favourite Colour": "green"}
    grace = store.workspace.find(Kind.PERSON, "grace@navy.example")
    assert grace is not None and grace.values["title"].startswith("Rear Admiral,")
    alan = store.workspace.find(Kind.PERSON, "alan@bletchley.example")
    assert alan is not None and alan.attributes == {} and alan.values["title"] is None


def test_loading_twice_changes_nothing(store: Store) -> None:
    load(store, DATA / "people-good.csv", Kind.PERSON)
    before = list(store.workspace.records(Kind.PERSON))
    summary, _ = load(store, DATA / "people-good.csv", Kind.PERSON)
    assert summary == LoadSummary(unchanged=3)
    assert list(store.workspace.records(Kind.PERSON)) == before


def test_every_broken_csv_row_is_rejected_by_line_and_the_good_ones_load(store: Store) -> None:
    summary, rejections = load(store, DATA / "people-bad.csv", Kind.PERSON, batch_size=3)
    assert summary == LoadSummary(loaded=2, rejected=7)
    reasons = {r.line: r.reason for r in rejections}
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 9]
    assert reasons[3].startswith("bad email")
    assert reasons[4] == "missing key: email (or id)"
    assert reasons[5] == "wrong column count: expected 6, found 3"
    assert reasons[6].startswith("invalid UTF-8; the file looks like ")
    assert reasons[7].startswith("bad boolean 'maybe'")
    assert reasons[8].startswith("bad date '01/02/2024'")
    assert reasons[9].startswith("bad domain") and "'company_domain'" in reasons[9]
    assert str(rejections[0]) == f"{DATA / 'people-bad.csv'}:3: error: {reasons[3]}"
    assert {r.key for r in store.workspace.records(Kind.PERSON)} == {"ok@example.com", "also-ok@example.com"}


def test_jsonl_companies_load_with_typed_values_and_attributes(store: Store) -> None:
    summary, rejections = load(store, DATA / "companies-good.jsonl", Kind.COMPANY)
    assert (summary, rejections) == (LoadSummary(loaded=3), [])
    acme = store.workspace.find(Kind.COMPANY, "acme.example")
    assert acme is not None
    assert acme.values["domain"] == "acme.example"
    assert (acme.values["employee_count"], acme.values["revenue"]) == (250, 1.5e7)
    assert (acme.values["revenue_currency"], acme.values["intent_level"]) == ("USD", "High")
    assert acme.values["founded"] == dt.date(1999, 4, 1) and acme.values["do_not_contact"] is False
    assert acme.attributes == {"Segment": "Enterprise", "tier": 1}
    globex = store.workspace.find(Kind.COMPANY, "globex.example")
    assert globex is not None and globex.values["employee_count"] == 40
    initech = store.workspace.get(Kind.COMPANY, "crm-initech")
    assert initech is not None and initech.key == "initech.example"


def test_every_broken_jsonl_row_is_rejected_by_line(store: Store) -> None:
    summary, rejections = load(store, DATA / "companies-bad.jsonl", Kind.COMPANY)
    assert summary == LoadSummary(loaded=2, rejected=9)
    reasons = {r.line: r.reason for r in rejections}
    assert sorted(reasons) == list(range(2, 11))
    assert reasons[2].startswith("bad domain")
    assert reasons[3] == "missing key: domain (or id)"
    assert reasons[4].startswith("bad number 'many'") and reasons[5].startswith("bad number '1e400'")
    assert reasons[6].startswith("bad currency code") and reasons[7].startswith("bad intent level")
    assert reasons[8].startswith("invalid JSON") and reasons[9] == "expected a JSON object"
    assert reasons[10].startswith("invalid UTF-8; the file looks like ")


def test_line_numbers_count_physical_lines_across_quoted_newlines(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text('email,title\na@example.com,"one\ntwo\nthree"\nbad,x\n', encoding="utf-8")
    summary, rejections = load(store, path, Kind.PERSON)
    assert summary.loaded == 1
    assert [r.line for r in rejections] == [5]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("first_name,last_name\nA,B\n", "no email or id column"),
        ("Email,email\na@example.com,b@example.com\n", "both name person.email"),
        ("email,Notes,notes\na@example.com,x,y\n", "columns 'Notes' and 'notes' both name person.attributes.notes"),
        ("email,,x\na@example.com,1,2\n", "column 2 has no name"),
        ("", "no header row"),
    ],
)
def test_a_bad_header_refuses_the_whole_file(store: Store, tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "people.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UsageError, match=message):
        load(store, path, Kind.PERSON)
    assert store.workspace.count(Kind.PERSON) == 0


def test_a_missing_file_is_a_usage_error(store: Store, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file"):
        load(store, tmp_path / "nope.csv", Kind.PERSON)


def test_a_100k_row_file_loads_in_batches(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Email", "First Name", "Last Name", "Company Domain", "Score"])
        for n in range(100_000):
            writer.writerow(
                [f"Person.{n}@Company{n % 997}.example", f"First{n}", f"Last{n}", f"company{n % 997}.example", n]
            )
        writer.writerow(["broken", "", "", "", ""])
    summary, rejections = load(store, path, Kind.PERSON)
    assert summary == LoadSummary(loaded=100_000, rejected=1)
    assert [r.line for r in rejections] == [100_002]
    assert store.workspace.count(Kind.PERSON) == 100_000
    last = store.workspace.find(Kind.PERSON, "person.99999@company299.example")
    assert last is not None and last.attributes == {"Score": "99999"}


def test_progress_is_reported_after_each_committed_batch(store: Store) -> None:
    seen: list[LoadSummary] = []
    load_workspace(store, DATA / "people-bad.csv", Kind.PERSON, lambda _: None, batch_size=3, on_progress=seen.append)
    assert [s.loaded + s.rejected for s in seen] == [3, 6, 9]
    assert seen[-1] == LoadSummary(loaded=2, rejected=7)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("on", True), ("OFF", False), ("t", True), ("f", False), ("Yes", True), ("0", False), (1, True), (False, False)],
)
def test_booleans_are_read_strictly(cell: object, expected: bool) -> None:
    assert coerce(FieldType.BOOLEAN, cell) is expected


@pytest.mark.parametrize("cell", ["maybe", "2", "tru", "onn"])
def test_a_text_that_is_no_boolean_is_refused(cell: str) -> None:
    with pytest.raises(BadValue, match="on/off"):
        coerce(FieldType.BOOLEAN, cell)


def test_an_attribute_loaded_again_in_another_case_replaces_it(store: Store, tmp_path: Path) -> None:
    (tmp_path / "first.csv").write_text("email,Notes\nada@example.com,first\n", encoding="utf-8")
    (tmp_path / "again.csv").write_text("email,notes\nada@example.com,again\n", encoding="utf-8")
    load(store, tmp_path / "first.csv", Kind.PERSON)
    load(store, tmp_path / "again.csv", Kind.PERSON)
    ada = store.workspace.find(Kind.PERSON, "ada@example.com")
    assert ada is not None and ada.attributes == {"notes": "again"}


def test_hostile_jsonl_rows_are_rejected_by_line_and_every_good_row_loads(store: Store, tmp_path: Path) -> None:
    lines = [
        '{"email": "a@initech.example"}',
        '{"email": "b@initech.example", "first_name": "\\ud800"}',
        '{"email": "c@initech.example", "first_name": ' + "[" * 3000 + "]" * 3000 + "}",
        '{"email": "d@initech.example", "score": ' + "9" * 5000 + "}",
        '{"email": "e@initech.example", "first_name": "nul\\u0000here"}',
        '{"email": "f@initech.example", "score": Infinity}',
        '{"email": "g@initech.example", "x": {"\\udfff": 1}}',
        '{"email": "h@initech.example"}',
    ]
    path = tmp_path / "people.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    summary, rejections = load(store, path, Kind.PERSON, batch_size=2)  # a bad row inside every batch
    reasons = {r.line: r.reason for r in rejections}
    assert summary == LoadSummary(loaded=2, rejected=6)
    assert sorted(reasons) == [2, 3, 4, 5, 6, 7]
    assert "lone surrogate" in reasons[2] and "lone surrogate" in reasons[7]
    assert reasons[3] == "invalid JSON: nested too deeply"
    assert reasons[4] == f"invalid JSON: a number has more than {sys.get_int_max_str_digits():,} digits"
    assert "U+0000" in reasons[5] and reasons[6] == "invalid JSON: Infinity is not a JSON value"
    assert store.workspace.find(Kind.PERSON, "h@initech.example") is not None


def test_a_csv_in_another_encoding_says_which_and_how_to_convert_it(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    rows = ["email,first_name,title"] + [f"p{n}@initech.example,João,Diretor de Operações" for n in range(20)]
    path.write_bytes("\n".join(rows).encode("cp1252"))
    summary, rejections = load(store, path, Kind.PERSON)
    assert summary.rejected == 20
    first, *rest = rejections
    assert first.line == 2 and first.reason.startswith("invalid UTF-8; the file looks like CP1252")
    assert f"iconv -f CP1252 -t UTF-8 {path} > {tmp_path / 'people-utf8.csv'}" in first.reason
    assert {r.reason for r in rest} == {"invalid UTF-8"}  # said once, not on every line
