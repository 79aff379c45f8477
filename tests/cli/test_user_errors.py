"""Mistakes a new user makes on the first try, each answered with what went wrong and what to do (exit 1),
never an internal error, and never leaving something behind."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from sfsync.cli import run
from sfsync.errors import ExitCode


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SFSYNC_STORE", raising=False)
    monkeypatch.setenv("SFSYNC_LOG_DIR", str(tmp_path / "logs"))


def test_a_missing_config_hints_init_or_c(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["plan"]) == ExitCode.ERROR
    err = capsys.readouterr().err
    assert "sfsync.yaml: no such file" in err and "`sfsync init`" in err and "-c PATH" in err
    assert run(["validate"]) == ExitCode.ERROR
    assert "`sfsync init`" in capsys.readouterr().err


def test_a_corrupt_store_is_a_user_error_saying_what_to_do(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "sfsync.db").write_bytes(b"this is not a database, it was overwritten by mistake\n" * 40)
    assert run(["state", "show", "--store", "sqlite:///sfsync.db"]) == ExitCode.ERROR
    err = capsys.readouterr().err
    assert "error: cannot open the store sqlite:///sfsync.db: not a readable sfsync store" in err
    assert "restore it from a backup, or point --store" in err
    assert "internal error" not in err and not (tmp_path / "logs").exists()
    (tmp_path / "people.csv").write_text("email\nada@acme.example\n", encoding="utf-8")
    assert run(["workspace", "load", "people.csv", "--object", "person", "--store", "sqlite:///sfsync.db"]) == 1
    assert "not a readable sfsync store" in capsys.readouterr().err


def test_state_show_with_a_mistyped_store_creates_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["state", "show", "--store", "sqlite:///sfsnyc.db"]) == ExitCode.ERROR
    err = capsys.readouterr().err
    assert "cannot open the store sqlite:///sfsnyc.db: there is no store there; check --store" in err
    assert not (tmp_path / "sfsnyc.db").exists()
    assert run(["state", "unlock", "some-lock", "--store", "sqlite:///sfsnyc.db"]) == ExitCode.ERROR
    assert not (tmp_path / "sfsnyc.db").exists()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_connection_error_names_the_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    port = _closed_port()
    config = (
        f"version: 1\nconnection:\n  instance_url: https://127.0.0.1:{port}\n  timeout_seconds: 5\n"
        "  auth:\n    method: session\n    access_token: ${SF_ACCESS_TOKEN}\n"
        "sync: {person_object: leads}\nmappings:\n  Lead:\n    LastName: person.last_name\n"
    )
    (tmp_path / "sfsync.yaml").write_text(config, encoding="utf-8")
    monkeypatch.setenv("SF_ACCESS_TOKEN", "00Dsecret!token")
    assert run(["plan"]) == ExitCode.ERROR
    err = capsys.readouterr().err
    assert f"no answer from Salesforce at https://127.0.0.1:{port}/services/oauth2/userinfo" in err
    assert "check connection.instance_url" in err and "00Dsecret" not in err
    assert run(["doctor"]) == ExitCode.ERROR
    out = capsys.readouterr().out
    assert (
        f"✗ could not connect (CONNECTION_ERROR): identity: no answer from Salesforce at https://127.0.0.1:{port}"
        in out
    )


def _a_bug(**_: object) -> None:
    raise RuntimeError("a bug in sfsync")


@pytest.mark.parametrize("temporary_writable", [True, False])
def test_an_internal_error_with_an_unwritable_log_directory_is_still_one_line(
    temporary_writable: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sfsync.cli

    blocker = tmp_path / "not-a-directory"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("SFSYNC_LOG_DIR", str(blocker / "logs"))  # cannot be made: its parent is a file
    temporary = tmp_path / "tmp" if temporary_writable else blocker / "tmp"
    monkeypatch.setenv("TMPDIR", str(temporary))
    monkeypatch.setattr(sfsync.cli.cli, "main", _a_bug)
    assert run(["validate"]) == ExitCode.INTERNAL
    err = capsys.readouterr().err
    assert err.startswith("sfsync: internal error (RuntimeError); ") and err.count("\n") == 1
    assert "Traceback" not in err
    if temporary_writable:
        [log] = temporary.glob("crash-*.log")
        assert f"details in {log}" in err and "a bug in sfsync" in log.read_text(encoding="utf-8")
    else:
        assert "no crash log could be written (set SFSYNC_LOG_DIR to a writable directory)" in err
