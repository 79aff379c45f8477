"""`sfsync workspace load FILE --object email`, and what `plan` says while email writes are asked for."""

from __future__ import annotations

from pathlib import Path

import pytest

from sfsync.cli import run
from sfsync.store import open_store
from unit.store.backends import postgres_database, store_url

__all__ = ["postgres_database", "store_url"]

PEOPLE = "email,last_name\npeter@initech.example,Gibbons\n"
EMAILS = (
    "message_id,direction,from,to,subject,sent_at,person\n"
    "<tps.1@Initech.example>,outbound,bill@initech.example,peter@initech.example,TPS,2026-03-01T09:00:00-05:00,"
    "peter@initech.example\n"
    ",inbound,peter@initech.example,bill@initech.example,Re: TPS,2026-03-01T10:00:00-05:00,peter@initech.example\n"
    "tps.2@initech.example,inbound,peter@initech.example,bill@initech.example,Re: TPS,2026-03-01T10:00:00-05:00,"
    "milton@initech.example\n"
)


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SFSYNC_STORE", raising=False)


def test_emails_load_once_and_bad_rows_are_reported_by_line(
    store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "people.csv").write_text(PEOPLE, encoding="utf-8")
    (tmp_path / "emails.csv").write_text(EMAILS, encoding="utf-8")
    assert run(["workspace", "load", "people.csv", "--object", "person", "--store", store_url]) == 0
    capsys.readouterr()
    assert run(["workspace", "load", "emails.csv", "--object", "email", "--store", store_url]) == 1
    out, err = capsys.readouterr()
    assert out == "loaded 1, updated 0, unchanged 0, rejected 2\n"
    assert err.splitlines() == [
        "emails.csv:3: error: missing message_id",
        "emails.csv:4: error: person milton@initech.example is not in the workspace: load them first "
        "(`sfsync workspace load FILE --object person`)",
    ]
    assert run(["workspace", "load", "emails.csv", "--object", "email", "--store", store_url]) == 1
    assert capsys.readouterr().out == "loaded 0, updated 0, unchanged 1, rejected 2\n"
    with open_store(store_url) as store:
        email = store.emails.get("<tps.1@initech.example>")
        assert email is not None and email.subject == "TPS" and store.emails.count() == 1


def test_a_file_without_the_email_columns_is_refused_whole(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "emails.csv").write_text("subject\nHello\n", encoding="utf-8")
    assert run(["workspace", "load", "emails.csv", "--object", "email"]) == 1
    err = capsys.readouterr().err
    assert "emails.csv:1: no message_id, direction, sent_at, person columns" in err
    assert "Traceback" not in err
