"""Reading declared sources into a real store (SQLite and PostgreSQL), from real files and a SQLite database.

What is read again and what is not, where a read is recorded, and what `apply`'s check calls moved.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from sfsync.catalogue import Kind
from sfsync.config import LoadedConfig, load_config_text
from sfsync.errors import UsageError
from sfsync.sources import SourceRejection, moved_sources, read_sources
from sfsync.store import Store

HEAD = """\
version: 1
connection:
  instance_url: ${SF_INSTANCE_URL}
  auth: {method: session, access_token: "${SF_TOKEN}"}
"""


def _config(tmp_path: Path, sources: str) -> LoadedConfig:
    return load_config_text(HEAD + "sources:\n" + sources, tmp_path / "sfsync.yaml")


def _read(store: Store, loaded: LoadedConfig, environ: dict[str, str] | None = None) -> tuple[dict, list[str]]:  # type: ignore[type-arg]
    said: list[SourceRejection] = []
    reads = read_sources(store, loaded, environ or {}, said.append)
    return dict(reads.reads), [str(r) for r in said]


PEOPLE = """\
  people:
    object: person
    files: ["people/*.csv"]
  emails:
    object: email
    files: [emails.jsonl]
    columns: {who: email.person}
"""
EMAIL = (
    '{"message_id": "<m1@x.example>", "direction": "outbound", "sent_at": "2026-03-01T09:30:00Z", '
    '"who": "ann@x.example", "subject": "Hi"}\n'
)


def test_files_are_read_when_their_content_changed_and_emails_follow_their_people(store: Store, tmp_path: Path) -> None:
    (tmp_path / "people").mkdir()
    (tmp_path / "people" / "a.csv").write_text("email,last_name\nann@x.example,Ng\n", encoding="utf-8")
    (tmp_path / "emails.jsonl").write_text(EMAIL, encoding="utf-8")
    loaded = _config(tmp_path, PEOPLE)
    first, said = _read(store, loaded)
    assert said == [] and (first["people"].rows, first["emails"].rows) == (1, 1)
    email = store.emails.get("<m1@x.example>")
    assert email is not None and email.subject == "Hi"  # read after its person, whatever the names' order
    again, _ = _read(store, loaded)
    assert (again["people"].rows, again["emails"].rows) == (0, 0)  # nothing changed: nothing read
    assert again["people"].digest == first["people"].digest
    (tmp_path / "people" / "a.csv").touch()  # a touch is no change of content
    assert _read(store, loaded)[0]["people"].rows == 0
    (tmp_path / "people" / "b.csv").write_text("email,last_name\nbo@x.example,Li\n", encoding="utf-8")
    third, _ = _read(store, loaded)
    assert third["people"].rows == 1 and third["people"].digest != first["people"].digest
    assert store.workspace.find(Kind.PERSON, "bo@x.example") is not None


def test_a_files_check_moves_on_an_edit_a_new_file_or_a_file_gone(store: Store, tmp_path: Path) -> None:
    (tmp_path / "people").mkdir()
    (tmp_path / "people" / "a.csv").write_text("email\nann@x.example\n", encoding="utf-8")
    loaded = _config(tmp_path, PEOPLE.split("  emails:")[0])
    planned, _ = _read(store, loaded)
    assert moved_sources(loaded, planned, {}) == []
    (tmp_path / "people" / "a.csv").write_text("email\nann@x.example\nbo@x.example\n", encoding="utf-8")
    assert moved_sources(loaded, planned, {}) == ["source people moved (its files changed since the plan)"]
    planned, _ = _read(store, loaded)
    (tmp_path / "people" / "a.csv").unlink()
    assert moved_sources(loaded, planned, {}) == ["source people moved (its files changed since the plan)"]
    assert moved_sources(loaded, {}, {}) == ["source people was not read by the plan"]
    other = _config(tmp_path, "  other:\n    object: company\n    files: [x.csv]\n")
    assert moved_sources(other, planned, {}) == [
        "source people is no longer in the config",
        "source other was not read by the plan",
    ]


def _crm(tmp_path: Path, *rows: tuple[int, str]) -> str:
    with sqlite3.connect(tmp_path / "crm.db") as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS contacts (id INTEGER PRIMARY KEY, email TEXT)")
        conn.executemany("INSERT INTO contacts VALUES (?, ?)", rows)
    conn.close()
    return f"sqlite:///{tmp_path / 'crm.db'}"


def _sql(url: str, query: str = "SELECT id, email FROM contacts", cursor: str = "\n      cursor: id") -> str:
    return f'  crm:\n    object: person\n    sql:\n      url: "{url}"\n      query: {query}{cursor}\n'


def test_a_changed_definition_reads_again_from_the_start(store: Store, tmp_path: Path) -> None:
    url = _crm(tmp_path, (1, "ann@x.example"), (2, "bo@x.example"))
    first, _ = _read(store, _config(tmp_path, _sql(url)))
    assert first["crm"].rows == 2 and _read(store, _config(tmp_path, _sql(url)))[0]["crm"].rows == 0
    edited = _config(tmp_path, _sql(url, "SELECT id, email FROM contacts WHERE id > 0"))
    again, _ = _read(store, edited)
    assert again["crm"].rows == 2 and again["crm"].definition != first["crm"].definition
    assert moved_sources(_config(tmp_path, _sql(url)), again, {}) == ["source crm changed in the config since the plan"]


def test_a_query_without_a_cursor_moves_when_its_rows_do(store: Store, tmp_path: Path) -> None:
    url = _crm(tmp_path, (1, "ann@x.example"))
    loaded = _config(tmp_path, _sql(url, cursor=""))
    planned, _ = _read(store, loaded)
    assert planned["crm"].cursor is None and moved_sources(loaded, planned, {}) == []
    _crm(tmp_path, (2, "bo@x.example"))
    assert moved_sources(loaded, planned, {}) == ["source crm moved (its query returns other rows than the plan read)"]
    assert _read(store, loaded)[0]["crm"].rows == 2  # every row, every read


def test_rows_without_a_cursor_value_are_refused_by_row(store: Store, tmp_path: Path) -> None:
    url = _crm(tmp_path, (1, "ann@x.example"))
    query = "SELECT id, email, NULL AS stamp FROM contacts UNION ALL SELECT 5, 'bo@x.example', 7"
    read, said = _read(store, _config(tmp_path, _sql(url, query, "\n      cursor: stamp")))
    assert said == [
        "source crm: row 1: error: the cursor column 'stamp' is empty: the row cannot be read incrementally"
    ]
    assert (read["crm"].rows, read["crm"].rejected) == (2, 1)
    assert store.workspace.find(Kind.PERSON, "bo@x.example") is not None


def test_a_database_that_cannot_be_read_fails_without_a_secret(store: Store, tmp_path: Path) -> None:
    loaded = _config(tmp_path, _sql("postgresql://reader:${CRM_PASSWORD}@127.0.0.1:1/crm"))
    with pytest.raises(UsageError) as caught:
        _read(store, loaded, {"CRM_PASSWORD": "p@ss/w0rd-canary"})
    message = str(caught.value)
    assert message.startswith("source crm: cannot read postgresql://reader:***@127.0.0.1:1/crm: ")
    assert "canary" not in message and "w0rd" not in message
    assert store.sources.state("crm") is None  # nothing read: nothing recorded


def test_a_file_without_a_key_column_is_reported_at_line_1_retried_and_not_a_move(store: Store, tmp_path: Path) -> None:
    (tmp_path / "people").mkdir()
    (tmp_path / "people" / "a.csv").write_text("email\nann@x.example\n", encoding="utf-8")
    (tmp_path / "people" / "b.csv").write_text("name\nBo\n", encoding="utf-8")
    loaded = _config(tmp_path, PEOPLE.split("  emails:")[0])
    planned, said = _read(store, loaded)
    assert said == [f"source people: {tmp_path / 'people' / 'b.csv'}:1: error: no email or id column"]
    assert (planned["people"].rows, planned["people"].rejected) == (1, 1)
    assert moved_sources(loaded, planned, {}) == []  # nothing moved since: the plan is not stale
    again, said = _read(store, loaded)
    assert len(said) == 1 and again["people"].rejected == 1  # tried again, said again
