"""Normalisation of the keys records are matched by: emails and web domains.

Both functions are total: they return a `Normalised` value, which holds either the canonical form or
the reason the input is not valid. The store keeps only canonical forms in its `*_norm` columns, so
matching is an equality join.

This is the one module that uses `idna` and `email-validator`. Host names follow IDNA 2008 with the
UTS #46 mapping (non-transitional: `faß.de` stays `faß.de`, stored as `xn--fa-hia.de`, a different
domain from `fass.de`). Emails are validated by email-validator, syntax only (never DNS), and may have
an internationalised local part, as Salesforce accepts with Email Address Internationalization.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

import idna
from email_validator import EmailNotValidError, ValidatedEmail, validate_email

from sfsync.store.company_domain import company_domain_problem

_URL_CHARS = frozenset("/:@?#[]")
_MAX_HOST = 253
# An address email-validator takes as it is but for case: an ASCII dot-atom local part (RFC 5322's atext,
# as email-validator's own `DOT_ATOM_TEXT`), one @, an ASCII host of letters, digits, hyphens and dots.
_ATEXT = r"a-zA-Z0-9_!#$%&'*+\-/=?^`{|}~"
_PLAIN_EMAIL = re.compile(rf"([{_ATEXT}]+(?:\.[{_ATEXT}]+)*)@([a-zA-Z0-9.-]+)")
_EMAIL_MAX = 254  # RFC 3696 errata / RFC 5321: the whole address, as email-validator counts it


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
    """A company's domain: a bare, lower-case, ASCII (A-label) host name from a domain or a URL.

    `https://www.Example.com:8080/about` → `example.com`: scheme, user info, port, path, a leading
    `www.` and a trailing dot are dropped. A public suffix or a shared platform's host is refused
    (`company_domain`): it is no one company's domain.
    """
    host = normalise_host(raw)
    if host.value is None:
        return host
    problem = company_domain_problem(host.value)
    return _invalid(problem) if problem else host


@lru_cache(maxsize=8192)
def normalise_host(raw: str) -> Normalised:
    """A bare, lower-case, ASCII (A-label) host name from a domain or a URL, whatever it names."""
    text = raw.strip()
    if not text:
        return _invalid("empty domain")
    if "@" in text and "://" not in text:
        return _invalid(f"not a domain: {text!r}")
    if _URL_CHARS.isdisjoint(text):  # a bare host name: no URL parsing needed
        return _host(text, text)
    try:
        host = urlsplit(text if "://" in text else f"//{text}").hostname
    except ValueError:
        return _invalid(f"not a domain: {text!r}")
    if not host:
        return _invalid(f"not a domain: {text!r}")
    return _host(host, text)


def _host(host: str, text: str) -> Normalised:
    try:  # UTS #46 maps first (case, full-width dots, compatibility forms), then IDNA 2008 validates
        ascii_host = idna.encode(host, uts46=True, std3_rules=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        return _invalid(f"not a domain: {text!r}")
    ascii_host = ascii_host.rstrip(".").removeprefix("www.")
    if len(ascii_host) > _MAX_HOST or "." not in ascii_host:
        return _invalid(f"not a domain: {text!r}")
    if ascii_host.rpartition(".")[2].isdigit():
        return _invalid(f"an IP address is not a domain: {text!r}")
    return Normalised(ascii_host)


def unicode_host(ascii_host: str) -> str:
    """The Unicode (U-label) form of a normalised host: `faß.de` for `xn--fa-hia.de` (itself when ASCII)."""
    if "xn--" not in ascii_host:
        return ascii_host
    try:
        return str(idna.decode(ascii_host))
    except (idna.IDNAError, UnicodeError):
        return ascii_host


@lru_cache(maxsize=8192)
def normalise_email(raw: str) -> Normalised:
    """A trimmed address, its local part lower-cased (NFC), its domain an A-label host name.

    The local part may be internationalised (`josé@empresa.es`); quoted local parts, IP-address
    domains, display names and special-use domains (`.local`, `.test`, …) are refused.
    """
    text = raw.strip()
    if text[:7].lower() == "mailto:":
        text = text[7:]
    if not text:
        return _invalid("empty email")
    plain = _plain_email(text)
    if plain is not None:
        return Normalised(plain)
    try:
        checked = validated_email(text)
    except EmailNotValidError as error:
        return _invalid(f"not an email address: {raw.strip()!r} ({error})")
    local = unicodedata.normalize("NFC", checked.local_part.lower())
    return Normalised(f"{local}@{checked.ascii_domain}")


def validated_email(text: str) -> ValidatedEmail:
    """email-validator's verdict on an address as sfsync takes addresses: syntax only (never DNS), an
    internationalised local part allowed; no quoted local part, IP-address domain or display name."""
    return validate_email(
        text,
        check_deliverability=False,
        allow_smtputf8=True,
        allow_quoted_local=False,
        allow_domain_literal=False,
        allow_display_name=False,
        allow_empty_local=False,
    )


def _plain_email(text: str) -> str | None:
    """The normal form of a plain address, its domain validated once per distinct domain; None when the
    address is not plain (or its domain not valid): it is then validated whole, which also says why.

    For a plain address, email-validator's verdict is its domain's: an ASCII dot-atom local part is valid
    as it is (not strict), and with an ASCII host that is no A-label the address, its normal form and its
    ASCII form all have the same length, checked here as email-validator checks it. Most emails are plain,
    and the domain's validation (IDNA, special-use names) is most of email-validator's cost.
    """
    match = _PLAIN_EMAIL.fullmatch(text)
    if match is None or len(text) > _EMAIL_MAX or "xn--" in text.lower():
        return None
    local, domain = match.groups()
    ascii_domain = _email_domain(domain)
    return f"{local.lower()}@{ascii_domain}" if ascii_domain is not None else None


@lru_cache(maxsize=1 << 16)  # a company's people share its domain
def _email_domain(domain: str) -> str | None:
    """The ASCII form email-validator gives the domain of an address, or None when it refuses it."""
    try:
        return validated_email(f"a@{domain}").ascii_domain
    except EmailNotValidError:
        return None


def email_domain(email_norm: str) -> str:
    """The domain of an already normalised email."""
    return email_norm.rpartition("@")[2]


def unicode_email(email_norm: str) -> str:
    """A normalised email with its domain in Unicode form, as Salesforce stores it."""
    local, _, domain = email_norm.rpartition("@")
    return f"{local}@{unicode_host(domain)}"


MESSAGE_ID_MAX = 998  # an RFC 5322 line: no header holds a longer Message-ID


def normalise_message_id(raw: str) -> Normalised:
    """An email's universal message id (RFC 5322 `Message-ID`) as `<local@domain>`, angle brackets kept.

    The brackets are added when missing, so `abc@Mail.Example.com` and `<abc@mail.example.com>` are one
    message; the domain part is lower-cased (domains are case-blind), the local part is kept as given
    (it may be case-sensitive). Salesforce's `MessageIdentifier` is compared in this same form.
    """
    text = raw.strip()
    inner = text[1:-1] if text.startswith("<") and text.endswith(">") else text
    local, at, domain = inner.rpartition("@")
    if not at or not local or not domain:
        return _invalid(f"not a message id: {text!r} (expected <local@domain>)")
    if any(c.isspace() or c in "<>" for c in inner) or "\x00" in inner:
        return _invalid(f"not a message id: {text!r} (no spaces or angle brackets inside)")
    canonical = f"<{local}@{domain.lower()}>"
    if len(canonical) > MESSAGE_ID_MAX:
        return _invalid(f"message id longer than {MESSAGE_ID_MAX} characters")
    return Normalised(canonical)
