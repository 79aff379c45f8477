"""Secrets never leave their place: every command runs with canary secrets, and nothing it leaves holds one.

The org's integration user logs in with a canary password and security token, a connected app
verifies JWTs signed by a canary private key, a session token and a PostgreSQL password are canaries
too. Every command that exists runs on the examples (and fails on purpose with a wrong password and
an unreachable store); its stdout and stderr, every file it writes (plans, describe cache, logs, crash
logs), the SQLite and PostgreSQL stores and `sfsync localorg serve`'s printed output hold zero of them.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from sfsync.cli import run
from sfsync.localorg.seed import DEFAULT_SEED, load_seed
from sfsync.localorg.server import RunningOrg, start_in_background

from .canaries import canary, found_in_files, found_in_text, postgres_dump, sqlite_dump

pytestmark = pytest.mark.org
ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SEED = DEFAULT_SEED
POSTGRES_ADMIN = os.environ.get("SFSYNC_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


@dataclass
class SecretOrg:
    running: RunningOrg
    secrets_dir: Path
    password: str
    security_token: str
    consumer_secret: str
    key_lines: list[str]
    access_token: str = ""
    values: list[str] = field(default_factory=list)

    def env(self, **extra: str) -> dict[str, str]:
        c = self.running.connection
        return {
            "SF_INSTANCE_URL": c.instance_url,
            "SF_USERNAME": c.username,
            "SF_PASSWORD": self.password,
            "SF_SECURITY_TOKEN": self.security_token,
            "SF_CA_BUNDLE": str(c.ca_file),
            "SF_CLIENT_ID": "canary-app",
            "SF_PRIVATE_KEY_FILE": str(self.secrets_dir / "jwt.key"),
            "SF_ACCESS_TOKEN": self.access_token,
            "NO_COLOR": "1",
            **extra,
        }


def _key_pair(directory: Path) -> tuple[list[str], str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    (directory / "jwt.key").write_bytes(pem)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "canary")])
    now = dt.datetime.now(dt.UTC)
    builder = x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
    builder = builder.serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
    cert = builder.not_valid_after(now + dt.timedelta(days=2)).sign(key, hashes.SHA256())
    body = [line for line in pem.decode().splitlines() if "PRIVATE KEY" not in line]
    return [*body[1:4], "-----BEGIN PRIVATE KEY"], cert.public_bytes(serialization.Encoding.PEM).decode()


@pytest.fixture(scope="module")
def secret_org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecretOrg]:
    secrets_dir = tmp_path_factory.mktemp("secrets")
    key_lines, certificate = _key_pair(secrets_dir)
    password, token, consumer_secret = canary("password"), canary("token"), canary("consumer-secret")
    seed = yaml.safe_load(SEED.read_text("utf-8"))
    seed["users"][0] |= {"password": password, "security_token": token}
    app = {"name": "canary", "consumer_key": "canary-app", "consumer_secret": consumer_secret}
    seed["connected_apps"] = [app | {"certificate": certificate}]
    (secrets_dir / "seed.yaml").write_text(yaml.safe_dump(seed), "utf-8")
    running = start_in_background(tmp_path_factory.mktemp("org"), load_seed(secrets_dir / "seed.yaml"))
    org = SecretOrg(running, secrets_dir, password, token, consumer_secret, key_lines)
    org.access_token = running.app.sessions.open(running.org.integration_user)
    (secrets_dir / "password.txt").write_text(password + "\n", "utf-8")
    org.values = [password, token, consumer_secret, org.access_token, running.connection.admin_token, *key_lines]
    try:
        yield org
    finally:
        running.stop()


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


def _every_command(sfsync: Commands, store: str) -> None:
    sfsync.env["SFSYNC_STORE"] = store
    for csv in ("companies", "people"):
        kind = "company" if csv == "companies" else "person"
        assert sfsync("workspace", "load", str(EXAMPLES / "data" / f"{csv}.csv"), "--object", kind) == 0
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
    _config(tmp_path, "quickstart")
    sfsync = Commands(tmp_path, secret_org.env(), capfd)
    store = f"sqlite:///{tmp_path / '.sfsync' / 'sfsync.db'}"
    _every_command(sfsync, store)
    assert (tmp_path / ".sfsync" / "describe").is_dir() and (tmp_path / "plan.json").is_file()
    _assert_no_canary(secret_org, sfsync, sqlite_dump(tmp_path / ".sfsync" / "sfsync.db"))


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
        sfsync = Commands(tmp_path, secret_org.env(PGPASSWORD=pg_password), capfd)
        _every_command(sfsync, store)
        dump = postgres_dump(store)
        assert "sfsync_link" in dump or "link" in dump
        _assert_no_canary(secret_org, sfsync, dump)
        assert found_in_text("\n".join(sfsync.output), [pg_password]) == []
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


def test_no_snapshot_or_doc_holds_the_example_orgs_secrets() -> None:
    seed = yaml.safe_load(SEED.read_text("utf-8"))
    values = [u["password"] for u in seed["users"]] + [u.get("security_token", "") for u in seed["users"]]
    values = [value for value in values if value]
    values += [app["consumer_secret"] for app in seed["connected_apps"]]
    for directory in [*ROOT.glob("tests/**/__snapshots__"), ROOT / "docs", ROOT / "schema"]:
        assert found_in_files(directory, values) == [], directory
