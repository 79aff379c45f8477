"""`sfsync doctor` logging in as a real org wants it: the security token after the password outside trusted
IP ranges (the local org requires it by default, as Salesforce does), and a JWT key that can sign."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from sfsync.cli import run
from sfsync.localorg.testing import LocalOrgHandle, local_org  # noqa: F401 - the shared fixture

HEAD = """\
version: 1
connection:
  instance_url: ${SF_INSTANCE_URL}
  ca_bundle: ${SF_CA_BUNDLE}
  auth:
"""
OAUTH_PASSWORD = """\
    method: password
    username: ${SF_USERNAME}
    password: ${SF_PASSWORD}
    security_token: ${SF_SECURITY_TOKEN}
    client_id: ${SF_CLIENT_ID}
    client_secret: ${SF_CLIENT_SECRET}
"""
SOAP_WITHOUT_TOKEN = """\
    method: password
    username: ${SF_USERNAME}
    password: ${SF_PASSWORD}
"""
JWT = """\
    method: jwt
    username: ${SF_USERNAME}
    client_id: ${SF_CLIENT_ID}
    private_key_file: key.pem
"""


@pytest.fixture
def workdir(
    local_org: LocalOrgHandle,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Path]:
    local_org.use_password_login(monkeypatch)
    monkeypatch.setenv("SF_CLIENT_ID", local_org.consumer_key)
    monkeypatch.setenv("SF_CLIENT_SECRET", local_org.consumer_secret)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    local_org.reset()


def doctor(workdir: Path, auth: str) -> int:
    (workdir / "sfsync.yaml").write_text(HEAD + auth, encoding="utf-8")
    return run(["doctor"])


def test_the_oauth_password_flow_sends_the_security_token(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert doctor(workdir, OAUTH_PASSWORD) == 0
    assert "✓ connected to" in capsys.readouterr().out


def test_a_password_login_without_the_token_says_to_set_it(
    local_org: LocalOrgHandle,  # noqa: F811
    workdir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert doctor(workdir, SOAP_WITHOUT_TOKEN) == 1
    out = capsys.readouterr().out
    assert "could not connect (INVALID_LOGIN)" in out and "set connection.auth.security_token" in out
    assert local_org.password not in out
    local_org.control("trusted-ip-ranges", "PUT", [{"start": "127.0.0.1"}])  # from a trusted network
    assert doctor(workdir, SOAP_WITHOUT_TOKEN) == 0


def _rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _pem(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey, password: bytes | None = None) -> bytes:
    encryption = serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)


def _certificate(key: rsa.RSAPrivateKey) -> bytes:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sfsync")])
    now = dt.datetime.now(dt.UTC)
    builder = x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
    builder = builder.serial_number(1).not_valid_before(now).not_valid_after(now + dt.timedelta(days=1))
    return builder.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)


KEYS = {
    "not-pem": (lambda: b"this is not a key\n", "the private key is not in PEM form"),
    "certificate": (lambda: _certificate(_rsa_key()), "this is a certificate or a public key, not the private key"),
    "encrypted": (lambda: _pem(_rsa_key(), b"passphrase"), "the private key is encrypted with a passphrase"),
    "ec": (lambda: _pem(ec.generate_private_key(ec.SECP256R1())), "the private key is not an RSA key"),
    "damaged": (
        lambda: b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
        "the private key cannot be read as PEM",
    ),
}


@pytest.mark.parametrize("kind", list(KEYS))
def test_an_unusable_jwt_key_is_said_at_its_line(workdir: Path, capsys: pytest.CaptureFixture[str], kind: str) -> None:
    make, said = KEYS[kind]
    (workdir / "key.pem").write_bytes(make())
    assert doctor(workdir, JWT) == 1
    err = capsys.readouterr().err
    assert f"sfsync.yaml:9:23: error: {said}" in err, err
    assert "BEGIN PRIVATE KEY" in err and "internal error" not in err and "Traceback" not in err
