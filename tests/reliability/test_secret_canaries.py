"""Secrets never leave their place: every command runs with canary secrets, and nothing it leaves holds one.

The org's integration user logs in with a canary password and security token, a connected app
verifies JWTs signed by a canary private key, a session token and a PostgreSQL password are canaries
too. Every command that exists runs on the examples (and fails on purpose with a wrong password and
an unreachable store); its stdout and stderr, every file it writes (plans, describe cache, logs, crash
logs), the SQLite and PostgreSQL stores and `sfsync localorg serve`'s printed output hold zero of them.

The values of a sensitive mapped field are canaries too: the workspace's (what apply writes) and the
one Salesforce held before. They belong in the store (the workspace record) and in Salesforce, and
nowhere else: not in the saved plan (the CI artifact), not in any output or other file, not in a
snapshot.
"""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
import yaml

from sfsync.cli import run
from unit.render.plan_cases import SECRET_VALUES

from .canaries import canary, found_in_files, found_in_text, postgres_dump, sqlite_dump, with_canaries
from .secret_org import SEED, SecretOrg, secret_org

__all__ = ["secret_org"]  # the module's fixture

pytestmark = pytest.mark.org
ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
POSTGRES_ADMIN = os.environ.get("SFSYNC_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


class Commands:
    """`sfsync` in-process, in one working directory, with exactly the given environment; keeps all output."""

    def __init__(self, work: Path, env: dict[str, str], capfd: pytest.CaptureFixture[str]) -> None:
        self.work, self.env, self.capfd = work, env, capfd
        self.output: list[str] = []
        self.codes: dict[str, int] = {}

    def __call__(self, *args: str, **env: str) -> int:
        with pytest.MonkeyPatch.context() as patch:
            for name in [n for n in os.environ if n.startswith(("SF_", "PG", "SFSYNC_", "REQUESTS_"))]:
                patch.delenv(name)
            for name, value in (self.env | env).items():
                patch.setenv(name, value)
            patch.chdir(self.work)
            code = run(list(args))
        out, err = self.capfd.readouterr()
        self.output.append(f"$ sfsync {' '.join(args)}\n{out}\n{err}")
        self.codes[" ".join(args)] = code
        assert code != 3, self.output[-1]
        return code

    def expect(self, code: int, *args: str, **env: str) -> None:
        assert self(*args, **env) == code, self.output[-1]


def _config(work: Path, example: str, **replace: str) -> None:
    text = (EXAMPLES / example / "sfsync.yaml").read_text("utf-8")
    for old, new in replace.items():
        text = text.replace(old, new)
    (work / "sfsync.yaml").write_text(text, "utf-8")


def _every_command(sfsync: Commands, store: str, people: Path = EXAMPLES / "data" / "people.csv") -> None:
    sfsync.env["SFSYNC_STORE"] = store
    assert sfsync("workspace", "load", str(EXAMPLES / "data" / "companies.csv"), "--object", "company") == 0
    assert sfsync("workspace", "load", str(people), "--object", "person") == 0
    for args in (
        ("validate",),
        ("validate", "--online"),
        ("validate", "--format", "json"),
        ("fmt", "--check"),
        ("fmt", "--diff"),
        ("schema",),
        ("doctor",),
        ("doctor", "--format", "json"),
        ("refresh",),
        ("plan", "-o", "plan.json"),
        ("plan", "--format", "json"),
        ("show", "plan.json"),
        ("show", "plan.json", "--format", "json"),
        ("apply", "plan.json"),
        ("apply", "--auto-approve"),
        ("plan", "--detailed-exitcode"),
        ("state", "show"),
        ("state", "show", "--format", "json"),
        ("init", "--from-org", "--mode", "leads", "--auth", "password", "-c", "init.yaml"),
    ):
        sfsync(*args)
    failed = [o for o in sfsync.output if o.startswith(("$ sfsync apply", "$ sfsync plan -o"))]
    assert sfsync.codes["apply plan.json"] == 0 and sfsync.codes["plan --detailed-exitcode"] == 0, failed


def _assert_no_canary(org: SecretOrg, sfsync: Commands, store_dump: str) -> None:
    assert found_in_text("\n".join(sfsync.output), org.values) == []
    assert found_in_files(sfsync.work, org.values) == []
    assert found_in_text(store_dump, org.values) == []


def test_password_login_and_a_sqlite_store_hold_no_secret(
    secret_org: SecretOrg, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    mobile = "    Phone: person.work_phone\n"
    _config(tmp_path, "quickstart", **{mobile: mobile + SENSITIVE_MAPPING})
    sfsync = Commands(tmp_path, secret_org.env(), capfd)
    store = f"sqlite:///{tmp_path / '.sfsync' / 'sfsync.db'}"
    people, sensitive = _sensitive_people(secret_org)
    _every_command(sfsync, store, people)
    assert (tmp_path / ".sfsync" / "describe").is_dir() and (tmp_path / "plan.json").is_file()
    dump = sqlite_dump(tmp_path / ".sfsync" / "sfsync.db")
    _assert_no_canary(secret_org, sfsync, dump)
    # The workspace holds them (the store's place for them); the plan's digests, the views, the run log and
    # every other file hold none: not the value written, not the one Salesforce held.
    assert all(value in dump for value in sensitive[:-1])
    assert found_in_files(tmp_path, sensitive, skip=STORE_FILES) == []
    assert found_in_text("\n".join(sfsync.output), sensitive) == []
    plan = gzip.decompress((tmp_path / "plan.json").read_bytes()).decode()
    assert '"MobilePhone"' in plan and '"digest":"hmac-sha256:' in plan
    lead = secret_org.lead(SENSITIVE_PERSON)
    assert lead["MobilePhone"] == sensitive[0]  # applied, from the store: the digest held the right value


# A sensitive mapping the quickstart does not have: the people's canary mobile numbers, overwriting (owned).
SENSITIVE_MAPPING = "    MobilePhone: {from: person.mobile_phone, sensitive: true, policy: owned}\n"
SENSITIVE_PERSON = "alan.mccarthy@cedarpine.example"  # of a High-intent company: an entrant of the quickstart's play
STORE_FILES = re.compile(r"^\.sfsync/sfsync\.db")


def _sensitive_people(org: SecretOrg) -> tuple[Path, list[str]]:
    """The example people with canary mobile numbers, and `SENSITIVE_PERSON`'s Lead in Salesforce with a
    canary number a person typed. Returns the file and the canaries (`SENSITIVE_PERSON`'s first, Salesforce's last)."""
    path = org.secrets_dir / "people-sensitive.csv"
    mobiles = with_canaries(EXAMPLES / "data" / "people.csv", path, "Mobile Phone", first=SENSITIVE_PERSON)
    before = canary("mobile-before")
    values = {"LastName": "McCarthy", "Company": "Cedar & Pine", "Email": SENSITIVE_PERSON, "MobilePhone": before}
    org.control("records/Lead", "POST", {"as": "ada@acme.local", "values": values})
    return path, [*mobiles, before]


_CRM_SOURCE = """
sources:
  crm:
    object: company
    sql:
      url: "{url}"
      query: SELECT 'none.example' AS domain WHERE 1 = 0
"""


@pytest.mark.postgres
def test_jwt_key_file_and_a_postgresql_store_password_hold_no_secret(
    secret_org: SecretOrg, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    if os.environ.get("SFSYNC_TEST_SKIP_POSTGRES") == "1":
        pytest.skip("PostgreSQL backend skipped (SFSYNC_TEST_SKIP_POSTGRES=1)")
    pg_password, role, database = canary("pg"), f"canary_{uuid.uuid4().hex[:8]}", f"canary_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{pg_password}'")
        admin.execute(f'CREATE DATABASE "{database}" OWNER {role}')
    try:
        # The recorded Contact describe has no HasOptedOutOfEmail: the mapping would make the plan unappliable.
        opt_out = "    HasOptedOutOfEmail: {from: person.email_opt_out, direction: read}\n"
        _config(tmp_path, "contacts-accounts", **{opt_out: ""})
        host = POSTGRES_ADMIN.split("@", 1)[1].rsplit("/", 1)[0]
        store = f"postgresql://{role}:{pg_password}@{host}/{database}"
        # A SQL source on the same database, its password a ${VAR}: read by every plan, it loads nothing.
        with (tmp_path / "sfsync.yaml").open("a", encoding="utf-8") as config:
            config.write(_CRM_SOURCE.format(url=f"postgresql://{role}:${{CRM_PASSWORD}}@{host}/{database}"))
        sfsync = Commands(tmp_path, secret_org.env(PGPASSWORD=pg_password, CRM_PASSWORD=pg_password), capfd)
        _every_command(sfsync, store)
        dump = postgres_dump(store)
        assert "sfsync_link" in dump or "link" in dump
        _assert_no_canary(secret_org, sfsync, dump)
        assert found_in_text("\n".join(sfsync.output), [pg_password]) == []
        assert "source crm: 0 rows read, 0 rejected" in "\n".join(sfsync.output)
    finally:
        with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            admin.execute(f"DROP ROLE IF EXISTS {role}")


def test_session_token_password_file_and_failures_hold_no_secret(
    secret_org: SecretOrg, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    text = (EXAMPLES / "quickstart" / "sfsync.yaml").read_text("utf-8")
    auth = re.search(r"  auth:\n(    .*\n)+", text)
    assert auth is not None
    session = "  auth:\n    method: session\n    access_token: ${SF_ACCESS_TOKEN}\n"
    _config(tmp_path, "quickstart", **{auth.group(0): session})
    sfsync = Commands(tmp_path, secret_org.env(), capfd)
    sfsync.expect(0, "doctor")
    sfsync.expect(0, "plan", "--store", f"sqlite:///{tmp_path / 'session.db'}")
    password_file = f"password_file: {secret_org.secrets_dir / 'password.txt'}"
    _config(tmp_path, "quickstart", **{"password: ${SF_PASSWORD}": password_file})
    sfsync.expect(0, "doctor")
    wrong = canary("wrong-password")
    _config(tmp_path, "quickstart")
    sfsync.expect(1, "doctor", SF_PASSWORD=wrong)
    sfsync.expect(1, "plan", SF_PASSWORD=wrong)
    unreachable = f"postgresql://nobody:{wrong}@127.0.0.1:1/none"
    sfsync.expect(1, "state", "show", SFSYNC_STORE=unreachable)
    sfsync.expect(1, "plan", SFSYNC_STORE=unreachable)
    assert "postgresql://nobody:***@" in sfsync.output[-1]
    assert "INVALID_LOGIN" in "\n".join(sfsync.output)
    _assert_no_canary(secret_org, sfsync, "")
    assert [o for o in sfsync.output if found_in_text(o, [wrong])] == []
    assert found_in_files(tmp_path, [wrong]) == []


def test_localorg_serve_prints_no_secret(secret_org: SecretOrg, tmp_path: Path) -> None:
    data = tmp_path / "org"
    command = [sys.executable, "-m", "sfsync", "localorg", "serve", "--port", "0", "--data", str(data)]
    process = subprocess.Popen(
        [*command, "--seed", str(secret_org.secrets_dir / "seed.yaml")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()  # printed once the org listens, after connection.json is written
        connection = yaml.safe_load((data / "connection.json").read_text("utf-8")) if first else {}
    finally:
        process.terminate()
        out, err = process.communicate(timeout=20)
    out = first + out
    assert "local org serving at" in out, err
    served = [connection[name] for name in ("password", "security_token", "access_token", "admin_token")]
    assert found_in_text(out + err, [*served, secret_org.consumer_secret]) == []


def test_no_snapshot_or_doc_holds_the_example_orgs_secrets_or_a_sensitive_value() -> None:
    seed = yaml.safe_load(SEED.read_text("utf-8"))
    values = [u["password"] for u in seed["users"]] + [u.get("security_token", "") for u in seed["users"]]
    values = [value for value in values if value]
    values += [app["consumer_secret"] for app in seed["connected_apps"]]
    values += SECRET_VALUES  # the sensitive values the plan views' snapshots are rendered from
    for directory in [*ROOT.glob("tests/**/__snapshots__"), ROOT / "docs", ROOT / "schema"]:
        assert found_in_files(directory, values) == [], directory
