"""`sfsync init`: a starter config that validates offline and, from the org, online."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sfsync.cli import run
from sfsync.localorg.testing import LocalOrgHandle, local_org  # noqa: F401 - the shared fixture

USERS = {
    "integration": ("integration@acme.local", "integration-pass", "LOCALTOKEN"),
    "restricted": ("restricted@acme.local", "restricted-pass", "RESTRICTEDTOKEN"),
}


def connect_as(local_org: LocalOrgHandle, monkeypatch: pytest.MonkeyPatch, who: str) -> None:  # noqa: F811
    local_org.use_password_login(monkeypatch, *USERS[who])


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
