"""Declared sources against the local org through the CLI: `plan` reads files and SQL queries itself.

A file source edited is planned with no load command; a SQL source with a cursor reads only the rows
beyond it (SQLite and PostgreSQL); a saved plan is refused as stale, naming the source, once the source
moved; bad rows are reported by source and row with the good rows kept; a `${VAR}` in a source's URL
never reaches the plan, the store or the output; `run --once` with sources converges.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from cli_org import initech_leads
from sqlalchemy import create_engine, text

from sfsync.catalogue import Kind
from sfsync.cli import run
from sfsync.errors import ExitCode
from sfsync.localorg.testing import LocalOrgHandle, local_org  # noqa: F401 - the shared fixture
from sfsync.store import open_store
from unit.store.backends import ADMIN_URL, empty_postgres, postgres_database

__all__ = ["postgres_database"]

pytestmark = pytest.mark.org

FILE_SOURCE = """\
sources:
  crm_export:
    object: person
    files: ["exports/*.csv"]
    columns: {Mail: person.email, Surname: person.last_name, Remarks: person.attributes.notes}
"""


QUERY = "SELECT id, email, surname FROM contacts"


def _sql_source(url: str, cursor: str | None = "id") -> str:
    cursor_line = f"      cursor: {cursor}\n" if cursor else ""
    return f"""\
sources:
  crm:
    object: person
    sql:
      url: "{url}"
      query: {QUERY}
{cursor_line}    columns: {{surname: person.last_name}}
"""


def _project(workdir: Path, sources: str) -> None:
    (workdir / "sfsync.yaml").write_text(initech_leads() + sources, encoding="utf-8")


def _plan(capsys: pytest.CaptureFixture[str], *args: str, code: int = ExitCode.OK) -> tuple[dict[str, Any], str]:
    """A saved plan's JSON form, and what plan said on stderr."""
    capsys.readouterr()
    assert run(["plan", "-o", "plan.json", *args]) == code
    err = capsys.readouterr().err
    assert run(["show", "plan.json", "--format", "json"]) == 0
    document: dict[str, Any] = json.loads(capsys.readouterr().out)
    return document, err


def _created_emails(document: dict[str, Any]) -> set[str]:
    return {
        field["after"]
        for change in document["changes"]
        for field in change["fields"]
        if field["field"] == "Email" and change["action"] == "create"
    }


def _write_csv(workdir: Path, name: str, rows: str) -> None:
    (workdir / "exports").mkdir(exist_ok=True)
    (workdir / "exports" / name).write_text("Mail,Surname,Remarks\n" + rows, encoding="utf-8")


def test_a_file_source_edited_is_planned_with_no_load_command(
    org_workdir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _project(org_workdir, FILE_SOURCE)
    _write_csv(org_workdir, "a.csv", "peter@initech.example,Gibbons,first\n")
    first, err = _plan(capsys)
    assert _created_emails(first) == {"peter@initech.example"}
    assert "source crm_export: 1 rows read, 0 rejected" in err
    assert first["fingerprint"]["sources"]["crm_export"]["rows"] == 1
    _write_csv(org_workdir, "b.csv", "milton@initech.example,Waddams,second\n")
    second, err = _plan(capsys)
    assert _created_emails(second) == {"peter@initech.example", "milton@initech.example"}
    assert second["fingerprint"]["sources"]["crm_export"]["rows"] == 1  # a.csv unchanged: not read again
    with open_store("sqlite:///sfsync.db") as store:
        peter = store.workspace.find(Kind.PERSON, "peter@initech.example")
    assert peter is not None and peter.attributes == {"notes": "first"}


class Crm:
    """A source database: a `contacts` table on SQLite or PostgreSQL, filled as a test goes."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
        with self._engine.begin() as conn:
            conn.execute(text("CREATE TABLE contacts (id INTEGER PRIMARY KEY, email TEXT, surname TEXT)"))

    def add(self, *rows: tuple[int, str, str]) -> None:
        with self._engine.begin() as conn:
            for row in rows:
                conn.execute(
                    text("INSERT INTO contacts VALUES (:id, :email, :surname)"),
                    dict(zip(("id", "email", "surname"), row, strict=True)),
                )

    def close(self) -> None:
        self._engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def crm(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Crm]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'crm.db'}"
    else:
        url = empty_postgres(request.getfixturevalue("postgres_database"))
    database = Crm(url)
    yield database
    database.close()


def test_a_sql_source_with_a_cursor_reads_only_the_rows_beyond_it(
    org_workdir: Path,
    crm: Crm,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _project(org_workdir, _sql_source(crm.url))
    crm.add((1, "peter@initech.example", "Gibbons"), (2, "milton@initech.example", "Waddams"))
    first, err = _plan(capsys)
    read = first["fingerprint"]["sources"]["crm"]
    assert (read["rows"], read["rejected"], json.loads(read["cursor"])) == (2, 0, {"int": "2"})
    assert "source crm: 2 rows read, 0 rejected" in err
    assert _created_emails(first) == {"peter@initech.example", "milton@initech.example"}
    crm.add((3, "samir@initech.example", "Nagheenanajar"))
    second, err = _plan(capsys)
    read = second["fingerprint"]["sources"]["crm"]
    assert (read["rows"], json.loads(read["cursor"])) == (1, {"int": "3"})  # only the row beyond cursor 2
    assert _created_emails(second) == {"peter@initech.example", "milton@initech.example", "samir@initech.example"}
    third, _ = _plan(capsys)
    assert third["fingerprint"]["sources"]["crm"]["rows"] == 0
    with open_store("sqlite:///sfsync.db") as store:
        samir = store.workspace.find(Kind.PERSON, "samir@initech.example")
    assert samir is not None and samir.values["last_name"] == "Nagheenanajar"


def test_a_saved_plan_is_refused_as_stale_once_its_source_moved(
    org_workdir: Path,
    crm: Crm,
    local_org: LocalOrgHandle,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    _project(org_workdir, _sql_source(crm.url))
    crm.add((1, "peter@initech.example", "Gibbons"))
    _plan(capsys)
    crm.add((2, "milton@initech.example", "Waddams"))
    assert run(["apply", "plan.json"]) == ExitCode.ERROR
    err = capsys.readouterr().err
    assert "the plan is stale: source crm moved (it has rows beyond cursor value 1)" in err
    assert _lead_emails(local_org) == set()  # nothing was sent
    _plan(capsys)  # the source as it is now, then unchanged: the plan applies
    assert run(["apply", "plan.json"]) == ExitCode.OK
    assert _lead_emails(local_org) == {"peter@initech.example", "milton@initech.example"}


def test_a_file_source_edited_after_the_plan_makes_it_stale(
    org_workdir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _project(org_workdir, FILE_SOURCE)
    _write_csv(org_workdir, "a.csv", "peter@initech.example,Gibbons,first\n")
    _plan(capsys)
    _write_csv(org_workdir, "a.csv", "peter@initech.example,Gibbons,edited\n")
    assert run(["apply", "plan.json"]) == ExitCode.ERROR
    assert "source crm_export moved (its files changed since the plan)" in capsys.readouterr().err


def _lead_emails(org: LocalOrgHandle) -> set[str]:
    found = org.simple_salesforce().query_all("SELECT Email FROM Lead")["records"]
    return {r["Email"] for r in found if r["Email"] and r["Email"].endswith("initech.example")}


def test_bad_rows_are_reported_by_source_and_row_and_the_good_rows_kept(
    org_workdir: Path,
    crm: Crm,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sources = FILE_SOURCE + _sql_source(crm.url).removeprefix("sources:\n")
    _project(org_workdir, sources)
    _write_csv(org_workdir, "a.csv", "peter@initech.example,Gibbons,ok\nnot-an-email,Bolton,bad\n")
    crm.add((1, "milton@initech.example", "Waddams"), (2, "bad@", "Lumbergh"), (3, "samir@initech.example", "N"))
    document, err = _plan(capsys)
    csv_path = Path("exports") / "a.csv"
    assert f"source crm_export: {csv_path}:3: error: bad email" in err
    assert "source crm: row 2 (cursor value 2): error: bad email" in err
    assert _created_emails(document) == {"peter@initech.example", "milton@initech.example", "samir@initech.example"}
    warnings = {d["summary"] for d in document["diagnostics"] if d["severity"] == "warning"}
    assert {"source crm_export: 1 row rejected", "source crm: 1 row rejected"} <= warnings
    assert document["fingerprint"]["sources"]["crm"]["rejected"] == 1
    assert run(["show", "plan.json"]) == 0  # the text view says it too
    assert "source crm_export: 1 row rejected" in capsys.readouterr().out


def test_a_source_url_variable_never_reaches_the_plan_the_store_or_the_output(
    org_workdir: Path,
    postgres_database: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    secret = "crm-s3cret-canary-7f3a"
    role = f"crm_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{secret}'")
    try:
        host = ADMIN_URL.split("@", 1)[1].rsplit("/", 1)[0]
        database = postgres_database.rsplit("/", 1)[1]
        url = f"postgresql://{role}:${{CRM_PASSWORD}}@{host}/{database}"
        sources = _sql_source(url, cursor=None).replace(
            QUERY, "SELECT 'peter@initech.example' AS email, 'Gibbons' AS surname"
        )
        _project(org_workdir, sources)
        monkeypatch.setenv("CRM_PASSWORD", secret)
        document, err = _plan(capsys)
        assert _created_emails(document) == {"peter@initech.example"}
        shown = capsys.readouterr()
        # The local PostgreSQL trusts every login: a database that cannot be reached fails the read instead.
        _project(org_workdir, sources.replace(host, "127.0.0.1:1"))
        assert run(["plan"]) == ExitCode.ERROR
        failed = capsys.readouterr()
        assert f"source crm: cannot read postgresql://{role}:***@127.0.0.1:1/" in failed.err
        everything = json.dumps(document) + err + shown.out + shown.err + failed.out + failed.err
        assert secret not in everything
        assert all(secret.encode() not in path.read_bytes() for path in org_workdir.rglob("*") if path.is_file())
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f"DROP ROLE IF EXISTS {role}")


def test_run_once_with_sources_converges(
    org_workdir: Path,
    crm: Crm,
    local_org: LocalOrgHandle,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = initech_leads().replace(
        "sync: {write: true, person_object: leads}", "sync: {write: true, person_object: leads, auto_apply: all}"
    )
    (org_workdir / "sfsync.yaml").write_text(config + _sql_source(crm.url), encoding="utf-8")
    crm.add((1, "peter@initech.example", "Gibbons"), (2, "milton@initech.example", "Waddams"))
    capsys.readouterr()
    assert run(["run", "--once", "--format", "json"]) == ExitCode.OK
    first = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert (first["outcome"], first["rows"]) == ("applied", {"written": 2})
    assert first["sources"] == {"crm": {"read": 2, "rejected": 0}}
    assert run(["status", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["sources"] == {"crm": {"read": 2, "rejected": 0}}
    assert run(["status"]) == 0
    assert "sources:    crm 2 rows read, 0 rejected in the last cycle\n" in capsys.readouterr().out
    assert _lead_emails(local_org) == {"peter@initech.example", "milton@initech.example"}
    assert run(["run", "--once", "--format", "json"]) == ExitCode.OK
    second = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert (second["outcome"], second["planned"]) == ("in_sync", 0)
    crm.add((3, "samir@initech.example", "Nagheenanajar"))
    assert run(["run", "--once", "--format", "json"]) == ExitCode.OK
    third = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert (third["outcome"], third["rows"]) == ("applied", {"written": 1})
    assert "samir@initech.example" in _lead_emails(local_org)


def test_a_source_read_moves_what_an_incremental_plan_derives_as_a_load_does(
    org_workdir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = initech_leads(extra="    Description: {from: person.attributes.notes, policy: owned}\n")
    config = config.replace("connection:\n", "connection:\n  integration_user: dedicated\n", 1)
    (org_workdir / "sfsync.yaml").write_text(config + FILE_SOURCE, encoding="utf-8")
    _write_csv(org_workdir, "a.csv", "peter@initech.example,Gibbons,first\nmilton@initech.example,Waddams,first\n")
    assert run(["apply", "--auto-approve"]) == ExitCode.OK
    assert run(["apply", "--auto-approve"]) == ExitCode.OK  # the first plan's read was not recorded
    _write_csv(org_workdir, "a.csv", "peter@initech.example,Gibbons,first\nmilton@initech.example,Waddams,moved\n")
    capsys.readouterr()
    assert run(["plan", "-o", "incremental.json"]) == ExitCode.OK
    out = capsys.readouterr().out
    assert "Derived: 1 of" in out and "Description" in out  # only milton, whose notes the source moved
    assert run(["plan", "--full-refresh", "-o", "full.json"]) == ExitCode.OK
    documents = []
    for name in ("incremental.json", "full.json"):
        capsys.readouterr()
        assert run(["show", name, "--format", "json"]) == 0
        documents.append(json.loads(capsys.readouterr().out))
    incremental, full = documents
    assert incremental["changes"] == full["changes"] and incremental["skips"] == full["skips"]
    (update,) = incremental["changes"]
    assert update["action"] == "update" and [f["after"] for f in update["fields"]] == ["moved"]
