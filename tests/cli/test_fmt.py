from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sfsync.cli import run

ROOT = Path(__file__).resolve().parents[2]
UNFORMATTED = """\
version: 1
connection:
    instance_url: '${SF_INSTANCE_URL}'  # where
    auth: {method: session, access_token: '${T}'}
"""
# ruamel keeps an end-of-line comment at its column, so the shorter value leaves a wider gap.
FORMATTED = """\
version: 1
connection:
  instance_url: ${SF_INSTANCE_URL}      # where
  auth: {method: session, access_token: "${T}"}
"""


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "sfsync.yaml"
    path.write_text(UNFORMATTED, encoding="utf-8")
    return path


def test_fmt_rewrites_the_file(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["fmt", str(config)]) == 0
    assert config.read_text(encoding="utf-8") == FORMATTED
    assert capsys.readouterr().out == f"reformatted {config}\n"
    assert run(["fmt", str(config)]) == 0
    assert capsys.readouterr().out == ""


def test_check_changes_nothing_and_fails(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["fmt", "--check", str(config)]) == 1
    assert config.read_text(encoding="utf-8") == UNFORMATTED
    assert capsys.readouterr().out == f"would reformat {config}\n"


def test_diff_shows_the_change(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["fmt", "--diff", str(config)]) == 0
    out = capsys.readouterr().out
    assert f"--- {config}\n+++ {config} (formatted)\n" in out
    assert "\n-    instance_url: '${SF_INSTANCE_URL}'  # where\n" in out
    assert "\n+  instance_url: ${SF_INSTANCE_URL}      # where\n" in out
    assert config.read_text(encoding="utf-8") == UNFORMATTED


def test_examples_are_formatted(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(ROOT)
    assert run(["fmt", "--check", "examples"]) == 0
    assert capsys.readouterr().out == ""


def test_a_directory_finds_config_names_only(tmp_path: Path, config: Path) -> None:
    (tmp_path / "workflow.yml").write_text("on:   push\n", encoding="utf-8")
    shutil.copy(config, tmp_path / "prod.sfsync.yaml")
    assert run(["fmt", "--check", str(tmp_path)]) == 1
    assert run(["fmt", str(tmp_path)]) == 0
    assert (tmp_path / "prod.sfsync.yaml").read_text(encoding="utf-8") == FORMATTED
    assert (tmp_path / "workflow.yml").read_text(encoding="utf-8") == "on:   push\n"


def test_invalid_yaml_is_reported_with_its_position(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "sfsync.yaml"
    path.write_text("a: [1\n", encoding="utf-8")
    assert run(["fmt", str(path)]) == 1
    assert capsys.readouterr().err.startswith(f"{path}:1:6: error: YAML syntax error")
    assert path.read_text(encoding="utf-8") == "a: [1\n"


def test_an_unquoted_reference_in_flow_style_is_refused_with_how_to_quote_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "sfsync.yaml"
    text = "version: 1\nconnection:\n  instance_url: x\n  auth: {method: session, access_token: ${SF_TOKEN}}\n"
    path.write_text(text, encoding="utf-8")
    assert run(["fmt", str(path)]) == 1  # fmt cannot read it either: it never guesses a fix
    err = capsys.readouterr().err
    assert err.startswith(f"{path}:4:42: error: YAML syntax error")
    assert 'hint: in flow style ({...} or [...]) quote a value that holds a ${VAR} reference: "${SF_TOKEN}"' in err
    assert path.read_text(encoding="utf-8") == text
