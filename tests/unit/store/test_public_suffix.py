from __future__ import annotations

import importlib
import socket
from pathlib import Path
from typing import Any

import pytest

from sfsync.store import public_suffix


def _no_network(*_args: Any, **_kwargs: Any) -> Any:
    raise AssertionError("the Public Suffix List must be read offline")


def test_the_list_is_read_offline_from_the_bundled_snapshot(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No socket is opened and no cache is written, even on the first look-up of a fresh process."""
    monkeypatch.setattr(socket, "socket", _no_network)
    monkeypatch.setattr(socket, "create_connection", _no_network)
    monkeypatch.setattr(socket, "getaddrinfo", _no_network)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("TLDEXTRACT_CACHE", raising=False)
    fresh = importlib.reload(public_suffix)
    try:
        assert fresh.public_suffix("shop.acme.co.uk") == "co.uk"
        assert fresh.is_public_suffix("github.io")
        assert list(tmp_path.iterdir()) == []
    finally:
        monkeypatch.undo()
        importlib.reload(public_suffix)


@pytest.mark.parametrize(
    ("host", "suffix", "registrable"),
    [
        ("shop.acme.co.uk", "co.uk", "acme.co.uk"),
        ("acme.com", "com", "acme.com"),
        ("a.b.github.io", "github.io", "b.github.io"),  # the list's private section
        ("shop.acme.example", "example", "acme.example"),  # no rule: the default rule `*`
        ("co.uk", "co.uk", "co.uk"),
        ("xn--fsqu00a.xn--fiqs8s", "xn--fiqs8s", "xn--fsqu00a.xn--fiqs8s"),  # A-labels are looked up too
    ],
)
def test_suffix_and_registrable_domain(host: str, suffix: str, registrable: str) -> None:
    assert public_suffix.public_suffix(host) == suffix
    assert public_suffix.registrable_domain(host) == registrable
