"""The plan file: gzip members of NDJSON lines (header, a line per record, seal), read back record by record."""

from __future__ import annotations

import gzip
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from engine_support import CONTACTS, add_companies, add_people
from plan_file_support import file_lines

from sfsync.engine.planning.planner import make_plan
from sfsync.engine.plans import sections
from sfsync.engine.plans.file import PlanFile, PlanSpool, open_plan, plan_from_file, save_plan, write_plan_file
from sfsync.engine.plans.json_form import plan_head_json, plan_to_json
from sfsync.engine.plans.plan import FORMAT_VERSION, Plan, PlayEntry, Skip, SkipCode, WorkspaceRef
from sfsync.engine.plans.records import FileRecords
from sfsync.engine.plans.sections import Section, first_member, record_line
from sfsync.errors import UsageError


@pytest.fixture
def plan(store: Any, port: Any, write_config: Any) -> Plan:
    port.seed("Contact", LastName="Hopper", Email="grace@acme.example", Title="Rear Admiral")
    add_companies(store, {"domain": "acme.example", "name": "Acme", "intent_level": "High"})
    add_people(
        store,
        {"email": "ada@acme.example", "last_name": "Lovelace", "company_domain": "acme.example"},
        {"email": "grace@acme.example", "last_name": "Hopper", "title": "Admiral", "company_domain": "acme.example"},
        {"email": "nobody@acme.example", "last_name": "Nobody \u00e9 [bold]\u2192", "company_domain": "acme.example"},
    )
    made = make_plan(port, store, write_config(CONTACTS))
    skip = Skip(WorkspaceRef("person", "pe-9", "nobody"), None, SkipCode.NO_EMAIL, "no email")
    return replace(made, skips=(*made.skips, skip), play_entries=(PlayEntry("high-intent", "person", "pe-9"),))


@pytest.fixture
def saved(plan: Plan, tmp_path: Path) -> Path:
    path = tmp_path / "plan.json"
    save_plan(plan, path, bytes(32))
    return path


def test_a_saved_plan_reads_back_as_the_same_value(plan: Plan, saved: Path) -> None:
    again = plan_from_file(saved)
    assert isinstance(again.changes, FileRecords) and len(again.changes) == len(plan.changes) >= 3
    assert again == plan
    assert json.loads(json.dumps(plan_to_json(again))) == json.loads(json.dumps(plan_to_json(plan)))
    assert list(again.changes) == list(again.changes) == list(plan.changes)  # re-iterable, in plan order
    assert again.changes[1] == plan.changes[1] and again.changes[-1] == plan.changes[-1]


def test_zcat_shows_the_header_a_line_per_record_then_the_seal(plan: Plan, saved: Path) -> None:
    assert saved.read_bytes()[:2] == b"\x1f\x8b"
    lines = file_lines(saved)
    header = lines[0]
    assert list(header)[:2] == ["format_version", "tool_version"] and header["format_version"] == FORMAT_VERSION == 2
    assert {k: v for k, v in header.items() if k != "records"} == json.loads(json.dumps(plan_head_json(plan)))
    expected = [
        *({"change": c} for c in plan_to_json(plan)["changes"]),
        *({"skip": s} for s in plan_to_json(plan)["skips"]),
        *({"play_entry": e} for e in plan_to_json(plan)["play_entries"]),
    ]
    assert lines[1:-1] == json.loads(json.dumps(expected)) and len(plan.skips) >= 1
    assert list(lines[-1]) == ["seal"] and lines[-1]["seal"].startswith("hmac-sha256:")


def test_the_summary_is_read_from_the_header_alone(plan: Plan, saved: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened = open_plan(saved)
    assert isinstance(opened, PlanFile)
    header, end = first_member(_Bytes(saved.read_bytes()))
    assert opened.header == header and end < saved.stat().st_size

    def unread(_self: Section) -> Any:
        raise AssertionError("a record was read")

    monkeypatch.setattr(Section, "text", unread)
    again = opened.plan()
    assert again.counts() == plan.counts() and len(again.changes) == len(plan.changes)
    assert again.fingerprint == plan.fingerprint and again.diagnostics == plan.diagnostics and again.has_writes


def test_unicode_is_written_as_it_is(saved: Path) -> None:
    assert "Nobody \u00e9 [bold]\u2192" in gzip.decompress(saved.read_bytes()).decode()


def test_a_plan_of_format_1_is_read_whole_for_show_and_refused_for_apply(plan: Plan, tmp_path: Path) -> None:
    old = tmp_path / "old.json"
    old.write_text(json.dumps({**plan_to_json(plan), "format_version": 1}, indent=2), encoding="utf-8")
    assert plan_from_file(old) == plan
    with pytest.raises(UsageError, match="format 1 .*saved by an earlier sfsync.*Run `sfsync plan -o FILE` again"):
        open_plan(old, legacy=False)


@pytest.mark.parametrize("content", [b"", b"\x1f\x8b garbage", b'{"format_version": 1,', b"\x00\x01"])
def test_what_is_not_a_plan_file_is_said(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "plan.json"
    path.write_bytes(content)
    with pytest.raises(UsageError, match="not a plan file|unsupported plan format_version"):
        plan_from_file(path)


def test_another_format_version_is_refused(saved: Path, tmp_path: Path) -> None:
    lines = gzip.decompress(saved.read_bytes()).split(b"\n", 1)
    future = tmp_path / "future.json"
    future.write_bytes(gzip.compress(lines[0].replace(b'"format_version":2', b'"format_version":3') + b"\n"))
    with pytest.raises(UsageError, match="unsupported plan format_version 3"):
        plan_from_file(future)


def test_a_damaged_record_is_a_usage_error_when_read(saved: Path) -> None:
    data = bytearray(saved.read_bytes())
    opened = open_plan(saved)
    assert isinstance(opened, PlanFile)
    middle = opened.sections["changes"].offset + opened.sections["changes"].length // 2
    data[middle] ^= 0xFF
    saved.write_bytes(bytes(data))
    with pytest.raises(UsageError, match="malformed plan"):
        list(plan_from_file(saved).changes)


class _Bytes:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def read_at(self, offset: int, size: int) -> bytes:
        return self.data[offset : offset + size]


def test_a_plan_made_into_a_spool_is_read_back_from_it(
    store: Any, port: Any, write_config: Any, tmp_path: Path
) -> None:
    add_companies(store, {"domain": "acme.example", "name": "Acme", "intent_level": "High"})
    add_people(
        store,
        *({"email": f"p{n}@acme.example", "last_name": f"P{n}", "company_domain": "acme.example"} for n in range(30)),
    )
    loaded = write_config(CONTACTS)
    held = make_plan(port, store, loaded)
    store.derivations.clear()  # derived again, into the spool this time
    spool = PlanSpool(tmp_path)
    try:
        spooled = make_plan(port, store, loaded, spool=spool)
        assert isinstance(spooled.changes, FileRecords) and isinstance(spooled.skips, FileRecords)
        assert spooled == held and spooled.counts() == held.counts() and spooled.estimates == held.estimates
        assert [c.key for c in spooled.changes][:1] == ["Account/" + held.changes[0].workspace.id]
        path = tmp_path / "plan.json"
        with path.open("wb") as out:
            write_plan_file(out, spooled, spool, bytes(32))  # the spooled bytes, copied as they are
        assert plan_from_file(path) == held
    finally:
        spool.discard()


def test_sections_are_read_in_small_pieces_across_gzip_members(
    plan: Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sections, "CHUNK", 7)  # every read, and every piece decompressed, cut short
    path = tmp_path / "plan.json"
    save_plan(plan, path, bytes(32))
    assert plan_from_file(path) == plan
    lines = [record_line("skip", {"n": n}) for n in range(40)]
    blob = sections.compressed(b"".join(lines[:25])) + sections.compressed(b"".join(lines[25:]))
    section = Section(_Bytes(blob), "skip", 0, len(blob), 40, "")
    assert max(len(piece) for piece in section.text()) <= 7
    assert list(section.values()) == [{"n": n} for n in range(40)]


def test_records_are_checked_on_the_first_whole_pass_only(saved: Path) -> None:
    seen: list[str] = []
    opened = open_plan(saved)
    assert isinstance(opened, PlanFile)
    plan = opened.plan(check=lambda tag, _value: seen.append(tag))
    count = len(plan.changes)
    assert plan.changes[0] is not None and seen == ["change"]  # a partial pass: checked so far, not done
    list(plan.changes)
    list(plan.changes)
    assert seen.count("change") == 1 + count


def test_a_plan_file_compressed_again_as_one_member_is_refused_saying_so(saved: Path) -> None:
    saved.write_bytes(gzip.compress(gzip.decompress(saved.read_bytes())))
    with pytest.raises(UsageError, match="not a plan file: .*the file was compressed again"):
        plan_from_file(saved)
