from __future__ import annotations

import stat
from pathlib import Path

import pytest

from sfsync.catalogue import Kind
from sfsync.cli import run
from sfsync.store import open_store
from unit.store.backends import postgres_database, store_url

__all__ = ["postgres_database", "store_url"]

ROOT = Path(__file__).parents[2]
EXAMPLES = ROOT / "examples" / "data"
DATA = ROOT / "tests" / "data" / "workspace"

CONFIG = """\
version: 1
connection:
  instance_url: https://example.my.salesforce.com
  auth:
    method: session
    access_token: ${SF_ACCESS_TOKEN}
store: sqlite:///from-config/state.db
"""


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SFSYNC_STORE", raising=False)


def test_the_example_workspace_loads_and_reloads_unchanged(store_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["workspace", "load", str(EXAMPLES / "companies.csv"), "--object", "company", "--store", store_url]) == 0
    assert run(["workspace", "load", str(EXAMPLES / "people.csv"), "--object", "person", "--store", store_url]) == 0
    assert run(["workspace", "load", str(EXAMPLES / "people.csv"), "--object", "person", "--store", store_url]) == 0
    out = capsys.readouterr()
    assert out.out.splitlines() == [
        "loaded 30, updated 0, unchanged 0, rejected 0",
        "loaded 60, updated 0, unchanged 0, rejected 0",
        "loaded 0, updated 0, unchanged 60, rejected 0",
    ]
    assert out.err == ""
    with open_store(store_url) as store:
        people = list(store.workspace.records(Kind.PERSON))
        domains = {c.key for c in store.workspace.records(Kind.COMPANY)}
    assert all(p.values["company_domain"] in domains for p in people)


def test_bad_rows_are_reported_by_line_and_exit_1(store_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = DATA / "people-bad.csv"
    assert run(["workspace", "load", str(path), "--object", "person", "--store", store_url]) == 1
    out = capsys.readouterr()
    assert out.out == "loaded 2, updated 0, unchanged 0, rejected 7\n"
    lines = out.err.splitlines()
    assert [line.split(": error: ")[0] for line in lines] == [f"{path}:{n}" for n in range(3, 10)]
    assert lines[3].startswith(f"{path}:6: error: invalid UTF-8; the file looks like ")


def test_without_a_config_the_default_store_is_a_private_sqlite_file(tmp_path: Path) -> None:
    assert run(["workspace", "load", str(DATA / "companies-good.jsonl"), "--object", "company"]) == 0
    database = tmp_path / ".sfsync" / "sfsync.db"
    assert stat.S_IMODE(database.stat().st_mode) == 0o600


def test_the_config_names_the_store_and_store_overrides_it(tmp_path: Path) -> None:
    (tmp_path / "sfsync.yaml").write_text(CONFIG, encoding="utf-8")
    assert run(["workspace", "load", str(DATA / "companies-good.jsonl"), "--object", "company"]) == 0
    assert (tmp_path / "from-config" / "state.db").is_file()
    override = tmp_path / "override.db"
    assert (
        run(
            [
                "workspace",
                "load",
                str(DATA / "companies-good.jsonl"),
                "--object",
                "company",
                "--store",
                f"sqlite:///{override}",
            ]
        )
        == 0
    )
    assert override.is_file()
    assert not (tmp_path / ".sfsync").exists()


def test_a_missing_explicit_config_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["workspace", "load", str(DATA / "people-good.csv"), "--object", "person", "-c", "nope.yaml"]) == 1
    assert "nope.yaml" in capsys.readouterr().err


def test_a_file_without_a_key_column_is_refused_whole(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "people.csv").write_text("first_name\nAda\n", encoding="utf-8")
    assert run(["workspace", "load", "people.csv", "--object", "person"]) == 1
    assert capsys.readouterr().err == "error: people.csv:1: no email or id column\n"


def test_an_unsupported_store_url_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    code = run(["workspace", "load", str(DATA / "people-good.csv"), "--object", "person", "--store", "mysql://x/y"])
    assert code == 1
    assert "unsupported store URL" in capsys.readouterr().err


def test_idna_2008_keeps_sharp_s_and_ss_two_companies(
    tmp_path: Path, store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "companies.csv"
    path.write_text("name,domain\nStraße,faß.de\nStrasse,fass.de\n", encoding="utf-8")
    assert run(["workspace", "load", str(path), "--object", "company", "--store", store_url]) == 0
    assert capsys.readouterr().out == "loaded 2, updated 0, unchanged 0, rejected 0\n"
    with open_store(store_url) as store:
        keys = {c.key: c.values["name"] for c in store.workspace.records(Kind.COMPANY)}
    assert keys == {"xn--fa-hia.de": "Straße", "fass.de": "Strasse"}


def test_public_suffixes_and_platform_hosts_are_refused_as_company_domains(
    tmp_path: Path, store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    companies = tmp_path / "companies.csv"
    companies.write_text(
        "name,domain\nCo,www.co.uk\nAcme,https://www.linkedin.com/company/acme\nGood,acme.github.io\n", encoding="utf-8"
    )
    people = tmp_path / "people.csv"
    people.write_text("email,company_domain\nada@acme.example,github.com/acme\n", encoding="utf-8")
    assert run(["workspace", "load", str(companies), "--object", "company", "--store", store_url]) == 1
    assert run(["workspace", "load", str(people), "--object", "person", "--store", store_url]) == 1
    out = capsys.readouterr()
    assert out.out.splitlines() == [
        "loaded 1, updated 0, unchanged 0, rejected 2",
        "loaded 0, updated 0, unchanged 0, rejected 1",
    ]
    assert out.err.splitlines() == [
        f"{companies}:2: error: bad domain: not a company domain: co.uk is a public suffix in column 'domain'",
        f"{companies}:3: error: bad domain: not a company domain: linkedin.com is a shared platform host in column "
        "'domain'",
        f"{people}:2: error: bad domain: not a company domain: github.com is a shared platform host in column "
        "'company_domain'",
    ]


def test_an_internationalised_email_loads_as_salesforce_takes_it(
    tmp_path: Path, store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "people.csv"
    path.write_text("email\nJosé@Empresa.es\njosé@empresa..es\n", encoding="utf-8")
    assert run(["workspace", "load", str(path), "--object", "person", "--store", store_url]) == 1
    out = capsys.readouterr()
    assert out.out == "loaded 1, updated 0, unchanged 0, rejected 1\n"
    assert out.err.startswith(f"{path}:3: error: bad email: not an email address")
    with open_store(store_url) as store:
        assert [p.key for p in store.workspace.records(Kind.PERSON)] == ["josé@empresa.es"]


def test_two_rows_with_one_key_are_reported_with_the_row_that_won(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    people = "email,first_name,title\nPeter@Initech.example,Peter,Engineer\nmilton@initech.example,Milton,\n"
    people += "peter@initech.example,,Manager\n"
    (tmp_path / "people.csv").write_text(people, encoding="utf-8")
    assert run(["workspace", "load", "people.csv", "--object", "person", "--store", "sqlite:///s.db"]) == 0
    out, err = capsys.readouterr()
    assert err == (
        "people.csv:4: warning: email peter@initech.example repeats line 2: one person, this row's values "
        "replacing line 2's in every column it has\n"
    )
    assert out == "loaded 2, updated 1, unchanged 0, rejected 0, 1 repeated key (the later row won)\n"
    with open_store("sqlite:///s.db") as store:
        peter = store.workspace.find(Kind.PERSON, "peter@initech.example")
        assert peter is not None and (peter.values["first_name"], peter.values["title"]) == (None, "Manager")
