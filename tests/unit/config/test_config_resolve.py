from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from sfsync.config import load_config, resolve_connection, resolve_store_url
from sfsync.config.connection import AuthMethod
from sfsync.errors import ConfigError

ENVIRON = {"SF_INSTANCE_URL": "https://org.example", "SF_USERNAME": "sync@example.com", "SF_PASSWORD": "pw-value"}


def test_references_are_resolved_from_the_environment(write_config: Callable[[str], Path], valid_text: str) -> None:
    resolved = resolve_connection(load_config(write_config(valid_text)), ENVIRON)
    assert resolved.instance_url == "https://org.example"
    assert resolved.username == "sync@example.com"
    assert resolved.password == "pw-value"
    assert resolved.method is AuthMethod.PASSWORD


def test_repr_never_shows_a_secret(write_config: Callable[[str], Path], valid_text: str) -> None:
    resolved = resolve_connection(load_config(write_config(valid_text)), ENVIRON)
    assert "pw-value" not in repr(resolved)
    assert "sync@example.com" in repr(resolved)


def test_every_unset_variable_is_reported_at_its_line(write_config: Callable[[str], Path], valid_text: str) -> None:
    loaded = load_config(write_config(valid_text))
    with pytest.raises(ConfigError) as raised:
        resolve_connection(loaded, {"SF_USERNAME": "x"})
    found = [(d.summary, d.position.line if d.position else None) for d in raised.value.diagnostics]
    assert found == [
        ("environment variable SF_INSTANCE_URL is not set", 3),
        ("environment variable SF_PASSWORD is not set", 7),
    ]


def test_secret_files_are_read_relative_to_the_config(write_config: Callable[[str], Path], valid_text: str) -> None:
    path = write_config(valid_text.replace("password: ${SF_PASSWORD}", "password_file: secrets/pw.txt"))
    (path.parent / "secrets").mkdir()
    (path.parent / "secrets" / "pw.txt").write_text("from-a-file\n", encoding="utf-8")
    assert resolve_connection(load_config(path), ENVIRON).password == "from-a-file"


def test_an_unreadable_secret_file_is_positioned(write_config: Callable[[str], Path], valid_text: str) -> None:
    path = write_config(valid_text.replace("password: ${SF_PASSWORD}", "password_file: ${PW_FILE}"))
    with pytest.raises(ConfigError) as raised:
        resolve_connection(load_config(path), {**ENVIRON, "PW_FILE": "missing.txt"})
    (problem,) = raised.value.diagnostics
    assert problem.summary.startswith("cannot read password_file")
    assert problem.position is not None and problem.position.line == 7


def test_ca_bundle_and_store_resolve(write_config: Callable[[str], Path], valid_text: str) -> None:
    text = valid_text + "  ca_bundle: ${CA}\n" + "store: postgresql://sfsync:${PGPASSWORD}@db/sfsync\n"
    loaded = load_config(write_config(text))
    resolved = resolve_connection(loaded, {**ENVIRON, "CA": "/etc/ssl/ca.pem"})
    assert resolved.ca_bundle == Path("/etc/ssl/ca.pem")
    assert resolve_store_url(loaded, {"PGPASSWORD": "pg"}) == "postgresql://sfsync:pg@db/sfsync"
    assert resolve_connection(loaded, {**ENVIRON, "CA": ""}).ca_bundle is None


def test_a_value_substituted_inside_the_store_url_is_percent_encoded(
    write_config: Callable[[str], Path], valid_text: str
) -> None:
    loaded = load_config(write_config(valid_text + "store: postgresql://sfsync:${PGPASSWORD}@db/sfsync\n"))
    assert resolve_store_url(loaded, {"PGPASSWORD": "p@ss/w:rd"}) == "postgresql://sfsync:p%40ss%2Fw%3Ard@db/sfsync"


def test_a_whole_store_url_from_the_environment_is_taken_as_it_is(
    write_config: Callable[[str], Path], valid_text: str
) -> None:
    loaded = load_config(write_config(valid_text + "store: ${DATABASE_URL}\n"))
    url = "postgresql://sfsync:p%40ss@db/sfsync?sslmode=require"
    assert resolve_store_url(loaded, {"DATABASE_URL": url}) == url
