"""`sfsync init`: a starter config that validates offline and, from the org, online."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from sfsync.cli import run
from sfsync.localorg import seeding
from sfsync.localorg.testing import LocalOrgHandle, local_org  # noqa: F401 - the shared fixture

ROOT = Path(__file__).resolve().parents[2]

USERS = {
    "integration": ("integration@acme.local", "integration-pass", "LOCALTOKEN"),
    "restricted": ("restricted@acme.local", "restricted-pass", "RESTRICTEDTOKEN"),
}


@pytest.fixture(autouse=True)
def _no_credentials(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Only the SF_* variables a test sets: init picks its auth method from them."""
    for name in [name for name in os.environ if name.startswith("SF_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("NO_COLOR", "1")
    yield


def connect_as(local_org: LocalOrgHandle, monkeypatch: pytest.MonkeyPatch, who: str) -> None:  # noqa: F811
    local_org.use_password_login(monkeypatch, *USERS[who])


def only_session(local_org: LocalOrgHandle, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    """The environment of someone who has an access token (e.g. from `sf org display`) and nothing else."""
    monkeypatch.setenv("SF_INSTANCE_URL", local_org.instance_url)
    monkeypatch.setenv("SF_CA_BUNDLE", str(local_org.ca_file))
    monkeypatch.setenv("SF_ACCESS_TOKEN", local_org.access_token)


@pytest.mark.parametrize("mode", ["leads", "contacts_and_accounts"])
def test_offline_starter_validates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], mode: str
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run(["init", "--mode", mode]) == 0
    text = (tmp_path / "sfsync.yaml").read_text("utf-8")
    assert f"person_object: {mode}" in text and "method: jwt" in text and "# exclusions:" in text
    assert run(["validate", "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out[out.index("{") :])["error_count"] == 0


def test_init_refuses_to_overwrite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sfsync.yaml").write_text("keep me\n", encoding="utf-8")
    assert run(["init"]) == 1
    assert (tmp_path / "sfsync.yaml").read_text("utf-8") == "keep me\n"


def test_from_org_validates_both_ways(
    local_org: LocalOrgHandle,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    connect_as(local_org, monkeypatch, "integration")
    monkeypatch.chdir(tmp_path)
    assert run(["init", "--from-org", "--auth", "password"]) == 0
    text = (tmp_path / "sfsync.yaml").read_text("utf-8")
    assert "  external_id_field: Sfsync_Id__c" in text and "Sfsync_Intent__c: company.intent_level" in text
    assert "ca_bundle: ${SF_CA_BUNDLE}" in text and "    Email: {from: person.email, direction: read_write}" in text
    # the recorded Contact describe has no opt-out fields: they are left out rather than mapped
    assert "hidden from the integration user): Contact.HasOptedOutOfEmail, Contact.DoNotCall\n" in text
    capsys.readouterr()
    assert run(["validate", "--online", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["diagnostics"] == []


def test_from_org_leaves_out_what_the_user_cannot_see(
    local_org: LocalOrgHandle,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    connect_as(local_org, monkeypatch, "restricted")
    monkeypatch.chdir(tmp_path)
    assert run(["init", "--from-org", "--mode", "leads", "--auth", "password"]) == 0
    text = (tmp_path / "sfsync.yaml").read_text("utf-8")
    assert "hidden from the integration user): Lead.Phone, Lead.HasOptedOutOfEmail" in text
    assert "    Website: {from: company.domain, direction: read}" in text
    capsys.readouterr()
    assert run(["validate", "--online", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["error_count"] == 0


def test_offline_starter_is_formatted_and_has_a_play_that_syncs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run(["init", "--mode", "leads"]) == 0
    assert (
        "auth: jwt, reading SF_INSTANCE_URL, SF_USERNAME, SF_CLIENT_ID, SF_PRIVATE_KEY_FILE" in capsys.readouterr().out
    )
    text = (tmp_path / "sfsync.yaml").read_text("utf-8")
    assert "plays:" in text and "      object: person\n    sync_to_salesforce: {}" in text
    assert run(["fmt", "--check"]) == 0  # what the pre-commit hook runs: the starter passes it as written


def test_from_org_picks_the_method_whose_variables_are_set(
    local_org: LocalOrgHandle,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    only_session(local_org, monkeypatch)
    monkeypatch.chdir(tmp_path)
    assert run(["init", "--from-org"]) == 0
    out = capsys.readouterr().out
    assert "auth: session, reading SF_INSTANCE_URL, SF_ACCESS_TOKEN (from the SF_* variables that are set)" in out
    assert f"connected to {local_org.instance_url} as {local_org.username}" in out
    text = (tmp_path / "sfsync.yaml").read_text("utf-8")
    assert "    method: session" in text and "    access_token: ${SF_ACCESS_TOKEN}\n" in text
    assert local_org.access_token not in text
    assert run(["validate", "--online", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["error_count"] == 0


def test_from_org_with_password_variables_logs_in_by_password(
    local_org: LocalOrgHandle,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    connect_as(local_org, monkeypatch, "integration")
    monkeypatch.chdir(tmp_path)
    assert run(["init", "--from-org"]) == 0
    out = capsys.readouterr().out
    assert "auth: password, reading SF_INSTANCE_URL, SF_USERNAME, SF_PASSWORD, SF_SECURITY_TOKEN" in out
    text = (tmp_path / "sfsync.yaml").read_text("utf-8")
    assert "    method: password" in text and "    security_token: ${SF_SECURITY_TOKEN}\n" in text


def test_from_org_that_cannot_connect_writes_nothing(
    local_org: LocalOrgHandle,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    local_org.use_password_login(monkeypatch, password="not-the-password")
    monkeypatch.chdir(tmp_path)
    assert run(["init", "--from-org"]) == 1
    err = capsys.readouterr().err
    assert "cannot connect with password: login failed (password): INVALID_LOGIN" in err
    assert err.rstrip().endswith("nothing was written") and "not-the-password" not in err
    assert list(tmp_path.iterdir()) == []
    connect_as(local_org, monkeypatch, "integration")
    assert run(["init", "--from-org"]) == 0  # the next attempt needs no --force


def test_from_org_without_the_variables_says_which_are_missing(
    local_org: LocalOrgHandle,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run(["init", "--from-org"]) == 1
    err = capsys.readouterr().err
    assert "needs SF_INSTANCE_URL, SF_USERNAME, SF_CLIENT_ID, SF_PRIVATE_KEY_FILE: not set" in err
    monkeypatch.setenv("SF_INSTANCE_URL", local_org.instance_url)
    monkeypatch.setenv("SF_PASSWORD", "x")
    assert run(["init", "--from-org"]) == 1
    assert "logs in with password, which needs SF_USERNAME: not set" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_from_org_with_a_key_that_cannot_sign_writes_nothing(
    local_org: LocalOrgHandle,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    keys = tmp_path.parent / f"{tmp_path.name}-keys"
    keys.mkdir()
    (keys / "server.key").write_text("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
    for name, value in {"INSTANCE_URL": local_org.instance_url, "USERNAME": local_org.username}.items():
        monkeypatch.setenv(f"SF_{name}", value)
    monkeypatch.setenv("SF_CLIENT_ID", local_org.consumer_key)
    monkeypatch.setenv("SF_PRIVATE_KEY_FILE", str(keys / "server.key"))
    monkeypatch.chdir(tmp_path)
    assert run(["init", "--from-org"]) == 1
    err = capsys.readouterr().err
    assert "cannot connect with jwt: this is a certificate or a public key, not the private key" in err
    assert "internal error" not in err and list(tmp_path.iterdir()) == []


def test_from_org_without_a_security_token_writes_none_and_says_why(
    local_org: LocalOrgHandle,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    connect_as(local_org, monkeypatch, "integration")
    monkeypatch.delenv("SF_SECURITY_TOKEN")
    monkeypatch.chdir(tmp_path)
    assert run(["init", "--from-org"]) == 1  # the org trusts no IP range: it wants the token
    assert "set connection.auth.security_token" in capsys.readouterr().err
    local_org.control("trusted-ip-ranges", "PUT", [{"start": "127.0.0.1"}])
    try:
        assert run(["init", "--from-org"]) == 0
        assert "no SF_SECURITY_TOKEN: logging in without a security token" in capsys.readouterr().out
        assert "security_token" not in (tmp_path / "sfsync.yaml").read_text("utf-8")
    finally:
        local_org.reset()


def test_the_readme_config_reads_the_variables_init_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    config = readme[readme.index("## The config") :]
    monkeypatch.chdir(tmp_path)
    assert run(["init", "--auth", "jwt"]) == 0
    starter = (tmp_path / "sfsync.yaml").read_text("utf-8")
    shown = re.findall(r"^\s+(\w+): (\$\{SF_\w+\})", config[: config.index("integration_user")], re.M)
    assert len(shown) == 4 and all(re.search(rf"^\s+{key}: {re.escape(var)}", starter, re.M) for key, var in shown)


def test_the_starter_writes_everyone_once_writing_is_on(
    local_org: LocalOrgHandle,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    connect_as(local_org, monkeypatch, "integration")
    monkeypatch.chdir(tmp_path)
    try:
        assert run(["init", "--from-org", "--auth", "password"]) == 0
        for kind, data in (("company", "companies.csv"), ("person", "people.csv")):
            assert run(["workspace", "load", str(ROOT / "examples" / "data" / data), "--object", kind]) == 0
        config = tmp_path / "sfsync.yaml"
        config.write_text(config.read_text("utf-8").replace("write: false", "write: true"), encoding="utf-8")
        capsys.readouterr()
        assert run(["plan", "-o", "plan.json"]) == 0
        said = capsys.readouterr().out
        # The starter maps what the org has; the example data leaves some of it empty, which plan
        # rightly warns about. What must not appear is the warning that nothing can be written.
        assert "no play syncs to Salesforce" not in said
        assert run(["show", "plan.json", "--format", "json"]) == 0
        plan = json.loads(capsys.readouterr().out)
        assert plan["counts"]["Contact"]["create"] >= 50 and plan["counts"]["Account"]["create"] >= 25
        assert not [s for s in plan["skips"] if s["code"] == "not_in_play" and s["sobject"] == "Contact"]
    finally:
        seeding.reset(local_org.running.app.org)
