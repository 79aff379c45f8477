from __future__ import annotations

from pathlib import Path

import pytest

from sfsync.errors import Diagnostic, Diagnostics, Position, Severity
from sfsync.render.diagnostics import redact, render_diagnostics


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("    password: hunter2", "    password: ********"),
        ("    password: 'hunter 2'  # old", "    password: ********  # old"),
        ("  auth: {method: session, access_token: abc123}", "  auth: {method: session, access_token: ********}"),
        ("    client_secret: ${SF_CLIENT_SECRET}", "    client_secret: ${SF_CLIENT_SECRET}"),
        ("    password_file: secrets/pw", "    password_file: secrets/pw"),
        ("store: postgresql://sfsync:pw@db/sfsync", "store: postgresql://sfsync:********@db/sfsync"),
        ("store: postgresql://sfsync:${PG}@db/sfsync", "store: postgresql://sfsync:${PG}@db/sfsync"),
        ("    username: ops@example.com", "    username: ops@example.com"),
        (
            "store: postgresql://u@db/s?sslmode=require&password=pw",
            "store: postgresql://u@db/s?sslmode=require&password=********",
        ),
        ("store: postgresql://u@db/s?password=${PG}", "store: postgresql://u@db/s?password=${PG}"),
        ("    ? [client_secret, abc123]", "    ? ********"),
        ("    ? {password: abc123}", "    ? ********"),
    ],
)
def test_redact(line: str, expected: str) -> None:
    assert redact(line) == expected


def test_render_with_snippet_caret_and_hint(tmp_path: Path) -> None:
    path = tmp_path / "sfsync.yaml"
    path.write_text("version: 1\nsync:\n  api: soap\n", encoding="utf-8")
    diagnostics = Diagnostics()
    diagnostics.add(Diagnostic(Severity.WARNING, "second", position=Position(str(path), 3, 8)))
    diagnostics.add(Diagnostic(Severity.ERROR, "first", position=Position(str(path), 1, 1), hint="fix it"))
    assert render_diagnostics(diagnostics) == (
        f"{path}:1:1: error: first\n   1 | version: 1\n       ^\n  hint: fix it\n"
        f"{path}:3:8: warning: second\n   3 |   api: soap\n              ^\n"
        "1 error, 1 warning\n"
    )
