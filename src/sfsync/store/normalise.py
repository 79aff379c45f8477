"""Normalisation of the keys records are matched by: emails and web domains.

Both functions are total: they return a `Normalised` value, which holds either the canonical form or
the reason the input is not valid. The store keeps only canonical forms in its `*_norm` columns, so
matching is an equality join.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOST = re.compile(rf"(?:{_LABEL}\.)+{_LABEL}")
_URL_CHARS = frozenset("/:@?#[]")
_LOCAL_PART = re.compile(r"^[a-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}$")


@dataclass(frozen=True)
class Normalised:
    """A canonical value, or None with the reason the input was refused."""

    value: str | None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.value is not None


def _invalid(reason: str) -> Normalised:
    return Normalised(None, reason)


@lru_cache(maxsize=8192)  # loads repeat the same company domains; normalising is pure
def normalise_domain(raw: str) -> Normalised:
    """A bare, lower-case, ASCII (IDNA) host name from a domain or a URL.

    `https://www.Example.com:8080/about` → `example.com`: scheme, user info, port, path, a leading
    `www.` and a trailing dot are dropped.
    """
    text = raw.strip()
    if not text:
        return _invalid("empty domain")
    if "@" in text and "://" not in text:
        return _invalid(f"not a domain: {raw.strip()!r}")
    if _URL_CHARS.isdisjoint(text):  # a bare host name: no URL parsing needed
        return _host(text.lower().rstrip(".").removeprefix("www."), text)
    try:
        host = urlsplit(text if "://" in text else f"//{text}").hostname
    except ValueError:
        return _invalid(f"not a domain: {text!r}")
    if not host:
        return _invalid(f"not a domain: {text!r}")
    return _host(host.rstrip(".").removeprefix("www."), text)


def _host(host: str, text: str) -> Normalised:
    try:
        ascii_host = host.lower() if host.isascii() else host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return _invalid(f"not a domain: {text!r}")
    if len(ascii_host) > 253 or not _HOST.fullmatch(ascii_host):
        return _invalid(f"not a domain: {text!r}")
    if ascii_host.rpartition(".")[2].isdigit():
        return _invalid(f"an IP address is not a domain: {text!r}")
    return Normalised(ascii_host)


@lru_cache(maxsize=8192)
def normalise_email(raw: str) -> Normalised:
    """A trimmed, lower-cased address whose domain is a valid host name (IDNA-encoded)."""
    text = raw.strip().lower().removeprefix("mailto:")
    if not text:
        return _invalid("empty email")
    local, at, domain = text.rpartition("@")
    if not at or not local:
        return _invalid(f"not an email address: {raw.strip()!r}")
    if not _LOCAL_PART.match(local) or local.startswith(".") or local.endswith(".") or ".." in local:
        return _invalid(f"not an email address: {raw.strip()!r}")
    host = _host(domain.rstrip("."), domain)
    if host.value is None:
        return _invalid(f"not an email address: {raw.strip()!r}")
    return Normalised(f"{local}@{host.value}")


def email_domain(email_norm: str) -> str:
    """The domain of an already normalised email."""
    return email_norm.rpartition("@")[2]
