"""The org the secret canaries run against: its integration user's password and security token, a
connected app's secret and JWT certificate, and a session token, all canaries (`SecretOrg.values`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from sfsync.localorg.seed import DEFAULT_SEED, load_seed
from sfsync.localorg.server import RunningOrg, start_in_background
from sfsync.localorg.testing import LocalOrgHandle
from sfsync.salesforce.query import Eq
from sfsync.salesforce.soql import select

from .canaries import canary

SEED = DEFAULT_SEED


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

    def control(self, path: str, method: str = "GET", body: Any = None) -> Any:
        return LocalOrgHandle(self.running).control(path, method, body)

    def lead(self, email: str) -> dict[str, Any]:
        """The Lead with `email`, read through the API as the integration user."""
        handle = LocalOrgHandle(self.running)
        query = select(["Id", "MobilePhone"], "Lead", Eq("Email", email))
        (record,) = handle.simple_salesforce(as_user=handle.username).query(query)["records"]
        return dict(record)


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
