from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion
from terminal import run_on_terminal

from sfsync.cli import run
from sfsync.config import canonical, load_config

ROOT = Path(__file__).resolve().parents[2]
INVALID = sorted((ROOT / "tests/cases/invalid").glob("*.yaml"))
VALID = sorted((ROOT / "tests/cases/valid").glob("*.yaml"))
EXAMPLES = sorted((ROOT / "examples").glob("*/sfsync.yaml"))
HEADLINE = re.compile(r"^(?P<file>[^:\s]+):(?P<line>\d+):(?P<column>\d+): (error|warning): \S")


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # diagnostics name files relative to the repository, as a user would see them


def relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_there_is_an_invalid_case_per_kind_of_mistake() -> None:
    assert len(INVALID) >= 20


@pytest.mark.parametrize("case", INVALID, ids=lambda p: p.stem)
def test_invalid_case(case: Path, capsys: pytest.CaptureFixture[str], snapshot: SnapshotAssertion) -> None:
    assert run(["validate", relative(case)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    headlines = [line for line in err.splitlines() if HEADLINE.match(line)]
    assert headlines, err
    assert all(line.startswith(f"{relative(case)}:") for line in headlines)
    assert err.rstrip().splitlines()[-1].endswith("0 warnings") and "^" in err
    assert err == snapshot


@pytest.mark.parametrize("case", VALID, ids=lambda p: p.stem)
def test_valid_case(case: Path, capsys: pytest.CaptureFixture[str], snapshot: SnapshotAssertion) -> None:
    assert run(["validate", relative(case)]) == 0
    assert capsys.readouterr().out == f"{relative(case)}: valid\n"
    assert canonical(load_config(case).config) == snapshot


def test_examples_are_valid(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["validate", *(relative(p) for p in EXAMPLES)]) == 0
    assert capsys.readouterr().out.count(": valid\n") == len(EXAMPLES) == 4


def test_json_output_has_the_documented_shape(capsys: pytest.CaptureFixture[str]) -> None:
    cases = [relative(ROOT / "tests/cases/invalid/literal-password.yaml"), relative(EXAMPLES[0])]
    assert run(["validate", "--format", "json", *cases]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report == {
        "valid": False,
        "error_count": 1,
        "warning_count": 0,
        "diagnostics": [
            {
                "severity": "error",
                "summary": "password is written in the file as a literal value",
                "detail": "",
                "file": cases[0],
                "line": 7,
                "column": 15,
                "path": "connection.auth.password",
            }
        ],
    }


def test_json_output_for_valid_files(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["validate", "--format", "json", relative(EXAMPLES[0])]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "valid": True,
        "error_count": 0,
        "warning_count": 0,
        "diagnostics": [],
    }


def test_all_files_are_checked_before_failing(capsys: pytest.CaptureFixture[str]) -> None:
    first, second = INVALID[0], INVALID[1]
    assert run(["validate", relative(first), relative(EXAMPLES[0]), relative(second)]) == 1
    err = capsys.readouterr().err
    assert f"{relative(first)}:" in err and f"{relative(second)}:" in err


def test_directories_are_searched_and_the_default_is_the_config_option(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert run(["validate", "examples"]) == 0
    assert capsys.readouterr().out.count(": valid") == len(EXAMPLES) == 4
    assert run(["validate", "-c", str(tmp_path / "absent.yaml")]) == 1
    assert "no such file" in capsys.readouterr().err


def test_a_literal_secret_is_never_printed(capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("literal-password", "literal-token-flow-style", "literal-store-password", "many-problems-one-pass"):
        run(["validate", relative(ROOT / "tests/cases/invalid" / f"{name}.yaml")])
        err = capsys.readouterr().err
        assert "********" in err
        for secret in ("correct-horse-battery", "FakeToken", "s3cret", "hunter2"):
            assert secret not in err


def test_a_company_plays_person_defaults_are_reported_as_never_applying(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A company play's entrants are companies: only Accounts take its defaults, never a Contact or a Lead."""
    text = (ROOT / "tests/cases/valid/minimal.yaml").read_text(encoding="utf-8")
    path = tmp_path / "sfsync.yaml"
    plays = """\
plays:
  - name: high-intent-companies
    audience: {object: company, where: {field: company.intent_level, op: eq, value: High}}
    sync_to_salesforce:
      defaults:
        Account: {AccountSource: Web}
        Contact: {LeadSource: Web}
        Lead: {LeadSource: Web}
  - name: high-intent-people
    audience: {object: person, where: {field: company.intent_level, op: eq, value: High}}
    sync_to_salesforce:
      defaults:
        Account: {AccountSource: Web}
        Contact: {LeadSource: Web}
"""
    path.write_text(text + plays, encoding="utf-8")
    assert run(["validate", str(path)]) == 0
    err = capsys.readouterr().err
    assert err.splitlines()[0::4] == [
        f"{path}:13:9: warning: the Contact defaults of a company play never apply",
        f"{path}:14:9: warning: the Lead defaults of a company play never apply",
        "0 errors, 2 warnings",
    ]
    assert "hint: a company play writes Accounts only; give them to a play with audience object: person" in err


def test_warnings_do_not_fail_validation(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (ROOT / "tests/cases/valid/minimal.yaml").read_text(encoding="utf-8")
    path = tmp_path / "sfsync.yaml"
    path.write_text(text + "mappings:\n  Lead:\n    Email: {from: person.email, direction: read, policy: owned}\n")
    assert run(["validate", str(path)]) == 0
    out, err = capsys.readouterr()
    assert out == f"{path}: valid\n"
    assert err.startswith(f"{path}:9:58: warning: policy has no effect on a read-only mapping\n")
    assert err.endswith("0 errors, 1 warning\n")
    assert run(["validate", "--format", "json", str(path)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["valid"], report["error_count"], report["warning_count"]) == (True, 0, 1)


WRITING = (
    "sync: {write: true, person_object: MODE}\nmappings:\n"
    + "  Lead: {Email: {from: person.email, direction: read_write}}\n"
)
PERSON_PLAY = "  - name: everyone\n    audience: {object: person}\n"
COMPANY_PLAY = "  - name: accounts\n    audience: {object: company}\n    sync_to_salesforce: {}\n"
NO_PLAY_WRITES = [
    ("no-play", "leads", "", "7:15", "add a play whose entrants are written"),
    ("play-without-sync", "leads", "plays:\n" + PERSON_PLAY, "10:1", "give a play `sync_to_salesforce: {}`"),
    ("company-play-in-leads-mode", "leads", "plays:\n" + COMPANY_PLAY, "10:1", "sync a person play instead"),
]


@pytest.mark.parametrize(
    ("mode", "plays", "where", "hint"), [c[1:] for c in NO_PLAY_WRITES], ids=[c[0] for c in NO_PLAY_WRITES]
)
def test_writing_without_a_play_that_writes_is_a_warning_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mode: str, plays: str, where: str, hint: str
) -> None:
    head = (ROOT / "tests/cases/valid/minimal.yaml").read_text(encoding="utf-8")
    path = tmp_path / "sfsync.yaml"
    path.write_text(head + WRITING.replace("MODE", mode) + plays, encoding="utf-8")
    assert run(["validate", str(path)]) == 0
    err = capsys.readouterr().err
    assert f"{path}:{where}: warning: sync.write is on but " in err and f"hint: {hint}" in err, err
    path.write_text(path.read_text().replace("write: true", "write: false"), encoding="utf-8")
    assert run(["validate", str(path)]) == 0
    assert "warning" not in capsys.readouterr().err  # writing off: nothing to say


def test_a_play_that_syncs_people_is_enough_to_write(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    head = (ROOT / "tests/cases/valid/minimal.yaml").read_text(encoding="utf-8")
    path = tmp_path / "sfsync.yaml"
    plays = "plays:\n" + COMPANY_PLAY + PERSON_PLAY + "    sync_to_salesforce: {}\n"
    path.write_text(head + WRITING.replace("MODE", "leads") + plays, encoding="utf-8")
    assert run(["validate", str(path)]) == 0
    assert capsys.readouterr().err == ""
    path.write_text(head + WRITING.replace("MODE", "contacts_and_accounts") + "plays:\n" + COMPANY_PLAY)
    assert run(["validate", str(path)]) == 0
    assert "sync.write is on" not in capsys.readouterr().err  # companies are written as Accounts here


def test_errors_are_coloured_on_a_terminal_and_plain_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "sfsync.yaml").write_text("version: 1\nsync: {person_objekt: leads}\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    done = run_on_terminal(["validate"], tmp_path, env)
    assert done.returncode == 1
    assert "\x1b[1;31merror\x1b[0m" in done.terminal and "\x1b[36mhint:\x1b[0m" in done.terminal
    plain = run_on_terminal(["validate"], tmp_path, {**env, "NO_COLOR": "1"})
    assert "\x1b[" not in plain.terminal and "error: " in plain.terminal
    monkeypatch.chdir(tmp_path)
    assert run(["validate"]) == 1  # stderr not a terminal
    assert "\x1b[" not in capsys.readouterr().err
